using WasmProbe.Tests.Dwarf;
using static WasmProbe.Tests.Cli.CliRun;

namespace WasmProbe.Tests.Cli;

/// <summary>The CLI's WASI options on the C word count (examples/CGuest/guest/wc.c): --dir, --env, --stdin, and
/// proc_exit's code in the final event and the command's status.</summary>
public sealed class WasiOptionsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("wasmprobe-cli-wasi-").FullName;
    private static readonly string Wc = CGuest.PathOf("wc-O0.wasm");

    public WasiOptionsTests() => File.WriteAllText(Path.Combine(_data, "a.txt"), "alpha beta\ngamma\n");

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void Dir_and_env_let_the_guest_read_a_file_and_write_its_report()
    {
        var (code, output, error) = Run("trace", Wc, "--invoke", "_start", "--arg", "/in/a.txt",
            "--dir", $"{_data}::/in::rw", "--env", "WC_REPORT=/in/report.txt");
        code.ShouldBe(0, error);
        output.Trim().ShouldBe("{\"event\":\"finished\",\"results\":[]}");
        error.ShouldBe("2 3 17 /in/a.txt\n");
        File.ReadAllText(Path.Combine(_data, "report.txt")).ShouldBe("lines=2 words=3 bytes=17\n");
    }

    [Fact]
    public void Stdin_comes_from_a_file()
    {
        var (code, _, error) = Run("trace", Wc, "--invoke", "_start", "--stdin", Path.Combine(_data, "a.txt"));
        code.ShouldBe(0, error);
        error.ShouldBe("2 3 17 -\n");
    }

    [Fact]
    public void An_exit_code_is_in_the_final_event_and_fails_the_command()
    {
        var (code, output, error) = Run("trace", Wc, "--invoke", "_start", "--arg", "/in/none.txt", "--dir", $"{_data}::/in");
        code.ShouldBe(1);
        output.Trim().ShouldBe("{\"event\":\"finished\",\"results\":[],\"exit_code\":2}");
        error.ShouldBe("wc: cannot open /in/none.txt\n");
    }

    [Fact]
    public void A_read_only_dir_refuses_the_report_and_coverage_says_how_it_ended()
    {
        string reports = Path.Combine(_data, "coverage");
        var (code, output, error) = Run("coverage", Wc, "--invoke", "_start", "--out", reports, "--arg", "/in/a.txt",
            "--dir", $"{_data}::/in", "--env", "WC_REPORT=/in/report.txt");
        code.ShouldBe(1);
        output.ShouldStartWith("exit code: 3");
        error.ShouldContain("error: the guest exited with code 3; the coverage was written");
        File.Exists(Path.Combine(reports, "coverage.cobertura.xml")).ShouldBeTrue();
        File.Exists(Path.Combine(_data, "report.txt")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("--dir", "x", "--dir 'x' is not HOST::GUEST, HOST::GUEST::ro or HOST::GUEST::rw")]
    [InlineData("--env", "NOVALUE", "--env 'NOVALUE' is not NAME=value")]
    public void Malformed_values_are_usage_errors(string option, string value, string message)
    {
        var (code, _, error) = Run("trace", Wc, "--invoke", "_start", option, value);
        code.ShouldBe(2);
        error.ShouldContain(message);
    }
}
