using WasmProbe.Debugging;
using WasmProbe.Instrumentation;

namespace WasmProbe.Tests.Debugging;

public class FrameAndFaultTests
{
    private const string Calls = """
        (module
          (func $inner (param $x i32) (result i32)
            local.get $x
            i32.const 10
            i32.mul)
          (func $outer (export "outer") (param $a i32) (result i32) (local $t i32)
            i32.const 7
            local.set $t
            i32.const 100
            local.get $a
            call $inner
            i32.add)
          (func $divide (export "divide") (param i32 i32) (result i32)
            local.get 0
            local.get 1
            call $div)
          (func $div (param i32 i32) (result i32)
            local.get 0
            local.get 1
            i32.div_s)
          (func $recurse (export "recurse") (param i32) (result i32)
            local.get 0
            i32.const 1
            i32.add
            call $recurse)
          (func $spin (export "spin") (loop $l br $l)))
        """;

    // maybe(1) sets $x, maybe(0) does not: both activations have the same frame address.
    private const string Reused = """
        (module
          (func $maybe (param $p i32) (result i32) (local $x i32) (local $wide i64) (local $v v128)
            local.get $p
            if
              i32.const 42
              local.set $x
              i64.const -1
              local.set $wide
              v128.const i32x4 1 2 3 4
              local.set $v
            end
            local.get $x)
          (func (export "run") (result i32)
            i32.const 1
            call $maybe
            drop
            i32.const 0
            call $maybe))
        """;

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task A_local_not_yet_set_reads_zero_though_an_earlier_call_at_the_same_frame_address_set_it(InstrumentationMode mode)
    {
        await using var session = Wat.Session(Reused, new DebugSessionOptions { Entry = "run", Mode = mode });
        var maybe = Wat.Pcs(session, "maybe");
        session.AddBreakpoint("maybe", maybe[^2]);   // local.get $x, after the if

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.Local(1).AsInt32().ShouldBe(42);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        session.Local(0).AsInt32().ShouldBe(0);
        session.Local(1).AsInt32().ShouldBe(0);
        session.Local(2).AsInt64().ShouldBe(0L);
        session.Local(3).ShouldBe(Inspection.WasmValue.V128(0, 0));
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Parent_frame_shows_its_call_pc_locals_and_stack()
    {
        await using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "outer", Arguments = [4] });
        var innerPcs = Wat.Pcs(session, "inner");
        var outerPcs = Wat.Pcs(session, "outer");
        session.AddBreakpoint("inner", innerPcs[2]);

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        var frames = session.Frames;

