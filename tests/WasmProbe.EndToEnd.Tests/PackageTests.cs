using System.IO.Compression;
using WasmProbe.Tests;

namespace WasmProbe.EndToEnd.Tests;

/// <summary>The packages as a user gets them: `dotnet pack` makes WasmProbe (library, source generator, build targets)
/// and WasmProbe.Cli (the `wasmprobe` dotnet tool); a new project outside the repository adds WasmProbe from a local
/// folder feed and runs a probe test (with WASI stdin and guest coverage), and the tool, installed from the same feed,
/// runs the guest. Offline: the project's NuGet.config lists only the feed, everything else comes from the NuGet cache.
/// Filter it out with --filter "Category!=FreshProject".</summary>
[Trait("Category", "FreshProject")]
public sealed class PackageTests : IDisposable
{
    /// <summary>A version of its own, so the NuGet cache never serves a package packed by another run.</summary>
    private readonly string _version = "0.0.0-e2e" + Guid.NewGuid().ToString("n")[..12];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wasmprobe-package-" + Guid.NewGuid().ToString("n")[..8]);

    private static string GlobalPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public void Dispose()
    {
        foreach (var path in new[] { _directory, Path.Combine(GlobalPackages, "wasmprobe", _version), Path.Combine(GlobalPackages, "wasmprobe.cli", _version) })
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public void Packed_packages_work_from_a_local_feed_in_a_new_project()
    {
        string repo = Repository.Root;
        string feed = Path.Combine(_directory, "feed");
        string project = Path.Combine(_directory, "WcTests");
        Directory.CreateDirectory(Path.Combine(project, "guests"));
        string configuration = typeof(PackageTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .Cast<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug";

        // Packed from what this test run built (no second build of the projects other tests are using).
        foreach (var packed in new[] { "WasmProbe", "WasmProbe.Cli" })
        {
            var pack = DotnetCli.Run(repo, "pack", Path.Combine(repo, "src", packed, packed + ".csproj"), "-c", configuration, "--no-build", "-o", feed, $"-p:Version={_version}");
            pack.ExitCode.ShouldBe(0, pack.Output);
        }
        using (var library = ZipFile.OpenRead(Path.Combine(feed, $"WasmProbe.{_version}.nupkg")))
        {
            string[] expected = ["lib/net10.0/WasmProbe.dll", "analyzers/dotnet/cs/WasmProbe.Generators.dll",
                "build/WasmProbe.props", "build/WasmProbe.targets", "build/WasmProbe.Coverage.targets"];
            expected.Except(library.Entries.Select(e => e.FullName)).ShouldBeEmpty();
        }

        File.WriteAllText(Path.Combine(project, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(project, "WcTests.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <Nullable>enable</Nullable>
                <WasmProbeCoverage>true</WasmProbeCoverage>
                <WasmProbeCoverageInclude>/cguest/**</WasmProbeCoverageInclude>
              </PropertyGroup>
              <ItemGroup>
                <WasmModule Include="guests/*.wasm" />
              </ItemGroup>
              <ItemGroup>
                <PackageReference Include="xunit.v3.mtp-off" Version="4.0.2" />
                <PackageReference Include="xunit.runner.visualstudio" Version="4.0.1" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.11.0" />
              </ItemGroup>
            </Project>
            """);
        File.Copy(Path.Combine(repo, "examples", "CGuest", "guest", "wc-O0.wasm"), Path.Combine(project, "guests", "wc-O0.wasm"));
        File.WriteAllText(Path.Combine(project, "WcProbes.cs"), """
            using WasmProbe.Probes;
            using Xunit;

            [WasmModule("guests/wc-O0.wasm", Entry = "_start", Wasi = true, Stdin = "one two\nthree\n")]
            public partial class WcProbes
            {
                // printf("%ld %ld %ld -\n", total.lines, total.words, total.bytes);
                [BreakAtLine("wc.c", 47)]
                public void Counts_stdin(Wc_c_L47 stop) => Assert.Equal(3, stop.Variable("total.words").AsInteger());
            }
            """);

        var add = DotnetCli.Run(project, "add", "package", "WasmProbe", "--source", feed, "--version", _version);
        add.ExitCode.ShouldBe(0, add.Output);
        var test = DotnetCli.Run(project, "test");
        test.Output.ShouldContain("Passed!  - Failed:     0, Passed:     1, Skipped:     0, Total:     1", customMessage: test.Output);
        test.Output.ShouldContain("WasmProbe guest coverage: 1 module, 1 run (include /cguest/**)", customMessage: test.Output);
        // Reading stdin, wc ran main and count_stream of its own three functions (count_file is for named files).
        test.Output.ShouldContain("wc-O0.wasm  2/3 (66.7%)  20/39 (51.3%)  16/26 (61.5%)", customMessage: test.Output);
        test.ExitCode.ShouldBe(0, test.Output);
        File.ReadAllText(Path.Combine(project, "obj", "project.assets.json")).ShouldContain($"\"WasmProbe/{_version}\"");

        string tools = Path.Combine(_directory, "tools");
        var install = DotnetCli.Run(project, "tool", "install", "WasmProbe.Cli", "--tool-path", tools, "--version", _version, "--add-source", feed);
        install.ExitCode.ShouldBe(0, install.Output);
        install.Output.ShouldContain("You can invoke the tool using the following command: wasmprobe");
        File.WriteAllText(Path.Combine(project, "input.txt"), "a b c\n");
        var trace = DotnetCli.Run(Path.Combine(tools, "wasmprobe"), project, [], "trace", "guests/wc-O0.wasm", "--invoke", "_start", "--stdin", "input.txt");
        trace.ExitCode.ShouldBe(0, trace.Output);
        trace.Output.ShouldContain("{\"event\":\"finished\",\"results\":[]}");
        trace.Output.ShouldContain("1 3 6 -");
    }
}
