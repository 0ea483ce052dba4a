using WasmProbe.Debugging;
using WasmProbe.Engine.Linking;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Linking;

/// <summary>Breakpoints inside a linked module (<see cref="DebugSession.AddBreakpoint(string, string, int)"/>,
/// <see cref="DebugSession.AddBreakpointAtLine(string, int)"/>): fractions.wasm's add(1/2 + 1/3) calls mathlib's lcm,
/// which calls gcd(2, 3), then gcd(5, 6) itself.</summary>
public class LinkedBreakpointTests
{
    private static readonly string Fractions = FractionsGuest.Path;
    private static readonly int LoopLine = FractionsGuest.LoopLine;

    private static DebugSessionOptions Add(InstrumentationMode mode, bool coverage = false) => FractionsGuest.Add(mode, coverage);

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public async Task A_line_of_a_linked_module_stops_there_with_its_frame_and_source_variables(InstrumentationMode mode)
    {
        await using var session = DebugSession.Open(Fractions, Add(mode));
        var line = session.AddBreakpointAtLine("mathlib.c", LoopLine);
        line.Breakpoints.ShouldAllBe(b => b.Module == "mathlib");

        var stop = (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        stop.Breakpoint.Module.ShouldBe("mathlib");
        stop.Breakpoint.ToString().ShouldStartWith("mathlib!gcd+0x");
        var frames = session.Frames;
        frames[0].Module.ShouldBe("mathlib");
        frames[0].FunctionName.ShouldBe("gcd");
        frames[0].Source.ShouldNotBeNull().Line.ShouldBe(LoopLine);
        frames[0].Variable("a").Display.ShouldBe("2");
        frames[0].Variable("b").Display.ShouldBe("3");
        frames[0].Variable("rest").Display.ShouldBe("2");
        frames[0].Locals.ShouldNotBeEmpty();
        session.Variable("b").Display.ShouldBe("3");
        frames.Skip(1).Select(f => (f.Module, f.FunctionName)).ShouldBe([("mathlib", "lcm"), (null, "add")]);
        frames[1].Source.ShouldNotBeNull().File.ShouldEndWith("mathlib.c");
        frames[2].Source.ShouldNotBeNull().File.ShouldEndWith("fractions.c");
        session.Backtrace.ShouldBe([frames[2].Location]);

        int hits = 1;
        while (await session.ContinueAsync() is BreakpointStop) hits++;
        hits.ShouldBe(6);
        session.LastStop.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(5);
    }

    [Fact]
    public void A_stop_in_a_linked_module_reads_its_locals_and_stack_by_pc()
    {
        using var session = DebugSession.Open(Fractions, Add(InstrumentationMode.Static));
        var gcd = session.AddBreakpointAtLine("mathlib", "mathlib.c", LoopLine).Breakpoints[0];
        var call = session.AddBreakpoint("mathlib", "lcm", FractionsGuest.EntryOf("lcm"));
        session.AddBreakpoint("mathlib", "gcd", gcd.Location.Pc).ShouldBeSameAs(gcd);
        var seen = new List<string>();

        var final = session.Run(stop =>
        {
            var frame = session.TopFrame!;
            seen.Add($"{((BreakpointStop)stop).Breakpoint.FunctionName} {frame.Module} locals={frame.Locals.Count} stack={frame.Stack.Count}");
            return ResumeAction.Continue;
        });

        final.ShouldBeOfType<FinishedStop>();
        call.HitCount.ShouldBe(1);
        gcd.HitCount.ShouldBe(6);
        seen[0].ShouldBe("lcm mathlib locals=18 stack=0");   // -O0: a, b and 16 temporaries
    }

    [Fact]
    public void Problems_name_the_linked_module()
    {
        using var session = DebugSession.Open(Fractions, Add(InstrumentationMode.Static));

        Should.Throw<ArgumentException>(() => session.AddBreakpoint("mathlb", "gcd", 0)).Message.ShouldStartWith("no module named 'mathlb' is linked (linked: mathlib)");
        Should.Throw<ArgumentException>(() => session.AddBreakpoint("mathlib", "gdc", 0)).Message
            .ShouldStartWith("in the linked module mathlib (mathlib.wasm): no function named 'gdc'; known functions:");
        Should.Throw<ArgumentException>(() => session.AddBreakpoint("mathlib", "gcd", 1)).Message
            .ShouldStartWith("in the linked module mathlib (mathlib.wasm): pc 0x1 is outside gcd");
        Should.Throw<ArgumentException>(() => session.AddBreakpointAtLine("mathlib", "mathlib.c", 3)).Message
            .ShouldStartWith("in the linked module mathlib (mathlib.wasm): line 3 of");
        Should.Throw<ArgumentException>(() => session.AddBreakpointAtLine("nowhere.c", 3)).Message.ShouldContain("fractions.c");
    }

    [Fact]
    public async Task A_static_session_fixes_linked_breakpoints_once_it_runs()
    {
        await using var session = DebugSession.Open(Fractions, Add(InstrumentationMode.Static));
        var gcd = session.AddBreakpointAtLine("mathlib.c", LoopLine).Breakpoints[0];

        await session.ContinueAsync();

        Should.Throw<InvalidOperationException>(() => session.RemoveBreakpoint(gcd)).Message.ShouldContain("fixed once it runs");
        Should.Throw<InvalidOperationException>(() => session.AddBreakpoint("mathlib", "lcm", FractionsGuest.EntryOf("lcm")));
        (await Should.ThrowAsync<InvalidOperationException>(() => session.StepIntoAsync())).Message.ShouldContain("InstrumentationMode.Debug");
        Should.Throw<NotSupportedException>(() => session.SetLocal(0, 1));
    }

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public async Task A_stop_in_a_linked_module_can_end_the_run_with_a_trap_there_but_not_change_its_frame(InstrumentationMode mode)
    {
        await using var session = DebugSession.Open(Fractions, Add(mode));
        session.AddBreakpoint("mathlib", "gcd", FractionsGuest.EntryOf("gcd"));
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        Should.Throw<NotSupportedException>(() => session.ForceReturn(1)).Message.ShouldContain("the stop is in the linked module mathlib");
        session.ForceTrap();
        var trap = (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();

        trap.Code.ShouldBe("unreachable");
        trap.Frames.Select(f => $"{f.Module}!{f.FunctionName}").ShouldBe(["mathlib!gcd", "mathlib!lcm", "!add"]);
        trap.Frames[0].Locals.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task With_coverage_on_the_linked_module_stops_and_is_counted()
    {
        var options = Add(InstrumentationMode.Static, coverage: true);
        await using (var session = DebugSession.Open(Fractions, options))
        {
            session.AddBreakpointAtLine("mathlib.c", LoopLine);
            var stop = (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
            session.Frames[0].Variable("rest").Display.ShouldBe("2");
            while (await session.ContinueAsync() is BreakpointStop) { }
        }
        options.CoverageCollector!.Modules.Single(m => m.Name == "mathlib.wasm").Function("gcd").Calls.ShouldBe(2);
    }

}
