using System.Text;
using WasmProbe.Coverage;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Tests.Coverage;

/// <summary>The coverage rewrite plans and rewrites functions in parallel batches: the result must not depend on it.
/// The module here spans several batches, with functions called in the first and the last.</summary>
public class ParallelRewriteTests
{
    private const int FunctionCount = 30_000;

    private static readonly Lazy<byte[]> Wasm = new(() => Wasmtime.Module.ConvertText(Wat()).ToArray());

    /// <summary>FunctionCount functions <c>$fK(x) = x &lt; K % 100 ? x + 1 : x * 3</c>; <c>run(x)</c> adds the first's,
    /// a middle one's and the last one's results.</summary>
    private static string Wat()
    {
        var wat = new StringBuilder("(module\n");
        for (int f = 0; f < FunctionCount; f++)
        {
            wat.Append("(func $f").Append(f).Append(" (param $x i32) (result i32) (if (result i32) (i32.lt_u (local.get $x) (i32.const ")
                .Append(f % 100).Append(")) (then (i32.add (local.get $x) (i32.const 1))) (else (i32.mul (local.get $x) (i32.const 3)))))\n");
        }
        return wat.Append($"(func (export \"run\") (param $x i32) (result i32) (i32.add (i32.add (call $f0 (local.get $x)) (call $f{FunctionCount / 2} (local.get $x))) (call $f{FunctionCount - 1} (local.get $x)))))").ToString();
    }

    [Fact]
    public void Two_rewrites_of_a_module_of_many_batches_are_byte_for_byte_equal()
    {
        var module = ModuleDecoder.Decode(Wasm.Value);

        var first = CoverageInstrumenter.Build(module, "first").Bytes;
        var second = CoverageInstrumenter.Build(module, "second").Bytes;

        second.ShouldBe(first);
    }

    [Fact]
    public void Counters_are_numbered_in_function_order_without_gaps()
    {
        var instrumentation = CoverageInstrumenter.Build(ModuleDecoder.Decode(Wasm.Value), "numbering");

        int next = 0;
        foreach (var plan in instrumentation.Functions)
        {
            plan.FirstCounter.ShouldBe(next, $"function {plan.Function}");
            next += plan.CounterCount;
        }
        next.ShouldBe(instrumentation.CounterCount);
    }

    [Fact]
    public void The_debugger_s_rewrite_numbers_counters_as_the_standalone_one_does()
    {
        var module = ModuleDecoder.Decode(Wasm.Value);

        var standalone = CoverageInstrumenter.Build(module, "standalone");
        var composed = CoverageInstrumenter.Build(module, "composed", forDebugger: true);

        composed.Functions.Select(p => (p.FirstCounter, p.CounterCount)).ShouldBe(standalone.Functions.Select(p => (p.FirstCounter, p.CounterCount)));
        composed.CounterCount.ShouldBe(standalone.CounterCount);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(150)]
    public void Functions_in_the_first_middle_and_last_batch_count_their_calls_and_branches(int x)
    {
        using var host = new CoverageHost(Wasm.Value);

        host.Invoke("run", x);
        host.Invoke("run", x);

        var coverage = host.Coverage();
        foreach (int f in new[] { 0, FunctionCount / 2, FunctionCount - 1 })
        {
            var function = coverage.Functions.Single(c => c.Name == $"f{f}");
            function.Calls.ShouldBe(2, $"f{f}");
            var branch = function.Branches.Single();
            bool then = x < f % 100;
            branch.Outcomes.Select(o => o.Count).ShouldBe(then ? [2L, 0L] : [0L, 2L], $"f{f} with x = {x}");
        }
        coverage.Functions.Single(c => c.Name == "f1").Calls.ShouldBe(0);
    }
}
