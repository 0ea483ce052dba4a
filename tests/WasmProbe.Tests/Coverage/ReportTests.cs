using System.Xml.Linq;
using WasmProbe.Coverage;
using WasmProbe.Coverage.Reports;

namespace WasmProbe.Tests.Coverage;

/// <summary>Cobertura, LCOV, the listing used as the source of modules without debug info, and the summary.</summary>
public sealed class ReportTests : IDisposable
{
    // abs(x) with an if whose then arm runs for negative x only; unused() never runs.
    private const string Abs = """
        (module
          (func $abs (export "abs") (param $x i32) (result i32)
            local.get $x
            i32.const 0
            i32.lt_s
            if
              i32.const 0
              local.get $x
              i32.sub
              local.set $x
            end
            local.get $x)
          (func $unused (export "unused") (result i32)
            i32.const 1))
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"wasmprobe-report-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    internal static ModuleCoverage AbsCoverage(params int[] inputs)
    {
        using var host = CoverageHost.FromText(Abs);
        foreach (int x in inputs) host.Invoke("abs", x);
        return ModuleCoverage.FromCounters(host.Instrumentation, "abs.wasm", host.Counters());
    }

    internal static string Listing(ListingSourceMap map)
    {
        var text = new StringWriter { NewLine = "\n" };
        map.WriteTo(text);
        return text.ToString();
    }

    [Fact]
    public void The_listing_is_the_disasm_output_and_maps_each_instruction_to_its_line()
    {
        var coverage = AbsCoverage(5);
        var map = new ListingSourceMap(coverage.Module, "abs.wasm.lst");
        var disasm = new StringWriter { NewLine = "\n" };
        WasmProbe.Wasm.Text.Disassembler.Write(disasm, coverage.Module);
        string listing = Listing(map);
        listing.ShouldBe(disasm.ToString());
        var lines = listing.Split('\n');
        foreach (var pc in CoverageHost.PcsOf(coverage.Module, "abs"))
            lines[map.LineOf(pc) - 1].ShouldStartWith($"0x{pc:x4}:");
        map.Map(123456).ShouldBeNull();
    }

    [Fact]
    public void Cobertura_has_the_structure_ReportGenerator_reads()
    {
        var coverage = AbsCoverage(5, 7);
        var files = CoverageReport.Write([coverage], _directory, "unit");
        var map = new ListingSourceMap(coverage.Module, "abs.wasm.lst");
        var pcs = CoverageHost.PcsOf(coverage.Module, "abs");

        var document = XDocument.Load(files.Cobertura);
        document.DocumentType!.SystemId.ShouldBe("http://cobertura.sourceforge.net/xml/coverage-04.dtd");
        var root = document.Root!;
        root.Name.LocalName.ShouldBe("coverage");
        foreach (var attribute in new[] { "line-rate", "branch-rate", "lines-covered", "lines-valid", "branches-covered", "branches-valid", "complexity", "version", "timestamp" })
            root.Attribute(attribute).ShouldNotBeNull(attribute);
        root.Element("sources")!.Element("source")!.Value.ShouldBe(_directory);

        var package = root.Element("packages")!.Elements("package").Single();
        package.Attribute("name")!.Value.ShouldBe("abs.wasm");
        var @class = package.Element("classes")!.Elements("class").Single();
        @class.Attribute("filename")!.Value.ShouldBe("abs.wasm.lst");
        @class.Attribute("name")!.Value.ShouldBe("abs.wasm");
        File.ReadAllText(Path.Combine(_directory, "abs.wasm.lst")).ShouldBe(Listing(map));

        var methods = @class.Element("methods")!.Elements("method").ToList();
        methods.Select(m => m.Attribute("name")!.Value).ShouldBe(["abs", "unused"]);
        methods[0].Attribute("signature")!.Value.ShouldBe("[i32] -> [i32]");
        methods[1].Attribute("line-rate")!.Value.ShouldBe("0");

        var lines = @class.Element("lines")!.Elements("line").ToDictionary(l => int.Parse(l.Attribute("number")!.Value), l => l);
        lines[map.LineOf(pcs[0])].Attribute("hits")!.Value.ShouldBe("2");
        lines[map.LineOf(pcs[4])].Attribute("hits")!.Value.ShouldBe("0");
        var branch = lines[map.LineOf(pcs[3])];
        branch.Attribute("branch")!.Value.ShouldBe("true");
        branch.Attribute("condition-coverage")!.Value.ShouldBe("50% (1/2)");
        branch.Element("conditions")!.Elements("condition").Single().Attribute("type")!.Value.ShouldBe("jump");
        lines[map.LineOf(pcs[0])].Attribute("branch")!.Value.ShouldBe("false");

        // 14 coverable instructions (abs: 11, unused: 2... plus ends), 8 of them ran.
        int valid = int.Parse(root.Attribute("lines-valid")!.Value);
        valid.ShouldBe(coverage.Totals.Instructions);
        int.Parse(root.Attribute("lines-covered")!.Value).ShouldBe(coverage.Totals.InstructionsCovered);
        root.Attribute("branches-valid")!.Value.ShouldBe("2");
        root.Attribute("branches-covered")!.Value.ShouldBe("1");
        root.Attribute("branch-rate")!.Value.ShouldBe("0.5");
    }

    [Fact]
    public void Lcov_lists_functions_branches_and_lines()
    {
        var coverage = AbsCoverage(-3);
        var files = CoverageReport.Write([coverage], _directory, "unit");
        var map = new ListingSourceMap(coverage.Module, "abs.wasm.lst");
        var pcs = CoverageHost.PcsOf(coverage.Module, "abs");
        var lcov = File.ReadAllLines(files.Lcov);
        lcov[0].ShouldBe("TN:");
        lcov[1].ShouldBe($"SF:{Path.Combine(_directory, "abs.wasm.lst")}");
        lcov.ShouldContain($"FN:{map.LineOf(pcs[0])},abs");
        lcov.ShouldContain("FNDA:1,abs");
        lcov.ShouldContain("FNDA:0,unused");
        lcov.ShouldContain("FNF:2");
        lcov.ShouldContain("FNH:1");
        lcov.ShouldContain($"BRDA:{map.LineOf(pcs[3])},0,0,1");
        lcov.ShouldContain($"BRDA:{map.LineOf(pcs[3])},0,1,0");
        lcov.ShouldContain("BRF:2");
        lcov.ShouldContain("BRH:1");
        lcov.ShouldContain($"DA:{map.LineOf(pcs[4])},1");
        lcov.ShouldContain($"LF:{coverage.Totals.Instructions}");
        lcov[^1].ShouldBe("end_of_record");
    }

    [Fact]
    public void Never_executed_branches_are_dashes_in_lcov()
    {
        var coverage = AbsCoverage();
        var files = CoverageReport.Write([coverage], _directory, "unit");
        File.ReadAllLines(files.Lcov).Where(l => l.StartsWith("BRDA:", StringComparison.Ordinal)).ShouldAllBe(l => l.EndsWith(",-"));
    }

    [Fact]
    public void The_summary_gives_function_line_and_branch_percentages_per_module()
    {
        var coverage = AbsCoverage(5, -5);
        var files = CoverageReport.Write([coverage], _directory, "unit");
        var totals = coverage.Totals;
        var lines = files.Summary.Split('\n');
        lines[0].ShouldBe("WasmProbe guest coverage: 1 module, 1 run");
        lines[1].ShouldMatch(@"^module\s+functions\s+lines\s+branches$");
        lines[2].ShouldMatch($@"^abs\.wasm\s+1/2 \(50\.0%\)\s+{totals.InstructionsCovered}/{totals.Instructions} \([0-9.]+%\)\s+2/2 \(100\.0%\)$");
        lines[3].ShouldBe($"reports: {files.Cobertura}, {files.Lcov}");
        File.ReadAllText(files.SummaryFile).ShouldBe(files.Summary + "\n");
    }

    [Fact]
    public void A_listing_of_another_module_already_in_the_directory_is_not_overwritten()
    {
        using var other = CoverageHost.FromText("(module (func (export \"f\") (result i32) i32.const 1))");
        var first = CoverageReport.Write([ModuleCoverage.FromCounters(other.Instrumentation, "abs.wasm", other.Counters())], _directory, "first");
        var second = CoverageReport.Write([AbsCoverage(1)], _directory, "second");
        Path.GetFileName(first.GeneratedFiles.Single()).ShouldBe("abs.wasm.lst");
        Path.GetFileName(second.GeneratedFiles.Single()).ShouldMatch(@"^abs-[0-9a-f]{8}\.wasm\.lst$");
        // Writing the same module again reuses its listing.
        CoverageReport.Write([AbsCoverage(2)], _directory, "third").GeneratedFiles.ShouldBe(second.GeneratedFiles);
    }

    [Fact]
    public void A_line_shared_by_functions_has_their_most_hits_and_all_their_branches()
    {
        BranchCoverage Branch(int pc) => new(pc, "br_if", [new("taken", 1), new("not taken", 0)], 1);
        ReportMethod Method(int index, params ReportLine[] lines) =>
            new(new FunctionCoverage(index, $"f{index}", 1, [], []), "[] -> []", lines);
        var file = new ReportFile("inline.h", [
            Method(0, new ReportLine(3, 5, []), new ReportLine(7, 1, [Branch(10)])),
            Method(1, new ReportLine(2, 0, []), new ReportLine(7, 9, [Branch(20)]), new ReportLine(8, 0, []))]);

        file.Lines.Select(l => (l.Number, l.Hits)).ShouldBe([(2, 0L), (3, 5L), (7, 9L), (8, 0L)]);
        file.Lines.Single(l => l.Number == 7).Branches.Select(b => b.Pc).ShouldBe([10, 20]);
        (file.LineCount, file.LinesCovered, file.BranchesCovered, file.BranchesValid).ShouldBe((4, 2, 2, 4));
    }

    [Fact]
    public void Modules_with_the_same_name_get_distinct_listings()
    {
        var abs = AbsCoverage(1);
        using var other = CoverageHost.FromText("(module (func (export \"f\") (result i32) i32.const 1))");
        other.Invoke("f");
        var renamed = ModuleCoverage.FromCounters(other.Instrumentation, "abs.wasm", other.Counters());
        var files = CoverageReport.Write([abs, renamed], _directory, "unit");
        files.GeneratedFiles.Select(Path.GetFileName).Distinct().Count().ShouldBe(2);
        files.Summary.ShouldContain("total");
        XDocument.Load(files.Cobertura).Descendants("package").Count().ShouldBe(2);
    }
}
