using WasmProbe.Debugging;
using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

// fib.wasm (see guests/fib.wat; pcs from `wasm-objdump -d guests/fib.wasm`):
//   0x0a1  i32.gt_s   loop head test, stack [n, 1]; reached 10 times by fib(10)
//   0x0ab  call $add  stack [b, a, b]
//   0x079  i32.add    in $add (a second frame under fib)
[WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
public partial class FibProbes
{
    [BreakAt("fib", 0xa1)]
    [ExpectLocal("n", 10, Hit = 1)]
    [ExpectLocal("i", 0, Hit = 1)]
    [ExpectStack(0, 1)]
    [ExpectGlobal("__stack_pointer", 65536)]
    [ExpectGlobal("calls", 1)]
    [ExpectMemory(0x400, "2a 00 00 00")]
    [ExpectMemory<int>(0x400, 42)]
    public void Loop_head(FibProbes.Fib_0xa1 stop)
    {
        stop.Locals.a.ShouldBeLessThanOrEqualTo(stop.Locals.b);
        (stop.Locals.n + stop.Locals.i).ShouldBe(10);
        stop.Stack.Count.ShouldBe(2);
        stop.Stack.S0.ShouldBe(1);
        stop.Stack.S1.ShouldBe(stop.Locals.n);
        stop.Memory.ReadInt32(0x400).ShouldBe(42);
        stop.Globals.__stack_pointer.ShouldBe(65536);
        stop.Globals.limit.ShouldBe(1000L);
        stop.Frames.Count.ShouldBe(1);
        stop.Pc.ShouldBe(0xa1);
        stop.Hit.ShouldBeInRange(1, 10);
    }

    private int _hits;

    [BreakAt("fib", 0xab)]
    public void Before_the_call(Fib_0xab stop)
    {
        _hits++;
        stop.Hit.ShouldBe(_hits);
        // [b, a, b] bottom first: S0 (top) is b, S1 is a, S2 is b.
        stop.Stack.S0.ShouldBe(stop.Locals.b);
        stop.Stack.S1.ShouldBe(stop.Locals.a);
        stop.Stack.S2.ShouldBe(stop.Locals.b);
    }

    [BreakAt("add", 0x79, Hit = 9)]
    [ExpectLocal("x", 21)]
    [ExpectLocal("y", 34)]
    [ExpectStack(0, 34)]
    [ExpectStack(1, 21)]
    public void Last_add_has_two_frames(Add_0x79 stop)
    {
        stop.Hit.ShouldBe(9);
        stop.Frames.Select(f => f.FunctionName).ShouldBe(["add", "fib"]);
        stop.Frames[1].Pc.ShouldBe(0xab);
    }

    // Declarative only: no parameter.
    [BreakAt(1, 0xc3)]
    [ExpectLocal("b", 55)]
    [ExpectLocal(0, 1)]
    [ExpectLocal(3, 9)]
    public void Declarative_only_by_function_index()
    {
    }

    // The untyped escape hatch.
    [BreakAt("fib", 0xc3)]
    public static void With_the_session(DebugSession session)
    {
        session.Frames[0].Locals.Select(v => v.AsInt32()).ShouldBe([1, 34, 55, 9]);
        session.Global("calls").Value.AsInt32().ShouldBe(1);
    }

    [BreakAt("fib", 0x8d, Optional = true)]
    public void Never_reached_for_n_at_least_2_but_optional(Fib_0x8d stop) => throw new InvalidOperationException("not reached");

    [StepFrom("fib", 0xa5, Steps = 4)]
    [ExpectLocal("a", 0)]
    public void Step_over_the_loop_body(Fib_0xa5_Steps stop)
    {
        int[] pcs = [0xa5, 0xa7, 0xa9, 0xab, 0xad];
        stop.Pc.ShouldBe(pcs[stop.Step]);
        int[] heights = [0, 1, 2, 3, 2];
        stop.Stack.Count.ShouldBe(heights[stop.Step]);
        if (stop.Step == 4)
        {
            stop.Stack[0].AsInt32().ShouldBe(1); // add(a, b) = 1, the call's result, on top
            stop.Stack[1].AsInt32().ShouldBe(1); // b
        }
        stop.Locals.n.ShouldBe(10);
    }

    [StepFrom("fib", 0xab, Steps = 2, Mode = StepMode.Into)]
    public void Step_into_add(Fib_0xab_Steps stop)
    {
        if (stop.Step == 0)
        {
            stop.InStartFunction.ShouldBeTrue();
            stop.Locals.b.ShouldBe(1);
            return;
        }
        stop.FunctionName.ShouldBe("add");
        stop.InStartFunction.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => stop.Locals.b).Message.ShouldContain("not in fib");
        stop.Frames[0].Locals.Select(v => v.AsInt32()).ShouldBe([0, 1]);
    }

    [Fact]
    public void Exports_and_globals_are_typed_in_an_instance()
    {
        using var guest = Instantiate();
        guest.Exports.fib(10).ShouldBe(55);
        guest.Exports.fib(1).ShouldBe(1);
        guest.Globals.calls.ShouldBe(2);
        guest.Globals.calls = 40;
        guest.Exports.fib(2).ShouldBe(1);
        guest.Globals.calls.ShouldBe(41);
        guest.Exports.store(0x400, 7).ShouldBe(42);
        guest.Memory.ReadInt32(0x400).ShouldBe(7);
        guest.Exports.pair(3).ShouldBe((3, 3000L));
        Should.Throw<WasmTrapException>(() => guest.Exports.divide(1, 0)).Code.ShouldBe("integer_divide_by_zero");
    }
}
