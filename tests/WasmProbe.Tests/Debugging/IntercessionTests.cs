using WasmProbe.Debugging;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;

namespace WasmProbe.Tests.Debugging;

/// <summary>Changing the run at a stop: early returns and traps (static and debug sessions), locals and stack values
/// (static sessions).</summary>
public class IntercessionTests
{
    // run(n) = alloc(n) + classify(n) + scale(n) = (n + 1000) + (2n + 1) + trunc(n * 1.5)
    private const string Guest = """
        (module
          (func $alloc (param $size i32) (result i32)
            local.get $size
            i32.const 1000
            i32.add)
          (func $classify (param $x i32) (result i32)
            (local $y i32)
            local.get $x
            i32.const 2
            i32.mul
            local.set $y
            local.get $y
            i32.const 1
            i32.add)
          (func $scale (param $x i32) (result i32)
            (local $f f64)
            local.get $x
            f64.convert_i32_s
            f64.const 1.5
            f64.mul
            local.set $f
            local.get $f
            i32.trunc_f64_s)
          (func $nested (param $x i32) (result i32)
            i32.const 7
            block (result i32)
              local.get $x
              i32.const 1
              i32.add
            end
            i32.add)
          (func $null (result funcref) ref.null func)
          (func $run (export "run") (param $n i32) (result i32)
            local.get $n
            call $alloc
            local.get $n
            call $classify
            i32.add
            local.get $n
            call $scale
            i32.add)
          (func (export "nested") (param $x i32) (result i32) local.get $x call $nested)
          (func (export "null") (result i32) call $null ref.is_null)
          (memory 1)
          (func $store_and_load (param $x i32) (result i32)
            i32.const 16
            local.get $x
            i32.store
            i32.const 16
            i32.load
            i32.const 1
            i32.add)
          (func (export "remember") (param $x i32) (result i32)
            local.get $x
            call $store_and_load
            i32.const 16
            i32.load
            i32.add)
          (func $catch_all_around (param $x i32) (result i32)
            block
              try_table (catch_all 0)
                local.get $x
                return
              end
            end
            i32.const -1)
          (func (export "guarded") (param $x i32) (result i32) local.get $x call $catch_all_around))
        """;

    private static DebugSession Static() => Static("run", 10);

    private static DebugSession Static(string entry, params object?[] arguments) => Session(InstrumentationMode.Static, entry, arguments);

    private static DebugSession Session(InstrumentationMode mode) => Session(mode, "run", 10);

    /// <summary>Debug sessions are built to return early.</summary>
    private static DebugSession Session(InstrumentationMode mode, string entry, params object?[] arguments) =>
        Wat.Session(Guest, new DebugSessionOptions { Entry = entry, Arguments = arguments, Mode = mode, EarlyReturns = true });

    private static int Run(DebugSession session, Action<DebugSession> atStop) => session.Run(_ =>
    {
        atStop(session);
        return ResumeAction.Continue;
    }).ShouldBeOfType<FinishedStop>().Results[0].AsInt32();

    [Fact]
    public void An_unchanged_run_returns_what_the_guest_computes() =>
        Run(Static(), _ => { }).ShouldBe(1010 + 21 + 15);

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public void ForceReturn_at_a_call_stop_returns_the_chosen_result_without_running_the_function(InstrumentationMode mode)
    {
        using var session = Session(mode);
        session.AddCallBreakpoint("alloc");

        Run(session, s => s.ForceReturn(0)).ShouldBe(0 + 21 + 15);
    }

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public void A_second_ForceReturn_at_the_same_stop_replaces_the_results(InstrumentationMode mode)
    {
        using var session = Session(mode);
        session.AddCallBreakpoint("alloc");

        Run(session, s =>
        {
            s.ForceReturn(1);
            s.ForceReturn(2);
        }).ShouldBe(2 + 21 + 15);
    }

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public void ForceReturn_in_the_middle_of_a_function_skips_its_rest(InstrumentationMode mode)
    {
        using var session = Session(mode);
        session.AddBreakpoint("classify", Wat.Pcs(session, "classify")[4]);   // local.get $y, replayed in debug builds

        Run(session, s => s.ForceReturn(WasmValue.I32(-5))).ShouldBe(1010 - 5 + 15);
    }

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public void A_function_made_to_return_after_a_store_has_made_the_store(InstrumentationMode mode)
    {
        using var session = Session(mode, "remember", 5);
        session.AddBreakpoint("store_and_load", Wat.Pcs(session, "store_and_load")[3]);  // i32.const 16 after the store, replayed in debug builds

        Run(session, s => s.ForceReturn(100)).ShouldBe(100 + 5);
    }

