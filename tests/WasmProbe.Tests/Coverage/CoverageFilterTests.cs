using WasmProbe.Cli;
using WasmProbe.Coverage;
using WasmProbe.Coverage.Reports;
using WasmProbe.Debugging;
using WasmProbe.Tests.Debugging;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Coverage;

/// <summary>coverlet's controls under WasmProbe's names: Include/Exclude globs over DWARF source paths (or function
/// names without DWARF), and a threshold per module, kind and percentage, in reports and in the CLI.</summary>
public sealed class CoverageFilterTests : IClassFixture<CoverageFilterTests.SortRun>
{
    /// <summary>One run of examples/CGuest's sort-O0.wasm (sort.c with the wasi-libc it links statically) with coverage.</summary>
    public sealed class SortRun
    {
        public SortRun()
        {
            var collector = new CoverageCollector();
            using var session = DebugSession.Open(CGuest.PathOf("sort-O0.wasm"), new DebugSessionOptions
            {
                Entry = "_start", Host = new() { Wasi = true }, Coverage = true, CoverageCollector = collector,
            });
            session.Run(_ => ResumeAction.Continue).ShouldBeOfType<FinishedStop>();
            Coverage = collector.Modules.Single();
        }

        public ModuleCoverage Coverage { get; }
    }

    private readonly ModuleCoverage _sort;

    public CoverageFilterTests(SortRun run) => _sort = run.Coverage;

    private const string Libc = "libc-*/**;dlmalloc/**;build/**";

    [Theory]
    [InlineData("sort.c", "/cguest/sort.c", true)]
    [InlineData("*.c", "/cguest/sort.c", true)]
    [InlineData("/cguest/*", "/cguest/sort.c", true)]
    [InlineData("/cguest/*", "/cguest/sub/sort.c", false)]
    [InlineData("/cguest/**", "/cguest/sub/sort.c", true)]
    [InlineData("libc-*/**", "libc-top-half/musl/src/stdio/printf.c", true)]
    [InlineData("libc-*/**", "build/libc-bottom-half/crt/crt1-command.c", true)]
    [InlineData("musl/src/*.c", "libc-top-half/musl/src/stdio/printf.c", false)]
    [InlineData("**/stdio/**", "libc-top-half/musl/src/stdio/printf.c", true)]
    [InlineData("a/**/b.c", "a/b.c", true)]
    [InlineData("ort.c", "/cguest/sort.c", false)]
    [InlineData("insertion_?ort", "insertion_sort", true)]
    public void Globs_match_whole_paths_or_whole_trailing_segments(string glob, string path, bool matches) =>
        new CoverageFilter([glob], []).Counts(path).ShouldBe(matches);

    [Fact]
    public void Exclude_wins_over_include() =>
        CoverageFilter.Parse("/cguest/**", "/cguest/sort.c").Counts("/cguest/sort.c").ShouldBeFalse();

    [Fact]
    public void Excluding_the_linked_libc_leaves_the_programs_own_source()
    {
        var all = CoverageReport.Build([_sort]).Single();
        all.Files.Count.ShouldBe(32);
        all.LinesCovered.ShouldBeLessThan(all.LinesValid / 2);

        var own = CoverageReport.Build([_sort], filter: CoverageFilter.Parse(null, Libc)).Single();
        own.Files.Select(f => f.Path).ShouldBe(["/cguest/sort.c"]);
        (own.LinesCovered, own.LinesValid).ShouldBe((34, 34));
        (own.BranchesCovered, own.BranchesValid).ShouldBe((21, 22));
        // The functions with lines in sort.c, and the one the linker made without any line (judged by its name).
        own.Functions.Select(f => f.Name).Order().ShouldBe(["__original_main", "_start.command_export", "insertion_sort", "parse_numbers", "sum"]);

        var included = CoverageReport.Build([_sort], filter: CoverageFilter.Parse("/cguest/**", null)).Single();
        included.Files.Select(f => f.Path).ShouldBe(["/cguest/sort.c"]);
        included.Functions.Select(f => f.Name).Order().ShouldBe(["__original_main", "insertion_sort", "parse_numbers", "sum"]);
    }

