using WasmProbe.Probes;

namespace Fibonacci;

// pcs from `wasm-objdump -d guest/fib.wasm` (or `wasmprobe disasm guest/fib.wasm`):
//   0x61  local.get $i      first instruction of the loop body, stack []
//   0x70  i32.add           a + b, stack [a, b]
//   0x86  i32.lt_u          loop test i < n, stack [i, n]
//   0x8b  local.get $a      after the loop: the result
[WasmModule("guest/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
public partial class FibonacciProbes
{
    [BreakAt("fib", 0x61)]
    [ExpectLocal("n", 10)]
    [ExpectGlobal("calls", 1)]
    public void Loop_body_runs_once_per_iteration(Fib_0x61 stop)
    {
        stop.Locals.i.ShouldBe(stop.Hit - 1);
        stop.Stack.Count.ShouldBe(0);
        stop.Locals.a.ShouldBeLessThanOrEqualTo(stop.Locals.b);
    }

    [BreakAt("fib", 0x70, Hit = 10)]
    [ExpectStack(0, 55)]
    [ExpectStack(1, 34)]
    public void Tenth_addition_adds_34_and_55(Fib_0x70 stop)
    {
        stop.Stack.S1.ShouldBe(stop.Locals.a);
        stop.Stack.S0.ShouldBe(stop.Locals.b);
    }

    [BreakAt("fib", 0x86)]
    public void Loop_test_compares_the_counter_with_n(Fib_0x86 stop)
    {
        stop.Stack.S1.ShouldBe(stop.Hit);
        stop.Stack.S0.ShouldBe(10);
    }

    [BreakAt("fib", 0x8b)]
    [ExpectLocal("a", 55)]
    [ExpectMemory<int>(0x400 + 4 * 9, 34)]
    public void Memo_table_holds_every_computed_number(Fib_0x8b stop)
    {
        int[] expected = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34];
        for (int i = 0; i < expected.Length; i++) stop.Memory.ReadInt32(0x400 + 4 * i).ShouldBe(expected[i]);
    }

    // a, b = b, a + b, one instruction at a time.
    [StepFrom("fib", 0x6c, Steps = 7)]
    public void Shifting_the_pair(Fib_0x6c_Steps stop)
    {
        int[] heights = [0, 1, 2, 1, 0, 1, 0, 1];
        stop.Stack.Count.ShouldBe(heights[stop.Step]);
        if (stop.Step == 7) (stop.Locals.a, stop.Locals.t).ShouldBe((1, 1));
    }
}

// fib_sum(5) calls fib(0) .. fib(5): each call shows two frames.
[WasmModule("guest/fib.wasm", Entry = "fib_sum", Args = new object[] { 5 })]
public partial class FibonacciSumProbes
{
    [BreakAt("fib", 0x8b)]
    public void Every_call_returns_into_fib_sum(Fib_0x8b stop)
    {
        stop.Frames.Select(f => f.FunctionName).ShouldBe(["fib", "fib_sum"]);
        stop.Frames[1].Pc.ShouldBe(0x98);
        stop.Locals.n.ShouldBe(stop.Hit - 1);
    }

    [BreakAt("fib_sum", 0xab)]
    [ExpectLocal("sum", 12)]
    [ExpectGlobal("calls", 6)]
    public void The_sum_of_fib_0_to_5_is_12()
    {
    }
}
