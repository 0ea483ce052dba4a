using System.Xml.Linq;
using WasmProbe.Coverage;
using WasmProbe.Coverage.Reports;
using WasmProbe.Debugging;
using WasmProbe.Instrumentation;

namespace WasmProbe.Tests.Coverage;

/// <summary>A C guest compiled with <c>clang-14 --target=wasm32 -g -O0</c> (Fixtures/branches.c, rebuilt by
/// Fixtures/build.sh): its reports name the .c file and count its lines.</summary>
public sealed class DwarfCoverageTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"wasmprobe-dwarf-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The fixtures next to this file in the source tree.</summary>
    public static string FixturePath(string name) => Repository.PathOf("tests", "WasmProbe.Tests", "Coverage", "Fixtures", name);

    /// <summary>classify(5), classify(-3) and sum_to(4), each in its own session, merged.</summary>
    private static async Task<ModuleCoverage> RunBranches()
    {
        var collector = new CoverageCollector();
        foreach (var (entry, argument) in new[] { ("classify", 5), ("classify", -3), ("sum_to", 4) })
        {
            await using var session = DebugSession.Open(FixturePath("branches.wasm"), new DebugSessionOptions
            {
                Entry = entry, Arguments = [argument], Coverage = true, CoverageCollector = collector, Mode = InstrumentationMode.Static,
            });
            session.ShouldSatisfyAllConditions(() => session.Module.FindCustomSection(".debug_line").ShouldNotBeNull());
            (await session.RunToCompletionAsync()).ShouldBeOfType<FinishedStop>();
        }
        return collector.Modules.Single();
    }

    [Fact]
    public async Task Cobertura_names_the_c_file_and_counts_its_lines()
    {
        var coverage = await RunBranches();
        coverage.Name.ShouldBe("branches.wasm");
        var files = CoverageReport.Write([coverage], _directory, "c");
        files.GeneratedFiles.ShouldBeEmpty();

        var @class = XDocument.Load(files.Cobertura).Descendants("class").Single();
        @class.Attribute("filename")!.Value.ShouldBe("/coverage-fixtures/branches.c");
        @class.Attribute("name")!.Value.ShouldBe("branches.wasm/branches.c");
        var lines = @class.Element("lines")!.Elements("line").ToDictionary(l => int.Parse(l.Attribute("number")!.Value), l => l);
        long Hits(int line) => long.Parse(lines[line].Attribute("hits")!.Value);

        Hits(5).ShouldBe(2);   // if (x < 0) {
        Hits(6).ShouldBe(1);   //     return -1;
        Hits(8).ShouldBe(1);   // if (x == 0) {
        Hits(9).ShouldBe(0);   //     return 0;
        Hits(11).ShouldBe(1);  // return 1;
        Hits(16).ShouldBe(5);  // for (int i = 1; i <= n; i++) {  (the condition runs n + 1 times)
        Hits(17).ShouldBe(4);  //     total += i;
        Hits(19).ShouldBe(1);  // return total;
        Hits(23).ShouldBe(0);  // return x * 3;  (never_called)
        lines.Keys.ShouldNotContain(1);
        lines.Keys.ShouldNotContain(3);

        lines[5].Attribute("condition-coverage")!.Value.ShouldBe("100% (2/2)");
        lines[8].Attribute("condition-coverage")!.Value.ShouldBe("50% (1/2)");
        lines[16].Attribute("branch")!.Value.ShouldBe("true");

        var methods = @class.Element("methods")!.Elements("method").ToDictionary(m => m.Attribute("name")!.Value);
        methods.Keys.ShouldBe(["classify", "sum_to", "never_called"], ignoreOrder: true);
        methods["never_called"].Attribute("line-rate")!.Value.ShouldBe("0");
        methods["sum_to"].Attribute("line-rate")!.Value.ShouldBe("1");

        var lcov = File.ReadAllLines(files.Lcov);
        lcov.ShouldContain("SF:/coverage-fixtures/branches.c");
        lcov.ShouldContain("DA:17,4");
        lcov.ShouldContain("FNDA:2,classify");
        lcov.ShouldContain("FNDA:0,never_called");
    }

    [Fact]
    public async Task The_listing_can_still_be_chosen_for_a_module_with_DWARF()
    {
        var coverage = await RunBranches();
        var files = CoverageReport.Write([coverage], _directory, "listing", (module, listing) => SourceMaps.For(module.Module, listing, preferListing: true));
        files.GeneratedFiles.Select(Path.GetFileName).ShouldBe(["branches.wasm.lst"]);
        XDocument.Load(files.Cobertura).Descendants("class").Single().Attribute("filename")!.Value.ShouldBe("branches.wasm.lst");
    }
}
