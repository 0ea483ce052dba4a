extern alias generator;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using static WasmProbe.Generators.Tests.GeneratorHarness;
using Steps = generator::WasmProbe.Generators.WasmProbeGenerator.Steps;

namespace WasmProbe.Generators.Tests;

/// <summary>The pipeline's steps compare by value: edits that touch neither a probe class nor its module reuse every
/// cached step (IncrementalStepRunReason.Cached/Unchanged), while edits that do are picked up.</summary>
public class IncrementalityTests
{
    private const string Probes = """
        using WasmProbe.Probes;

        namespace Demo;

        [WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
        public partial class FibProbes
        {
            [BreakAt("fib", 0xa1)]
            [ExpectLocal("n", 10, Hit = 1)]
            public void Loop_head(Fib_0xa1 stop) => _ = stop.Locals.a;
        }

        public class Helper
        {
            public int Compute() { return 1; }
        }
        """;

    private const string Other = """
        namespace Demo;

        public class Other
        {
            public int M() { return 1; }
        }
        """;

    private static readonly AdditionalText Fib = Module("guests/fib.wasm", Guest("fib.wasm"));
    private static readonly AdditionalText Types = Module("guests/types.wasm", Guest("types.wasm"));

    private static readonly string[] OurSteps = [Steps.Modules, Steps.Classes, Steps.Pairs, Steps.Specs];

    private static (GeneratorDriver Driver, Compilation Compilation) FirstRun()
    {
        var compilation = Compilation([Probes, Other]);
        var driver = Driver([Fib, Types], track: true).RunGenerators(compilation, TestContext.Current.CancellationToken);
        driver.GetRunResult().Results.Single().GeneratedSources.Length.ShouldBe(1);
        return (driver, compilation);
    }

