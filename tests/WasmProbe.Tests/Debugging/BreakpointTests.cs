using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Fixtures;

namespace WasmProbe.Tests.Debugging;

public class BreakpointTests
{
    private const string Loop = WatGuests.Loop;

    private static DebugSessionOptions Sum(int n, InstrumentationMode mode = InstrumentationMode.Debug) =>
        new() { Entry = "sum", Arguments = [n], Mode = mode };

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task Breakpoint_in_loop_hits_once_per_iteration_with_that_iterations_locals(InstrumentationMode mode)
    {
        await using var session = Wat.Session(Loop, Sum(5, mode));
        int addPc = Wat.Pcs(session, "sum")[3];
        var breakpoint = session.AddBreakpoint("sum", addPc);
        var seen = new List<(int Hit, int I, int Acc, int[] Stack)>();

        var stop = await session.ContinueAsync();
        while (stop is BreakpointStop hit)
        {
            hit.Breakpoint.ShouldBeSameAs(breakpoint);
            var frame = session.Frames[0];
            seen.Add((hit.Hit, frame.Locals[1].AsInt32(), frame.Locals[2].AsInt32(), [.. frame.Stack.Select(v => v.AsInt32())]));
            stop = await session.ContinueAsync();
        }

        seen.Select(s => s.Hit).ShouldBe([1, 2, 3, 4, 5]);
        seen.Select(s => s.I).ShouldBe([0, 1, 2, 3, 4]);
        seen.Select(s => s.Acc).ShouldBe([0, 0, 1, 3, 6]);
        seen.Select(s => s.Stack).ShouldBe([[0, 0], [0, 1], [1, 2], [3, 3], [6, 4]]);
        breakpoint.HitCount.ShouldBe(5);
        stop.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(10);
    }

    [Fact]
    public async Task Breakpoints_are_listed_and_a_removed_one_no_longer_stops()
    {
        await using var session = Wat.Session(Loop, Sum(3));
        var pcs = Wat.Pcs(session, "sum");
        var first = session.AddBreakpoint("sum", pcs[1]);
        var second = session.AddBreakpoint("sum", pcs[5]);
        session.Breakpoints.ShouldBe([first, second]);
        session.AddBreakpoint("sum", pcs[1]).ShouldBeSameAs(first);

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>().Breakpoint.ShouldBeSameAs(first);
        session.RemoveBreakpoint(first).ShouldBeTrue();
        session.Breakpoints.ShouldBe([second]);

        var stops = new List<BreakpointStop>();
        StopEvent stop;
        while ((stop = await session.ContinueAsync()) is BreakpointStop hit) stops.Add(hit);

        stops.ShouldAllBe(s => s.Breakpoint == second);
        stops.Count.ShouldBe(3);
        first.HitCount.ShouldBe(1);
        stop.ShouldBeOfType<FinishedStop>();
    }

    [Fact]
    public async Task Breakpoint_added_while_paused_takes_effect_for_the_rest_of_the_run()
    {
        await using var session = Wat.Session(Loop, Sum(4));
        var pcs = Wat.Pcs(session, "sum");
        session.AddBreakpoint("sum", pcs[1]);
        await session.ContinueAsync();
        session.AddBreakpoint("sum", pcs[^2]);

        var stop = await session.ContinueAsync();
        stop.ShouldBeOfType<BreakpointStop>().Location!.Value.Pc.ShouldBe(pcs[1]);
        session.RemoveBreakpoint(session.Breakpoints[0]);
        stop = await session.ContinueAsync();
        stop.ShouldBeOfType<BreakpointStop>().Location!.Value.Pc.ShouldBe(pcs[^2]);
        session.Frames[0].Locals[2].AsInt32().ShouldBe(6);
    }

    [Fact]
    public async Task Breakpoint_survives_turning_stepping_off()
    {
        await using var session = Wat.Session(Loop, Sum(3));
        var pcs = Wat.Pcs(session, "sum");
        session.AddBreakpoint("sum", pcs[6]);

        (await session.StepIntoAsync()).ShouldBeOfType<StepStop>().At.Pc.ShouldBe(pcs[0]);
        (await session.StepIntoAsync()).ShouldBeOfType<StepStop>().At.Pc.ShouldBe(pcs[1]);
        var stop = await session.ContinueAsync();
        stop.ShouldBeOfType<BreakpointStop>().Location!.Value.Pc.ShouldBe(pcs[6]);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>().Hit.ShouldBe(2);
    }

    [Theory]
    [InlineData(0x7fff, "outside")]
    [InlineData(-1, "outside")]
    public void Breakpoint_outside_the_function_is_rejected(int pc, string expected)
    {
        using var session = Wat.Session(Loop, Sum(1));
        Should.Throw<ArgumentException>(() => session.AddBreakpoint("sum", pc)).Message.ShouldContain(expected);
    }

    [Fact]
    public void Breakpoint_inside_an_instruction_names_the_nearest_valid_pcs()
    {
        using var session = Wat.Session("(module (func $f (export \"f\") (result i32) i32.const 1000 i32.const 2 i32.add))");
        var pcs = Wat.Pcs(session, "f");
        var error = Should.Throw<ArgumentException>(() => session.AddBreakpoint("f", pcs[0] + 1));
        error.Message.ShouldContain($"pc 0x{pcs[0] + 1:x} is not the start of an instruction in f");
        error.Message.ShouldContain($"0x{pcs[0]:x}");
        error.Message.ShouldContain($"0x{pcs[1]:x}");
    }

    [Fact]
    public void Breakpoint_in_unreachable_code_is_rejected()
    {
        using var session = Wat.Session("(module (func $f (export \"f\") unreachable i32.const 1 drop))");
        var pcs = Wat.Pcs(session, "f");
        Should.Throw<ArgumentException>(() => session.AddBreakpoint("f", pcs[1])).Message.ShouldContain("unreachable code");
    }

    [Fact]
    public void Breakpoint_in_an_unknown_or_imported_function_is_rejected()
    {
        using var session = Wat.Session("""(module (import "env" "h" (func $h)) (func $f (export "f")))""");
        Should.Throw<ArgumentException>(() => session.AddBreakpoint("nope", 0)).Message.ShouldContain("no function named 'nope'");
        Should.Throw<ArgumentException>(() => session.AddBreakpoint(0, 0)).Message.ShouldContain("imported");
        Should.Throw<ArgumentException>(() => session.AddBreakpoint(7, 0)).Message.ShouldContain("function 7 does not exist (the module has 2 functions)");
    }
}
