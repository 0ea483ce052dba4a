using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Engine.Wasi;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Debugging;

/// <summary>WASI hosting through <see cref="GuestOptions"/> on a real C program (examples/CGuest/guest/wc.c, a
/// word count): stdin, environment variables, preopened directories (read-only, writable, temporary) and proc_exit's
/// code as the run's outcome.</summary>
public sealed class WasiHostingTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("wasmprobe-wasi-").FullName;

    public WasiHostingTests() => File.WriteAllText(Path.Combine(_data, "a.txt"), "alpha beta\ngamma\n");

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static DebugSession Wc(GuestOptions host) =>
        DebugSession.Open(CGuest.PathOf("wc-O0.wasm"), new DebugSessionOptions { Entry = "_start", Host = host, Mode = WasmProbe.Instrumentation.InstrumentationMode.Static });

    [Fact]
    public void Stdin_bytes_are_what_the_guest_reads()
    {
        using var session = Wc(new GuestOptions { Wasi = true, WasiArguments = ["wc"], Stdin = [0x61, 0x20, 0x62, 0x0a, 0xff] });
        session.Run(_ => ResumeAction.Continue).ShouldBe(new FinishedStop([]));
        session.Stdout.ShouldBe("1 3 5 -\n"); // a, b and the byte 0xff: 5 bytes, not text
    }

    [Fact]
    public void Without_stdin_the_guest_reads_end_of_file()
    {
        using var session = Wc(new GuestOptions { Wasi = true, WasiArguments = ["wc"] });
        session.Run(_ => ResumeAction.Continue).ShouldBeOfType<FinishedStop>();
        session.Stdout.ShouldBe("0 0 0 -\n");
    }

    [Fact]
    public void A_read_only_directory_is_readable_and_a_temporary_one_writable()
    {
        using var session = Wc(new GuestOptions
        {
            Wasi = true,
            WasiArguments = ["wc", "/in/a.txt"],
            Environment = new Dictionary<string, string> { ["WC_REPORT"] = "/out/r.txt" },
            Directories = [new PreopenedDirectory(_data, "/in"), PreopenedDirectory.Temporary("/out")],
        });
        session.Run(_ => ResumeAction.Continue).ShouldBe(new FinishedStop([]));
        session.Stdout.ShouldBe("2 3 17 /in/a.txt\n");
        string output = session.WasiDirectory("/out");
        output.ShouldNotBe(_data);
        File.ReadAllText(Path.Combine(output, "r.txt")).ShouldBe("lines=2 words=3 bytes=17\n");
        session.WasiDirectory("/in").ShouldBe(_data);
        session.Dispose();
        Directory.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void Proc_exit_ends_the_run_with_its_code()
    {
        using var session = Wc(new GuestOptions
        {
            Wasi = true,
            WasiArguments = ["wc", "/in/a.txt"],
            Environment = new Dictionary<string, string> { ["WC_REPORT"] = "/in/r.txt" },
            Directories = [new PreopenedDirectory(_data, "/in", Writable: false)],
        });
        session.Run(_ => ResumeAction.Continue).ShouldBe(new FinishedStop([], ExitCode: 3));
        File.Exists(Path.Combine(_data, "r.txt")).ShouldBeFalse("the directory is read-only");
    }

    [Fact]
    public void A_writable_directory_receives_the_guests_file()
    {
        using var session = Wc(new GuestOptions
        {
            Wasi = true,
            WasiArguments = ["wc", "/in/a.txt", "/in/none.txt"],
            Environment = new Dictionary<string, string> { ["WC_REPORT"] = "/in/r.txt" },
            Directories = [new PreopenedDirectory(_data, "/in", Writable: true)],
        });
        session.Run(_ => ResumeAction.Continue).ShouldBe(new FinishedStop([], ExitCode: 2));
        session.Stderr.ShouldBe("wc: cannot open /in/none.txt\n");
        File.ReadAllText(Path.Combine(_data, "r.txt")).ShouldBe("lines=2 words=3 bytes=17\n");
    }

    [Fact]
    public void A_missing_host_directory_is_an_error_naming_it()
    {
        string missing = Path.Combine(_data, "nope");
        using var session = Wc(new GuestOptions { Wasi = true, Directories = [new PreopenedDirectory(missing, "/in")] });
        Should.Throw<DirectoryNotFoundException>(() => session.Run(_ => ResumeAction.Continue))
            .Message.ShouldBe($"the WASI directory {missing}::/in::ro names '{missing}', which does not exist");
    }

    [Fact]
    public void Wasi_settings_without_wasi_are_an_error()
    {
        using var session = Wc(new GuestOptions { Environment = new Dictionary<string, string> { ["A"] = "1" } });
        Should.Throw<ArgumentException>(() => session.Run(_ => ResumeAction.Continue))
            .Message.ShouldStartWith("GuestOptions.Environment is set but Wasi is off");
    }

    [Fact]
    public void A_wasi_program_run_without_wasi_is_an_error_naming_its_first_wasi_import()
    {
        using var session = Wc(new GuestOptions());
        Should.Throw<ArgumentException>(() => session.Run(_ => ResumeAction.Continue))
            .Message.ShouldStartWith("the module imports WASI (wasi_snapshot_preview1::args_get) but GuestOptions.Wasi is off: turn it on (Wasi = true on [WasmModule]");
    }

    [Theory]
    [InlineData("data", "'data' is not HOST::GUEST, HOST::GUEST::ro or HOST::GUEST::rw")]
    [InlineData("data::in", "'data::in': the guest path 'in' is not absolute (start it with /) nor '.'")]
    [InlineData("::/in", "'::/in' has no host directory (a path, or {temp})")]
    [InlineData("data::/in::rx", "'data::/in::rx': the mode is 'rx', not ro or rw")]
    public void Malformed_directories_are_explained(string text, string problem)
    {
        WasiSpecs.ParseDirectory(text, out var message).ShouldBeNull();
        message.ShouldBe(problem);
    }

    [Fact]
    public void Directory_and_environment_texts_parse()
    {
        WasiSpecs.ParseDirectory("{temp}::/out::rw", out _).ShouldBe(PreopenedDirectory.Temporary("/out"));
        WasiSpecs.ParseDirectory("a/b::.", out _).ShouldBe(new PreopenedDirectory("a/b", ".", false));
        WasiSpecs.ParseEnvironment(["A=1", "B=x=y", "C="], out _)!.ShouldBe(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y", ["C"] = "" });
        WasiSpecs.ParseEnvironment(["A=1", "A=2"], out var problem).ShouldBeNull();
        problem.ShouldBe("the variable 'A' is set twice");
        WasiSpecs.ParseEnvironment("=1", out problem).ShouldBeNull();
        problem.ShouldBe("'=1' has an empty variable name");
    }
}