    [Fact]
    public async Task A_step_after_an_early_return_at_a_replayed_stop_stops_in_the_caller()
    {
        await using var session = Session(InstrumentationMode.Debug);
        var classify = Wat.Pcs(session, "classify");
        session.AddBreakpoint("classify", classify[4]);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.ForceReturn(-5);

        var next = (await session.StepIntoAsync()).ShouldBeOfType<StepStop>();

        next.Location!.Value.Function.ShouldBe(session.Module.Names.ResolveFunction("run"));
        session.StackSlot(session.Frames[0].Stack.Count - 1).AsInt32().ShouldBe(-5);
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(1010 - 5 + 15);
    }

    [Fact]
    public async Task A_debug_session_refuses_an_early_return_that_a_catch_all_of_the_function_would_catch()
    {
        await using var session = Session(InstrumentationMode.Debug, "guarded", 4);
        session.AddBreakpoint("catch_all_around", Wat.Pcs(session, "catch_all_around")[2]);   // local.get $x inside try_table (catch_all)
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        Should.Throw<NotSupportedException>(() => session.ForceReturn(9)).Message.ShouldStartWith("a try_table of catch_all_around with catch_all encloses pc 0x");
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(4);
    }

    [Fact]
    public void A_changed_local_is_what_the_guest_reads_next()
    {
        using var session = Static();
        session.AddBreakpoint("classify", Wat.Pcs(session, "classify")[4]);
        session.AddBreakpoint("scale", Wat.Pcs(session, "scale")[5]);          // local.get $f

        Run(session, s =>
        {
            if (s.LastStop!.Location!.Value.Function == s.Module.Names.ResolveFunction("classify")) s.SetLocal("y", 100);
            else s.SetLocal(1, 2.75);
            s.Frames[0].Locals[1].ShouldBe(s.Local(1));
        }).ShouldBe(1010 + 101 + 2);
    }

    [Fact]
    public void A_changed_stack_value_of_the_stops_block_is_what_the_next_instruction_takes()
    {
        using var session = Static();
        session.AddBreakpoint("classify", Wat.Pcs(session, "classify")[6]);   // i32.add over [y, 1]

        Run(session, s =>
        {
            s.SetStackSlot(1, 50);
            s.StackSlot(1).AsInt32().ShouldBe(50);
        }).ShouldBe(1010 + 20 + 50 + 15);
    }

