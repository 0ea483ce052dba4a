using System.Diagnostics;
using System.Xml.Linq;

namespace WasmProbe.Tests.Coverage;

/// <summary>The whole <c>dotnet test</c> path: a generated xunit v3 test project that imports
/// src/WasmProbe/build/WasmProbe.Coverage.targets and sets <c>WasmProbeCoverage</c> runs two sessions over one module;
/// the run merges them, writes the reports next to the test results, and prints the summary in dotnet test's output.</summary>
public sealed class DotnetTestIntegrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"wasmprobe-dotnet-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static string Version(string root, string package) =>
        XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => p.Attribute("Include")!.Value == package).Attribute("Version")!.Value;

    private const string TestSource = """
        using WasmProbe.Debugging;
        using Xunit;

        public class LoopTests
        {
            private const string Wat = "(module (func $sum (export \"sum\") (param $n i32) (result i32) (local $i i32) (local $acc i32) (loop $again local.get $acc local.get $i i32.add local.set $acc local.get $i i32.const 1 i32.add local.tee $i local.get $n i32.lt_s br_if $again) local.get $acc))";

            [Theory]
            [InlineData(3, 3)]
            [InlineData(4, 6)]
            public async Task Sum(int n, int expected)
            {
                await using var session = DebugSession.Create(Wasmtime.Module.ConvertText(Wat).ToArray(), new DebugSessionOptions { Entry = "sum", Arguments = [n] });
                var stop = await session.RunToCompletionAsync();
                Assert.Equal(expected, ((FinishedStop)stop).Results[0].AsInt32());
                Assert.True(session.CollectsCoverage);
            }
        }
        """;

    [Fact]
    public async Task Dotnet_test_with_WasmProbeCoverage_merges_the_sessions_writes_the_reports_and_prints_the_summary()
    {
        string root = Repository.Root;
        string project = Path.Combine(_directory, "CoverageProbe");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "CoverageProbe.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <ImplicitUsings>enable</ImplicitUsings>
                <WasmProbeCoverage>true</WasmProbeCoverage>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="xunit.v3.mtp-off" Version="{Version(root, "xunit.v3.mtp-off")}" />
                <PackageReference Include="xunit.runner.visualstudio" Version="{Version(root, "xunit.runner.visualstudio")}" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="{Version(root, "Microsoft.NET.Test.Sdk")}" />
                <PackageReference Include="Wasmtime" Version="{Version(root, "Wasmtime")}" />
                <Reference Include="WasmProbe" HintPath="{Path.Combine(AppContext.BaseDirectory, "WasmProbe.dll")}" />
              </ItemGroup>
              <Import Project="{Path.Combine(root, "src", "WasmProbe", "build", "WasmProbe.Coverage.targets")}" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "LoopTests.cs"), TestSource);

        var (code, output) = await DotnetAsync(project, "test", "--logger", "console;verbosity=minimal");
        if (code != 0 && (output.Contains("NU1101", StringComparison.Ordinal) || output.Contains("NU1301", StringComparison.Ordinal)))
            Assert.Skip($"the test project's packages cannot be restored here: {output}");
        code.ShouldBe(0, output);

        // The summary comes after the test results, in dotnet test's own output.
        int passed = output.IndexOf("Passed!", StringComparison.Ordinal);
        int summary = output.IndexOf("WasmProbe guest coverage: 1 module, 2 runs", StringComparison.Ordinal);
        passed.ShouldBeGreaterThanOrEqualTo(0, output);
        summary.ShouldBeGreaterThan(passed, output);
        output.ShouldMatch(@"module_[0-9a-f]{12}\.wasm\s+1/1 \(100\.0%\)\s+15/15 \(100\.0%\)\s+2/2 \(100\.0%\)");

        string reports = Path.Combine(project, "TestResults", "wasmprobe-coverage");
        output.ShouldContain($"reports: {Path.Combine(reports, "CoverageProbe.cobertura.xml")}, {Path.Combine(reports, "CoverageProbe.lcov.info")}");
        var files = Directory.GetFiles(reports).Select(f => Path.GetFileName(f)).Order().ToArray();
        files.Length.ShouldBe(4);
        files[..3].ShouldBe(["CoverageProbe.cobertura.xml", "CoverageProbe.lcov.info", "CoverageProbe.summary.txt"]);
        files[3].ShouldMatch(@"^module_[0-9a-f]{12}\.wasm\.lst$");

        // Both sessions merged: the loop body ran 3 + 4 times.
        var lines = XDocument.Load(Path.Combine(reports, "CoverageProbe.cobertura.xml")).Descendants("class").Single().Element("lines")!.Elements("line");
        lines.Max(l => int.Parse(l.Attribute("hits")!.Value)).ShouldBe(7);

        // --results-directory moves the reports next to the results, without rebuilding.
        string results = Path.Combine(_directory, "results");
        (code, output) = await DotnetAsync(project, "test", "--no-build", "--results-directory", results);
        code.ShouldBe(0, output);
        File.Exists(Path.Combine(results, "wasmprobe-coverage", "CoverageProbe.cobertura.xml")).ShouldBeTrue(output);
        output.ShouldContain($"reports: {Path.Combine(results, "wasmprobe-coverage", "CoverageProbe.cobertura.xml")}");
    }

    private static async Task<(int Code, string Output)> DotnetAsync(string directory, params string[] arguments)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No build servers: nothing of this nested build may outlive the test.
        foreach (var argument in new[] { "--disable-build-servers", "-p:UseSharedCompilation=false", "-nodeReuse:false" }) start.ArgumentList.Add(argument);
        // A clean environment: nothing of the outer test run (MSBuild, VSTest, WasmProbe settings) leaks in.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("WASMPROBE_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, "dotnet " + string.Join(' ', arguments) + " timed out\n" + await stdout + await stderr);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
