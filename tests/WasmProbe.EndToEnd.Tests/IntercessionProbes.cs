using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

// Changing the run at a stop: the typed views' setters, ForceReturn and ForceTrap take effect when the guest resumes.
// fib(10) is 55: a = 0, b = 1; nine times (a, b) = (b, add(a, b)).
[WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
public partial class FibIntercessionProbes
{
    [OnCall("add", Hit = 1)]
    [ExpectFinish(3421)] // add(0, 1) made 100: b runs 100, 101, 201, 302, ..., 3421
    public void A_call_made_to_return_early_returns_the_chosen_result(Add_Call stop) => stop.ForceReturn(100);

    [OnReturn("add", Hit = 9)]
    [ExpectFinish(-1)]
    public void The_last_return_of_add_can_return_another_result(Add_Return stop)
    {
        stop.Results.R0.ShouldBe(55);
        stop.ForceReturn(-1);
    }

    [BreakAt("fib", 0xa1, Hit = 1)] // i32.gt_s of the loop test n > 1, with n and 1 on the stack
    [ExpectFinish(1)]
    public void A_stack_value_set_at_the_loop_test_ends_the_loop(Fib_0xa1 stop)
    {
        stop.Stack.S1 = 1;
        stop.Stack.S1.ShouldBe(1);
    }

    [BreakAt("fib", 0xa1, Hit = 1)]
    [ExpectFinish(2)] // the first test has read n = 10 already; n = 3 then makes two iterations
    public void A_local_set_at_a_stop_is_what_the_function_reads_next(Fib_0xa1 stop)
    {
        stop.Locals.n = 3;
        stop.Locals.n.ShouldBe(3);
    }

    [StepFrom("add", 0x79, EarlyReturns = true)] // i32.add: a stop the debug build replays while the guest waits at add's entry
    [ExpectFinish(3421)]
    public void A_function_stepped_in_can_return_early(Add_0x79_Steps stop)
    {
        if (stop.Step == 0) stop.ForceReturn(100);
        else stop.FunctionName.ShouldBe("fib");
    }

    [OnCall("add", Hit = 3)]
    [ExpectTrap("unreachable")]
    public void A_forced_trap_ends_the_run_at_the_stop(Add_Call stop) => stop.ForceTrap();
}

// pair(x) returns (x, x * 1000): a result set at the return replaces that one alone.
[WasmModule("guests/fib.wasm", Entry = "pair", Args = new object[] { 4 })]
public partial class PairIntercessionProbes
{
    [OnReturn("pair")]
    [ExpectFinish(4, 7L)]
    public void A_result_set_at_a_return_is_what_the_caller_sees(Pair_Return stop)
    {
        stop.Results.R1.ShouldBe(4000L);
        stop.Results.R1 = 7;
        stop.Results.R1.ShouldBe(7L);
        stop.Results.R0.ShouldBe(4);
    }

    [OnReturn("pair")]
    [ExpectFinish(-1, -2L)]
    public void Results_set_one_after_the_other_are_all_returned(Pair_Return stop)
    {
        stop.Results.R0 = -1;
        stop.Results.R1 = -2;
    }
}

// parse(x) returns check(x) = 2x, or -code when check (or the call itself) throws $invalid(code): parse's try_table
// catches it. Nothing catches $fatal.
[WasmModule("guests/throws.wasm", Entry = "parse", Args = new object[] { 21 })]
public partial class ThrowIntercessionProbes
{
    [OnCall("check")]
    [ExpectFinish(-7)]
    public void A_throw_forced_at_a_call_is_caught_by_the_callers_try_table(Check_Call stop) => stop.ForceThrow_invalid(7);

    [BreakAt("parse", 0x60)] // call $check, inside the try_table
    [ExpectFinish(-8)]
    public void A_throw_forced_inside_a_try_table_is_caught_by_it(Parse_0x60 stop) => stop.ForceThrow_invalid(8);

    [StepFrom("parse", 0x60, Steps = 1)]
    [ExpectFinish(-9)]
    public void A_throw_forced_while_stepping_is_caught_by_the_try_table(Parse_0x60_Steps stop)
    {
        if (stop.Step == 0) stop.ForceThrow_invalid(9);
    }

    [OnReturn("check")]
    [ExpectTrap("uncaught_exception")]
    public void A_throw_that_nothing_catches_ends_the_run(Check_Return stop)
    {
        stop.Results.R0.ShouldBe(42);
        stop.ForceThrow_fatal(1L);
    }
}
