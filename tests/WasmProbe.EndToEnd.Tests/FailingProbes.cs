using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

// Probes that fail on purpose. GenerateFacts = false: their generated test methods (<Method>_WasmProbe) are plain
// methods, not discovered as tests; FailureMessageTests runs them in-process and checks the messages verbatim.
[WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 }, GenerateFacts = false)]
public partial class FailingFibProbes
{
    [BreakAt("fib", 0xa1, Hit = 3)]
    [ExpectLocal("n", 10)]
    public void Wrong_local_at_hit_3()
    {
    }

    [BreakAt("fib", 0xa1)]
    [ExpectLocal("n", 10)]
    [ExpectStack(0, 1)]
    public void Wrong_local_at_every_later_hit()
    {
    }

    [BreakAt("fib", 0xa1)]
    public void Fails_at_all_hits_but_1_and_5(Fib_0xa1 stop)
    {
        if (stop.Hit is not (1 or 5)) throw new InvalidOperationException($"n = {stop.Locals.n}");
    }

    [BreakAt("fib", 0xab, Hit = 2)]
    [ExpectGlobal("calls", 2)]
    [ExpectMemory<int>(0x400, 41)]
    public void Assertion_in_the_method(Fib_0xab stop) => stop.Locals.a.ShouldBe(5);

    [BreakAt("fib", 0xab, Hit = 1)]
    public void Exception_in_the_method(Fib_0xab stop) => throw new InvalidOperationException($"a is {stop.Locals.a}");

    [BreakAt("fib", 0x8d)]
    public void Never_hit()
    {
    }

    [BreakAt("fib", 0xa1, Hit = 11)]
    public void Hit_beyond_the_count()
    {
    }

    [StepFrom("fib", 0xc3, Steps = 5)]
    public void Steps_past_the_end(Fib_0xc3_Steps stop)
    {
    }

    [StepFrom("fib", 0xa5, Steps = 3)]
    public void Wrong_value_while_stepping(Fib_0xa5_Steps stop)
    {
        if (stop.Step == 2) stop.Stack.Count.ShouldBe(5);
    }

    [OnReturn("add", Hit = 2)]
    [ExpectLocal("x", 99)]
    public void Wrong_argument_at_a_return()
    {
    }

    [OnReturn("add", Hit = 3)]
    [ExpectArg("y", 3)]
    [ExpectResult(0, 4)]
    public void Wrong_argument_and_result_at_a_return()
    {
    }

    [BreakAt("fib", 0xa1, Hit = 1)]
    [ExpectFinish(56)]
    public void Wrong_result()
    {
    }

    [BreakAt("fib", 0xa1, Hit = 1)]
    [ExpectTrap]
    public void Expects_a_trap_but_returns()
    {
    }
}

[WasmModule("guests/fib.wasm", Entry = "store", Args = new object[] { 0x400, 7 }, GenerateFacts = false)]
public partial class FailingStoreProbes
{
    [OnReturn("store")]
    [ExpectNoWrite(0x402, 8)]
    public void Writes_a_forbidden_range()
    {
    }

    [BreakOnWrite(0x400, 4)]
    [ExpectMemory<int>(0x400, 7)]
    public void Expects_the_new_value_before_the_write()
    {
    }

    [BreakOnWrite(0x800, 4)]
    public void Never_written()
    {
    }
}

[WasmModule("guests/fib.wasm", Entry = "divide", Args = new object[] { 7, 0 }, GenerateFacts = false)]
public partial class TrappingProbes
{
    [BreakAt("divide", 0xe1)]
    [ExpectStack(0, 1)]
    public void Divide_by_zero()
    {
    }

    [BreakAt("divide", 0xe1)]
    [ExpectTrap("unreachable")]
    public void Wrong_trap_code()
    {
    }
}

// [BreakAtLine] probes that fail on purpose, over the -O2 build of sort.c (few locals, so the messages stay short).
[WasmModule("guests/sort-O2.wasm", Entry = "_start", Wasi = true, GenerateFacts = false)]
public partial class FailingSortLineProbes
{
    // Wrong on purpose: the third shift moves 5 (key 1 passes 9, then 5, then 2).
    [BreakAtLine("sort.c", 33, Hit = 3)]
    public void Third_shift_moves_9(Sort_c_L33 stop) => stop.Memory.ReadInt32(stop.Stack.S1).ShouldBe(9);

    [BreakAtLine("sort.c", 33, Hit = 9)]
    public void A_ninth_shift()
    {
    }

    [BreakAtLine("abort.c", 5)]
    public void The_program_aborts()
    {
    }
}
