using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using WasmProbe.Coverage.Reports;

namespace WasmProbe.Tests.Coverage;

/// <summary>ReportGenerator (the dotnet tool <c>dotnet-reportgenerator-globaltool</c>) reads our Cobertura and LCOV
/// without errors and agrees on the numbers. The tool is installed once into the temp folder; where it cannot be
/// installed (no package feed), the test is skipped with the reason.</summary>
public sealed partial class ReportGeneratorTests : IDisposable
{
    /// <summary>As in the repository's tool manifest (.config/dotnet-tools.json), which the README's recipe uses.</summary>
    private const string Version = "5.5.12";
    private static readonly Lazy<(string? Path, string Reason)> Tool = new(Install);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"wasmprobe-rg-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ReportGenerator_accepts_the_Cobertura_and_LCOV_reports()
    {
        var (tool, reason) = Tool.Value;
        if (tool is null) Assert.Skip(reason);

        var listing = ReportTests.AbsCoverage(5, -5, 0);
        var files = CoverageReport.Write([listing], _directory, "wasm");
        var report = CoverageReport.Build([listing]).Single();
        string expected = (100.0 * report.LinesCovered / report.LinesValid).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        int listingLines = ReportTests.Listing((ListingSourceMap)report.SourceMap).TrimEnd('\n').Split('\n').Length;

        foreach (var (input, parser) in new[] { (files.Cobertura, "Cobertura"), (files.Lcov, "LCov") })
        {
            string target = Path.Combine(_directory, "rg-" + parser);
            var (code, output) = await RunAsync(tool, $"\"-reports:{input}\" \"-targetdir:{target}\" \"-reporttypes:TextSummary;Html\"");
            code.ShouldBe(0, output);
            output.ShouldNotContain("rror", Case.Insensitive, output);
            var summary = File.ReadAllText(Path.Combine(target, "Summary.txt"));
            summary.ShouldContain($"Parser: {parser}");
            summary.ShouldContain($"Line coverage: {expected}");
            summary.ShouldContain("Branch coverage: 100% (2 of 2)");
            summary.ShouldContain("Method coverage: 50% (1 of 2)");
            // The listing was found as the source file: ReportGenerator counts its lines.
            TotalLines().Match(summary).Groups[1].Value.ShouldBe(listingLines.ToString(CultureInfo.InvariantCulture));
            File.Exists(Path.Combine(target, "index.html")).ShouldBeTrue();
        }
    }

    /// <summary>The README's recipe for one report of host and guest: coverlet.collector's Cobertura of the .NET side
    /// and WasmProbe's of the guests, from one <c>dotnet test --collect "XPlat Code Coverage"</c> of the C example,
    /// merged by ReportGenerator; each guest module keeps the line rate WasmProbe measured.</summary>
    [Fact]
    public async Task Host_and_guest_coverage_of_one_test_run_merge_into_one_report()
    {
        var (tool, reason) = Tool.Value;
        if (tool is null) Assert.Skip(reason);
        string project = Repository.PathOf("examples", "CGuest", "CGuest.csproj");
        bool built = File.Exists(Repository.PathOf("examples", "CGuest", "bin", "Debug", "net10.0", "CGuest.dll"));
        string results = Path.Combine(_directory, "results");

        var (code, output) = await RunAsync(Dotnet, $"test \"{project}\"{(built ? " --no-build" : "")} --collect \"XPlat Code Coverage\" --results-directory \"{results}\"", 600);
        code.ShouldBe(0, output);
        string host = Directory.GetFiles(results, "coverage.cobertura.xml", SearchOption.AllDirectories).ShouldHaveSingleItem();
        string guest = Path.Combine(results, "wasmprobe-coverage", "CGuest.cobertura.xml");
        File.Exists(guest).ShouldBeTrue(output);
        string target = Path.Combine(_directory, "merged");
        (code, output) = await RunAsync(tool, $"\"-reports:{host};{guest}\" \"-targetdir:{target}\" \"-reporttypes:TextSummary;Html\"");
        code.ShouldBe(0, output);

        var summary = File.ReadAllText(Path.Combine(target, "Summary.txt"));
        summary.ShouldContain("Parser: MultiReport (2x Cobertura)");
        summary.ShouldContain("\nWasmProbe "); // the host library the tests ran, as coverlet measured it
        var guestReport = System.Xml.Linq.XDocument.Load(guest);
        foreach (var module in new[] { "sort-O0.wasm", "wc-O0.wasm" })
        {
            var package = guestReport.Descendants("package").Single(p => (string?)p.Attribute("name") == module);
            double rate = double.Parse((string)package.Attribute("line-rate")!, CultureInfo.InvariantCulture);
            rate.ShouldBeGreaterThan(0.5, module);
            string shown = (100 * rate).ToString("0.#", CultureInfo.InvariantCulture) + "%";
            summary.Split('\n').ShouldContain(line => line.StartsWith(module + " ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(" " + shown, StringComparison.Ordinal),
                $"{module} at {shown} in:\n{summary}");
        }
        File.Exists(Path.Combine(target, "index.html")).ShouldBeTrue();
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    [GeneratedRegex(@"Total lines: (\d+)")]
    private static partial Regex TotalLines();

    private static async Task<(int Code, string Output)> RunAsync(string file, string arguments, int timeoutSeconds = 120)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeoutSeconds} s: {file} {arguments}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Installs the tool into the temp folder (once per machine; later runs reuse it).</summary>
    private static (string? Path, string Reason) Install()
    {
        string root = Path.Combine(Path.GetTempPath(), "wasmprobe-tools", $"reportgenerator-{Version}");
        string executable = OperatingSystem.IsWindows() ? "reportgenerator.exe" : "reportgenerator";
        if (File.Exists(Path.Combine(root, executable))) return (Path.Combine(root, executable), "");
        string staging = $"{root}.{Guid.NewGuid():N}.tmp";
        try
        {
            var (code, output) = RunAsync(Dotnet, $"tool install --tool-path \"{staging}\" dotnet-reportgenerator-globaltool --version {Version}", 300).GetAwaiter().GetResult();
            if (code != 0) return (null, $"dotnet-reportgenerator-globaltool {Version} could not be installed (exit code {code}): {output.Trim()}");
            try
            {
                Directory.Move(staging, root);
            }
            catch (IOException) when (File.Exists(Path.Combine(root, executable)))
            {
                // Another test process installed it meanwhile.
            }
            return (Path.Combine(root, executable), "");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return (null, $"dotnet-reportgenerator-globaltool {Version} could not be installed: {e.Message}");
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
