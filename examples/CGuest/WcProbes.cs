using WasmProbe.Probes;

namespace CGuest;

// guest/wc.c hosted through WASI: the file named on its command line comes from data/ (this project's folder),
// preopened read-only at /data; WC_REPORT names a file in a temporary directory, new for each run, writable, at /out.
[WasmModule("guest/wc-O0.wasm", Entry = "_start", Wasi = true,
    WasiArgs = new[] { "/data/fox.txt" },
    Env = new[] { "WC_REPORT=/out/report.txt" },
    Dirs = new[] { "data::/data", "{temp}::/out::rw" })]
public partial class WcProbes
{
    // total->lines += c.lines;  after count_file has read the preopened file
    [BreakAtLine("wc.c", 36)]
    public void Counts_the_preopened_file(Wc_c_L36 stop)
    {
        var c = stop.Variables.c; // struct counts, a generated view: long is 32 bits in wasm32, so int
        (c.lines, c.words, c.bytes).ShouldBe((3, 9, 44));
        stop.Variables.total.Value.lines.ShouldBe(0); // struct counts *total, before line 36 adds to it
        stop.Variables.path[0].ShouldBe((sbyte)'/');
        stop.Variable("path").ToString().ShouldContain("\"/data/fox.txt\"");
    }

    // The same counts declaratively: struct members, a pointer's target and a C string (compared up to its NUL).
    [BreakAtLine("wc.c", 39)]
    [ExpectVariable("c.lines", 3L)]
    [ExpectVariable("c.words", 9)]
    [ExpectVariable("total->bytes", 44)]
    [ExpectVariable("path", "/data/fox.txt")]
    [ExpectVariable("*path", '/')]
    public void Adds_the_file_to_the_totals()
    {
    }

    [Fact]
    public void Writes_its_report_into_the_runs_own_temporary_directory()
    {
        using var first = Instantiate();
        using var second = Instantiate();
        first.Exports._start();
        first.ExitCode.ShouldBeNull();
        first.Stdout.ShouldBe("3 9 44 /data/fox.txt\n");
        string report = Path.Combine(first.WasiDirectory("/out"), "report.txt");
        File.ReadAllText(report).ShouldBe("lines=3 words=9 bytes=44\n");
        File.Exists(Path.Combine(second.WasiDirectory("/out"), "report.txt")).ShouldBeFalse();
        first.Dispose();
        Directory.Exists(Path.GetDirectoryName(report)).ShouldBeFalse();
    }
}

// stdin as text; no arguments, so wc counts stdin.
[WasmModule("guest/wc-O0.wasm", Entry = "_start", Wasi = true, Stdin = "to be\nor not to be\n")]
public partial class WcStdinProbes
{
    // printf("%ld %ld %ld -\n", total.lines, total.words, total.bytes);
    [BreakAtLine("wc.c", 47)]
    public void Counts_stdin(Wc_c_L47 stop)
    {
        var total = stop.Variables.total;
        (total.lines, total.words, total.bytes).ShouldBe((2, 6, 19));
    }
}

// The exit code is the run's outcome: a missing file makes wc exit with 2, which this class expects; a report into a
// read-only directory cannot be written (exit code 3).
[WasmModule("guest/wc-O0.wasm", Entry = "_start", Wasi = true, ExitCode = 2,
    WasiArgs = new[] { "/data/missing.txt", "/data/small.txt" },
    Dirs = new[] { "data::/data" })]
public partial class WcExitProbes
{
    // status = 2;  once, for the missing file
    [BreakAtLine("wc.c", 50, Hit = 1)]
    public void Reports_the_missing_file(Wc_c_L50 stop) => stop.Variables.i.ShouldBe(1);

    // count_file's contract: 0 for a file it cannot open, 1 for one it has counted.
    [OnReturn("count_file", Hit = 1)]
    [ExpectResult(0, 0)]
    public void Count_file_fails_on_the_missing_file()
    {
    }

    // Memory safety over the whole run: wasm-ld places nothing below 1024, so a write there is one through a null
    // (or nearly null) pointer, which wasm does not trap on.
    [OnReturn("count_file", Hit = 2)]
    [ExpectResult(0, 1)]
    [ExpectNoWrite(0, 1024)]
    public void Count_file_counts_the_small_file(Count_file_Return stop) => stop.Return.Exit.Kind.ShouldBe(WasmProbe.Wasm.Resolution.ExitKind.Return);

    [Fact]
    public void Exits_with_2_and_says_which_file_is_missing()
    {
        using var guest = Instantiate();
        guest.Exports._start();
        guest.ExitCode.ShouldBe(2);
        guest.Stderr.ShouldBe("wc: cannot open /data/missing.txt\n");
        guest.Stdout.ShouldBe("2 3 14 /data/small.txt\n");
    }
}

// Fault injection: count_file fails at once (returns 0 without opening the file), and main reports it by exiting
// with 2, though the file is there.
[WasmModule("guest/wc-O0.wasm", Entry = "_start", Wasi = true, ExitCode = 2,
    WasiArgs = new[] { "/data/small.txt" }, Dirs = new[] { "data::/data" })]
public partial class WcFaultProbes
{
    [OnCall("count_file")]
    [ExpectImportCalls("wasi_snapshot_preview1", "path_open", 0)]
    public void A_failing_count_file_makes_main_exit_with_2(Count_file_Call stop) => stop.ForceReturn(0);

    [MockImport("wasi_snapshot_preview1", "path_open")]
    public static int PathOpen(int fd, int dirflags, int path, int pathLength, int oflags, long rightsBase, long rightsInheriting, int fdflags, int opened) => 44;
}

[WasmModule("guest/wc-O0.wasm", Entry = "_start", Wasi = true,
    WasiArgs = new[] { "/data/small.txt" }, Env = new[] { "WC_REPORT=/data/report.txt" }, Dirs = new[] { "data::/data" })]
public partial class WcReadOnlyProbes
{
    [Fact]
    public void Cannot_write_into_a_read_only_directory()
    {
        using var guest = Instantiate();
        guest.Exports._start();
        guest.ExitCode.ShouldBe(3);
        File.Exists(Path.Combine(guest.WasiDirectory("/data"), "report.txt")).ShouldBeFalse();
    }
}

// With <WasmProbeCoverage>true</WasmProbeCoverage> (this project), a plain test's Instantiate() instance is counted
// too: merged into the project's coverage when it is disposed.
public class PlainFactCoverageTests
{
    [Fact]
    public void An_Instantiate_test_is_counted_in_the_projects_coverage()
    {
        string id = WasmProbe.Coverage.CoverageInstrumenter.ModuleId(WcStdinProbes.WasmModule.Bytes);
        long before = WasmProbe.Coverage.CoverageCollector.Default[id]?.Runs ?? 0;
        using (var guest = WcStdinProbes.Instantiate())
        {
            guest.Exports._start();
            guest.Stdout.ShouldBe("2 6 19 -\n");
        }
        var merged = WasmProbe.Coverage.CoverageCollector.Default[id].ShouldNotBeNull();
        merged.Runs.ShouldBeGreaterThan(before);
        merged.Function("count_stream").Calls.ShouldBeGreaterThan(0);
    }
}