    [Fact]
    public void Stack_values_of_an_enclosing_block_cannot_be_changed_and_the_blocks_own_can()
    {
        using var session = Static("nested", 3);
        session.AddBreakpoint("nested", Wat.Pcs(session, "nested")[4]);        // i32.add inside the block: [7 | x, 1]

        Run(session, s =>
        {
            Should.Throw<NotSupportedException>(() => s.SetStackSlot(0, 8)).Message.ShouldContain("only the stop's own block's values can be changed");
            s.SetStackSlot(2, 10);
        }).ShouldBe(7 + 3 + 10);
    }

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public void ForceTrap_ends_the_run_with_an_unreachable_trap_at_the_stop_with_its_frames_values(InstrumentationMode mode)
    {
        using var session = Wat.Session(Guest, new DebugSessionOptions { Entry = "run", Arguments = [10], Mode = mode });
        int pc = Wat.Pcs(session, "classify")[4];
        session.AddBreakpoint("classify", pc);                                 // local.get $y, replayed in debug builds

        var trap = session.Run(_ =>
        {
            session.ForceTrap();
            return ResumeAction.Continue;
        }).ShouldBeOfType<TrapStop>();

        trap.Code.ShouldBe("unreachable");
        trap.Location.ShouldBe(new Wasm.Model.CodeLocation(session.Module.Names.ResolveFunction("classify"), pc));
        trap.Frames.Select(f => f.FunctionName).ShouldBe(["classify", "run"]);
        trap.Frames[0].Locals[1].AsInt32().ShouldBe(20);
        // Parent frames have values in debug builds only (see the README's limits).
        if (mode == InstrumentationMode.Debug) trap.Frames[1].Locals[0].AsInt32().ShouldBe(10);
        else trap.Frames[1].LocalsOrNull.ShouldBeNull();
    }

    [Fact]
    public void Values_that_do_not_fit_the_function_are_refused_with_what_it_takes()
    {
        using var session = Static();
        session.AddCallBreakpoint("alloc");
        session.AddCallBreakpoint("null");

        session.Run(stop =>
        {
            Should.Throw<ArgumentException>(() => session.ForceReturn(1, 2)).Message.ShouldStartWith("alloc returns 1 value ([i32] -> [i32]), not 2");
            Should.Throw<ArgumentException>(() => session.ForceReturn(WasmValue.I64(1))).Message.ShouldStartWith("result 0 of alloc is i32, not i64 (1)");
            Should.Throw<ArgumentException>(() => session.SetLocal(0, "many"));
            Should.Throw<ArgumentOutOfRangeException>(() => session.SetLocal(3, 1)).Message.ShouldStartWith("local 3 does not exist: alloc has 1 locals");
            Should.Throw<ArgumentOutOfRangeException>(() => session.SetStackSlot(0, 1)).Message.ShouldStartWith("stack slot 0 does not exist");
            session.ForceReturn(1);
            Should.Throw<InvalidOperationException>(() => session.SetLocal(0, 5)).Message.ShouldBe("this stop already makes the function return when the guest resumes");
            return ResumeAction.Continue;
        }).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(1 + 21 + 15);
    }

    [Fact]
    public void A_function_returning_a_reference_cannot_be_made_to_return_early()
    {
        using var session = Static("null");
        session.AddCallBreakpoint("null");

        session.Run(_ =>
        {
            Should.Throw<NotSupportedException>(() => session.ForceReturn([null])).Message.ShouldContain("references cannot be made up by the host");
            return ResumeAction.Continue;
        }).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(1);
    }

    [Fact]
    public async Task A_debug_session_not_built_for_early_returns_says_how_to_get_one()
    {
        await using var session = Wat.Session(Guest, new DebugSessionOptions { Entry = "run", Arguments = [10] });
        session.AddBreakpoint("classify", Wat.Pcs(session, "classify")[6]);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        Should.Throw<NotSupportedException>(() => session.ForceReturn(0)).Message.ShouldStartWith("making a function return early in a debug session needs a build for it: DebugSessionOptions.EarlyReturns = true");
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(1010 + 21 + 15);
    }

    [Fact]
    public async Task A_debug_session_says_that_changing_locals_or_stack_values_needs_a_static_one()
    {
        await using var session = Session(InstrumentationMode.Debug);
        session.AddBreakpoint("classify", Wat.Pcs(session, "classify")[6]);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        Should.Throw<NotSupportedException>(() => session.SetLocal(0, 1)).Message.ShouldStartWith("changing locals or stack values needs a session in InstrumentationMode.Static");
        Should.Throw<NotSupportedException>(() => session.SetStackSlot(1, 1)).Message.ShouldContain("Debug sessions can return early, trap, throw and change globals and memory");
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(1010 + 21 + 15);
    }
}
