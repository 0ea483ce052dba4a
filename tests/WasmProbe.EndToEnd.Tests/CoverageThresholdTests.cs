using WasmProbe.Tests;

namespace WasmProbe.EndToEnd.Tests;

/// <summary>What a coverlet user expects of `dotnet test`, on a real C guest (examples/CGuest's sort-O0.wasm, sort.c with
/// wasi-libc linked in) in a new project with only a plain [Fact] over Instantiate(): its run is counted, the libc is
/// excluded from the report, and a threshold it misses fails `dotnet test` with the module, kind and percentages.
/// Filter it out with --filter "Category!=FreshProject".</summary>
[Trait("Category", "FreshProject")]
public sealed class CoverageThresholdTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wasmprobe-threshold-" + Guid.NewGuid().ToString("n")[..8]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void A_plain_fact_is_counted_libc_is_excluded_and_a_missed_threshold_fails_dotnet_test()
    {
        string repo = Repository.Root;
        Directory.CreateDirectory(Path.Combine(_directory, "guests"));
        File.Copy(Path.Combine(repo, "examples", "CGuest", "guest", "sort-O0.wasm"), Path.Combine(_directory, "guests", "sort-O0.wasm"));
        File.WriteAllText(Path.Combine(_directory, "SortTests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <Nullable>enable</Nullable>
                <WasmProbeCoverage>true</WasmProbeCoverage>
                <WasmProbeCoverageExclude>libc-*/**;dlmalloc/**;build/**</WasmProbeCoverageExclude>
                <WasmProbeCoverageThreshold>96</WasmProbeCoverageThreshold>
                <WasmProbeCoverageThresholdType>line;branch</WasmProbeCoverageThresholdType>
              </PropertyGroup>
              <Import Project="{repo.Replace('\\', '/')}/src/WasmProbe/build/WasmProbe.ProjectReference.targets" />
              <ItemGroup>
                <WasmModule Include="guests/sort-O0.wasm" />
                <PackageReference Include="xunit.v3.mtp-off" Version="4.0.2" />
                <PackageReference Include="xunit.runner.visualstudio" Version="4.0.1" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.11.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_directory, "SortTests.cs"), """
            using WasmProbe.Probes;
            using Xunit;

            [WasmModule("guests/sort-O0.wasm", Entry = "_start", Wasi = true)]
            public partial class Sort
            {
                [Fact]
                public void Prints_the_sorted_numbers()
                {
                    using var guest = Instantiate();
                    guest.Exports._start();
                    Assert.Equal("1 2 3 5 7 9 \nsum=27\n", guest.Stdout);
                }
            }
            """);
        string configuration = typeof(CoverageThresholdTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .Cast<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug";

        var failed = DotnetCli.Run(_directory, "test", "-c", configuration);
        failed.Output.ShouldContain("Passed!  - Failed:     0, Passed:     1", customMessage: failed.Output);
        failed.Output.ShouldContain("WasmProbe guest coverage: 1 module, 1 run (exclude libc-*/**;dlmalloc/**;build/**)", customMessage: failed.Output);
        failed.Output.ShouldContain("sort-O0.wasm  5/5 (100.0%)  34/34 (100.0%)  21/22 (95.5%)", customMessage: failed.Output);
        failed.Output.ShouldContain("error : WasmProbe guest coverage of SortTests is below the threshold: sort-O0.wasm: branch coverage 95.5% (21 of 22 branch outcomes) is below the threshold of 96%", customMessage: failed.Output);
        failed.ExitCode.ShouldNotBe(0, failed.Output);

        // The same build with a threshold it meets (the environment overrides the project's setting).
        var passed = DotnetCli.Run(_directory, [("WASMPROBE_COVERAGE_THRESHOLD", "95")], "test", "-c", configuration, "--no-build");
        passed.ExitCode.ShouldBe(0, passed.Output);
        passed.Output.ShouldNotContain("below the threshold", customMessage: passed.Output);
    }
}