    [Fact]
    public void Without_dwarf_the_globs_are_over_function_names()
    {
        var collector = new CoverageCollector();
        using (var session = Wat.Session("""
            (module
              (func $used (export "used") (result i32) i32.const 1)
              (func $unused_a (export "unused_a") (result i32) i32.const 2)
              (func $unused_b (export "unused_b") (result i32) i32.const 3))
            """, new DebugSessionOptions { Entry = "used", Coverage = true, CoverageCollector = collector }))
        {
            session.Run(_ => ResumeAction.Continue);
        }
        var report = CoverageReport.Build(collector.Modules, filter: CoverageFilter.Parse(null, "unused_*")).Single();
        report.Functions.Select(f => f.Name).ShouldBe(["used"]);
        (report.LinesCovered, report.LinesValid).ShouldBe((2, 2));
        CoverageReport.Build(collector.Modules).Single().FunctionsValid.ShouldBe(3);
    }

    [Fact]
    public void A_threshold_names_the_module_the_kind_and_both_percentages()
    {
        var report = CoverageReport.Build([_sort], filter: CoverageFilter.Parse(null, Libc));
        CoverageThreshold.Parse("96", "line,branch")!.Check(report)
            .ShouldBe(["sort-O0.wasm: branch coverage 95.5% (21 of 22 branch outcomes) is below the threshold of 96%"]);
        CoverageThreshold.Parse("95.5", "branch")!.Check(report)
            .ShouldBe(["sort-O0.wasm: branch coverage 95.5% (95.45%) (21 of 22 branch outcomes) is below the threshold of 95.5%"]);
        CoverageThreshold.Parse("95", null)!.Check(report).ShouldBeEmpty();
        CoverageThreshold.Parse("40", "function")!.Check(CoverageReport.Build([_sort])).ShouldBeEmpty();
        CoverageThreshold.Parse("50", "function")!.Check(CoverageReport.Build([_sort]))
            .ShouldBe(["sort-O0.wasm: function coverage 48.9% (23 of 47 functions) is below the threshold of 50%"]);
    }

    [Theory]
    [InlineData("eighty", null, "the coverage threshold 'eighty' is not a percentage from 0 to 100")]
    [InlineData("120", null, "the coverage threshold '120' is not a percentage from 0 to 100")]
    [InlineData("80", "lines", "the coverage threshold type 'lines' is not line, branch or function")]
    public void Malformed_thresholds_are_explained(string percent, string? kinds, string message) =>
        Should.Throw<FormatException>(() => CoverageThreshold.Parse(percent, kinds)).Message.ShouldBe(message);

    [Fact]
    public void The_cli_filters_and_fails_below_the_threshold()
    {
        string output = Directory.CreateTempSubdirectory("wasmprobe-threshold-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = Program.Run(["coverage", CGuest.PathOf("sort-O0.wasm"), "--invoke", "_start", "--out", output,
                "--exclude", Libc, "--threshold", "96", "--threshold-type", "line,branch"], stdout, stderr);
            code.ShouldBe(1);
            stdout.ToString().ShouldContain("sort-O0.wasm  5/5 (100.0%)  34/34 (100.0%)  21/22 (95.5%)");
            stderr.ToString().ShouldContain("error: coverage below the threshold: sort-O0.wasm: branch coverage 95.5% (21 of 22 branch outcomes) is below the threshold of 96%");
            File.ReadAllText(Path.Combine(output, "coverage.threshold.txt")).ShouldBe("sort-O0.wasm: branch coverage 95.5% (21 of 22 branch outcomes) is below the threshold of 96%\n");
            File.ReadAllText(Path.Combine(output, "coverage.lcov.info")).ShouldNotContain("libc-");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
