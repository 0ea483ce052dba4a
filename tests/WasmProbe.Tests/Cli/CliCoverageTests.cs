using System.Diagnostics;
using System.Xml.Linq;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Cli;

/// <summary>With coverage on for the process (WASMPROBE_COVERAGE=1), the CLI's runs are counted like any other:
/// `wasmprobe trace` writes the reports when it exits.</summary>
public sealed class CliCoverageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wasmprobe-cli-coverage-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Trace_with_coverage_on_writes_the_reports_at_exit()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "WasmProbe.Cli.dll"), "trace", CGuest.PathOf("sort-O0.wasm"), "--invoke", "_start" })
            start.ArgumentList.Add(argument);
        start.Environment["WASMPROBE_COVERAGE"] = "1";
        start.Environment["WASMPROBE_COVERAGE_DIR"] = _directory;
        start.Environment["WASMPROBE_COVERAGE_NAME"] = "cli";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.ExitCode.ShouldBe(0, error);

        error.ShouldContain("WasmProbe guest coverage: 1 module, 1 run");
        // sort.c:33 (a[j + 1] = a[j];) runs once per shift: 8 times.
        XDocument.Load(Path.Combine(_directory, "cli.cobertura.xml")).Descendants("class")
            .Where(c => c.Attribute("filename")!.Value == "/cguest/sort.c").Descendants("line")
            .Where(l => l.Attribute("number")!.Value == "33").Select(l => l.Attribute("hits")!.Value).Distinct().ShouldBe(["8"]);
        (await output).ShouldContain("\"event\":\"finished\"");
    }
}