        frames.Count.ShouldBe(2);
        frames[0].FunctionName.ShouldBe("inner");
        frames[0].Pc.ShouldBe(innerPcs[2]);
        frames[0].Locals.Select(v => v.AsInt32()).ShouldBe([4]);
        frames[0].LocalName(0).ShouldBe("x");
        frames[0].Stack.Select(v => v.AsInt32()).ShouldBe([4, 10]);
        frames[1].FunctionName.ShouldBe("outer");
        frames[1].Pc.ShouldBe(outerPcs[4]);
        frames[1].Locals.Select(v => v.AsInt32()).ShouldBe([4, 7]);
        frames[1].Stack.Select(v => v.AsInt32()).ShouldBe([100, 4]);
        session.Local(0).AsInt32().ShouldBe(4);

        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(140);
    }

    [Fact]
    public async Task Static_build_shows_the_callers_call_pcs_from_the_engine_backtrace()
    {
        await using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "outer", Arguments = [4], Mode = InstrumentationMode.Static });
        var innerPcs = Wat.Pcs(session, "inner");
        var outerPcs = Wat.Pcs(session, "outer");
        session.AddBreakpoint("inner", innerPcs[2]);

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        var frames = session.Frames;

        frames.Select(f => (f.FunctionName, f.Pc)).ShouldBe([("inner", innerPcs[2]), ("outer", outerPcs[4])]);
        frames[0].Locals.Select(v => v.AsInt32()).ShouldBe([4]);
        frames[0].Stack.Select(v => v.AsInt32()).ShouldBe([4, 10]);
        frames[1].LocalsOrNull.ShouldBeNull("a static build keeps no values of its callers");
        frames[1].StackOrNull.ShouldBeNull();

        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(140);
    }

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task Backtrace_and_top_frame_are_the_frames_without_reading_the_callers_values(InstrumentationMode mode)
    {
        await using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "outer", Arguments = [4], Mode = mode });
        session.AddBreakpoint("inner", Wat.Pcs(session, "inner")[2]);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        session.Backtrace.ShouldBe(session.Frames.Select(f => f.Location));
        session.TopFrame!.Location.ShouldBe(session.Frames[0].Location);
        session.TopFrame.Locals.ShouldBe(session.Frames[0].Locals);
        session.TopFrame.Stack.ShouldBe(session.Frames[0].Stack);
    }

    [Fact]
    public void Static_build_run_inline_takes_the_callers_when_asked()
    {
        using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "outer", Arguments = [4], Mode = InstrumentationMode.Static });
        session.AddBreakpoint("inner", Wat.Pcs(session, "inner")[2]);
        var seen = new List<string>();

        session.Run(_ =>
        {
            seen.Add(string.Join(" < ", session.Frames.Select(f => f.FunctionName)));
            return ResumeAction.Continue;
        }).ShouldBeOfType<FinishedStop>();

        seen.ShouldBe(["inner < outer"]);
    }

    [Fact]
    public async Task Step_over_a_call_stays_in_the_caller_and_step_out_returns_to_it()
    {
        await using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "outer", Arguments = [4] });
        var outerPcs = Wat.Pcs(session, "outer");
        var innerPcs = Wat.Pcs(session, "inner");
        session.AddBreakpoint("outer", outerPcs[4]);
        await session.ContinueAsync();

        (await session.StepOverAsync()).ShouldBeOfType<StepStop>().At.Pc.ShouldBe(outerPcs[5]);
        session.Frames[0].Stack.Select(v => v.AsInt32()).ShouldBe([100, 40]);
        await session.DisposeAsync();

        await using var again = Wat.Session(Calls, new DebugSessionOptions { Entry = "outer", Arguments = [4] });
        again.AddBreakpoint("outer", outerPcs[4]);
        await again.ContinueAsync();
        (await again.StepIntoAsync()).ShouldBeOfType<StepStop>().At.Pc.ShouldBe(innerPcs[0]);
        (await again.StepOutAsync()).ShouldBeOfType<StepStop>().At.Pc.ShouldBe(outerPcs[5]);
    }

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task Trap_stops_at_the_trapping_instruction_with_the_backtrace(InstrumentationMode mode)
    {
        await using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "divide", Arguments = [1, 0], Mode = mode });
        var divPcs = Wat.Pcs(session, "div");
        var dividePcs = Wat.Pcs(session, "divide");

        var trap = (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();

        trap.Code.ShouldBe("integer_divide_by_zero");
        trap.Message.ShouldContain("divide by zero");
        trap.Frames.Select(f => (f.FunctionName, f.Pc)).ShouldBe([("div", divPcs[2]), ("divide", dividePcs[2])]);
        trap.Location!.Value.Pc.ShouldBe(divPcs[2]);
        session.IsFinished.ShouldBeTrue();
        (await session.ContinueAsync()).ShouldBeSameAs(trap);
    }

    [Fact]
    public async Task Trap_frames_carry_the_callers_values_while_breakpoints_are_set()
    {
        await using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "divide", Arguments = [9, 0] });
        session.AddBreakpoint("inner", Wat.Pcs(session, "inner")[0]);

        var trap = (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();

        trap.Frames[0].LocalsOrNull.ShouldBeNull("the trapping frame's values were not stored at the trapping instruction");
        trap.Frames[1].Locals.Select(v => v.AsInt32()).ShouldBe([9, 0]);
        trap.Frames[1].Stack.Select(v => v.AsInt32()).ShouldBe([9, 0]);
    }

    [Fact]
    public async Task Trap_at_a_breakpoint_shows_the_values_seen_there()
    {
        await using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "divide", Arguments = [9, 0] });
        session.AddBreakpoint("div", Wat.Pcs(session, "div")[2]);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        var trap = (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();

        trap.Frames[0].Locals.Select(v => v.AsInt32()).ShouldBe([9, 0]);
        trap.Frames[0].Stack.Select(v => v.AsInt32()).ShouldBe([9, 0]);
    }

    [Fact]
    public async Task Guest_stack_overflow_is_a_trap_not_a_crash()
    {
        await using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "recurse", Arguments = [0] });
        var trap = (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();
        trap.Code.ShouldBe("stack_overflow");
        trap.Frames.ShouldNotBeEmpty();
        trap.Frames.ShouldAllBe(f => f.FunctionName == "recurse");
    }

    [Fact]
    public async Task A_guest_that_never_stops_is_interrupted_at_the_deadline()
    {
        var deadline = TimeSpan.FromMilliseconds(200);
        await using var session = Wat.Session(Calls, new DebugSessionOptions { Entry = "spin", Host = new() { Deadline = deadline } });
        var stop = (await session.ContinueAsync()).ShouldBeOfType<InterruptedStop>();
        stop.Deadline.ShouldBe(deadline);
        stop.Frames.Single().FunctionName.ShouldBe("spin");
    }

    [Fact]
    public async Task Host_exception_ends_the_run_with_the_exception_and_the_calling_frame()
    {
        const string wat = """
            (module
              (import "env" "fail" (func $fail (param i32)))
              (func $f (export "f") i32.const 42 call $fail))
            """;
        var thrown = new InvalidOperationException("host says no");
        var options = new DebugSessionOptions
        {
            Entry = "f",
            Host = new() { ConfigureLinker = (linker, _) => linker.DefineFunction("env", "fail", (int _) => throw thrown) },
        };
        await using var session = Wat.Session(wat, options);

        var stop = (await session.ContinueAsync()).ShouldBeOfType<HostErrorStop>();
        stop.Exception.ShouldBeSameAs(thrown);
        stop.Frames.Single().Pc.ShouldBe(Wat.Pcs(session, "f")[1]);
    }
}