    private static Compilation Edit(Compilation compilation, int tree, string from, string to)
    {
        var old = compilation.SyntaxTrees.ElementAt(tree);
        string text = old.GetText().ToString();
        text.ShouldContain(from);
        return compilation.ReplaceSyntaxTree(old, old.WithChangedText(SourceText.From(text.Replace(from, to, StringComparison.Ordinal))));
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriver driver, string step) =>
        [.. driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason)];

    private static void ShouldAllBeReused(GeneratorDriver driver)
    {
        var result = driver.GetRunResult().Results.Single();
        foreach (string step in OurSteps)
        {
            var reasons = Reasons(driver, step);
            reasons.ShouldNotBeEmpty(step);
            reasons.ShouldAllBe(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged, step);
        }
        result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached || o.Reason == IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Editing_a_method_body_in_another_file_reuses_every_step()
    {
        var (driver, compilation) = FirstRun();
        driver = driver.RunGenerators(Edit(compilation, 1, "return 1;", "return 2 + 40;"), TestContext.Current.CancellationToken);
        ShouldAllBeReused(driver);
        Reasons(driver, Steps.Specs).ShouldBe([IncrementalStepRunReason.Cached]);
    }

    [Fact]
    public void Editing_an_unrelated_method_body_in_the_probe_file_reuses_every_step()
    {
        var (driver, compilation) = FirstRun();
        driver = driver.RunGenerators(Edit(compilation, 0, "return 1;", "return 2 + 40;"), TestContext.Current.CancellationToken);
        ShouldAllBeReused(driver);
        // The class was re-read (its file changed) but compared equal, so nothing after it ran.
        Reasons(driver, Steps.Classes).ShouldBe([IncrementalStepRunReason.Unchanged]);
        Reasons(driver, Steps.Specs).ShouldBe([IncrementalStepRunReason.Cached]);
    }

    [Fact]
    public void Editing_a_probe_attribute_regenerates()
    {
        var (driver, compilation) = FirstRun();
        driver = driver.RunGenerators(Edit(compilation, 0, "Hit = 1", "Hit = 2"), TestContext.Current.CancellationToken);
        Reasons(driver, Steps.Classes).ShouldBe([IncrementalStepRunReason.Modified]);
        Reasons(driver, Steps.Specs).ShouldBe([IncrementalStepRunReason.Modified]);
        driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString().ShouldContain("WasmValue.I32(10), 2)");
    }

    [Fact]
    public void Changing_the_module_regenerates_and_an_identical_module_does_not()
    {
        var (driver, compilation) = FirstRun();
        var bytes = Guest("fib.wasm");

        // A new sidecar text with the same bytes (as after a rebuild that rewrote it): nothing downstream runs.
        var same = Module("guests/fib.wasm", bytes);
        driver = driver.ReplaceAdditionalText(Fib, same).RunGenerators(compilation, TestContext.Current.CancellationToken);
        Reasons(driver, Steps.Modules).ShouldContain(IncrementalStepRunReason.Unchanged);
        Reasons(driver, Steps.Specs).ShouldBe([IncrementalStepRunReason.Cached]);

        // Different data bytes: the module step reruns, but the spec does not depend on data, so it compares equal.
        var data = (byte[])bytes.Clone();
        data[Array.IndexOf(data, (byte)0x2a)] = 0x2b; // the first byte of the data segment at 0x400
        var changed = Module("guests/fib.wasm", data);
        driver = driver.ReplaceAdditionalText(same, changed).RunGenerators(compilation, TestContext.Current.CancellationToken);
        Reasons(driver, Steps.Modules).ShouldContain(IncrementalStepRunReason.Modified);
        Reasons(driver, Steps.Specs).ShouldBe([IncrementalStepRunReason.Unchanged]);

        // A renamed global (name section): the typed globals change, so the class is regenerated.
        var renamed = (byte[])data.Clone();
        int calls = IndexOfLast(renamed, "calls"u8);
        renamed[calls + 4] = (byte)'z';
        driver = driver.ReplaceAdditionalText(changed, Module("guests/fib.wasm", renamed)).RunGenerators(compilation, TestContext.Current.CancellationToken);
        Reasons(driver, Steps.Specs).ShouldBe([IncrementalStepRunReason.Modified]);
        driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString().ShouldContain("public int callz");
    }

    [Fact]
    public void Line_probes_with_source_variables_are_cached_like_breakpoints_and_regenerate_when_their_line_changes()
    {
        const string lines = """
            using WasmProbe.Probes;

            namespace Demo;

            [WasmModule("guests/sort-O0.wasm", Entry = "_start", Wasi = true)]
            public partial class SortProbes
            {
                [BreakAtLine("sort.c", 33)]
                [ExpectVariable("key", 2, Hit = 1)]
                public void Shift(Sort_c_L33 stop) => _ = (stop.Locals.local4, stop.Variables.a[stop.Variables.j]);

                public int Compute() { return 1; }
            }
            """;
        var compilation = Compilation([lines, Other]);
        var sort = Module("guests/sort-O0.wasm", Guest("sort-O0.wasm"));
        var driver = Driver([Fib, sort], track: true).RunGenerators(compilation, TestContext.Current.CancellationToken);
        driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString().ShouldContain("class Sort_c_L33");

        driver = driver.RunGenerators(Edit(compilation, 0, "return 1;", "return 2 + 40;"), TestContext.Current.CancellationToken);
        ShouldAllBeReused(driver);
        Reasons(driver, Steps.Classes).ShouldBe([IncrementalStepRunReason.Unchanged]);
        Reasons(driver, Steps.Specs).ShouldBe([IncrementalStepRunReason.Cached]);

        // Another line: a new view type, resolved afresh (line 36 starts at insertion_sort+0x34b).
        driver = driver.RunGenerators(Edit(compilation, 0, "33)]\n    [ExpectVariable(\"key\", 2, Hit = 1)]\n    public void Shift(Sort_c_L33", "36)]\n    [ExpectVariable(\"key\", 2, Hit = 1)]\n    public void Shift(Sort_c_L36"), TestContext.Current.CancellationToken);
        Reasons(driver, Steps.Specs).ShouldBe([IncrementalStepRunReason.Modified]);
        var generated = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        generated.ShouldContain("class Sort_c_L36");
        generated.ShouldContain("new global::WasmProbe.Wasm.Model.CodeLocation(6, 0x34b)");
        generated.ShouldContain("Expectation.Variable(\"key\", new global::WasmProbe.Wasm.Dwarf.Variables.ExpectedValue(global::WasmProbe.Wasm.Dwarf.Variables.ExpectedValueKind.Signed, 2L)");
    }

    [Fact]
    public void Changing_one_module_revalidates_only_the_classes_that_use_it()
    {
        const string twoClasses = """
            using WasmProbe.Probes;

            namespace Demo;

            [WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
            public partial class FibProbes
            {
                [BreakAt("fib", 0xa1)]
                public void Loop_head(Fib_0xa1 stop) => _ = stop.Locals.a;
            }

            [WasmModule("guests/small.wasm", Entry = "run")]
            public partial class SmallProbes
            {
                [BreakAt("run", 0x20)]
                public void Start() { }
            }
            """;
        const string small = """(module (func $run (export "run") (result i32) i32.const 1))""";
        byte[] smallBytes = Wat(small);
        int pc = WasmProbe.Wasm.Decoding.ModuleDecoder.Decode(smallBytes).Bodies[0].Code.Instructions[0].Offset;
        var compilation = Compilation([twoClasses.Replace("0x20", "0x" + pc.ToString("x", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)]);
        var smallModule = Module("guests/small.wasm", smallBytes);
        var driver = Driver([Fib, smallModule], track: true).RunGenerators(compilation, TestContext.Current.CancellationToken);
        driver.GetRunResult().Results.Single().GeneratedSources.Length.ShouldBe(2);

        // small.wasm gains a global: the pairing step reruns for both classes, but FibProbes' pair compares equal, so
        // only SmallProbes is validated again.
        var grown = Module("guests/small.wasm", Wat("""(module (global $g (mut i32) (i32.const 0)) (func $run (export "run") (result i32) i32.const 1))"""));
        driver = driver.ReplaceAdditionalText(smallModule, grown).RunGenerators(compilation, TestContext.Current.CancellationToken);
        Reasons(driver, Steps.Pairs).ShouldBe([IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Modified]);
        Reasons(driver, Steps.Specs).ShouldBe([IncrementalStepRunReason.Cached, IncrementalStepRunReason.Modified]);
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName.Contains("SmallProbes", StringComparison.Ordinal))
            .SourceText.ToString().ShouldContain("public int g");
    }

    private static int IndexOfLast(byte[] bytes, ReadOnlySpan<byte> value) => bytes.AsSpan().LastIndexOf(value);
}
