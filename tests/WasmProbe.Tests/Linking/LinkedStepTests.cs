using WasmProbe.Debugging;
using WasmProbe.Instrumentation;

namespace WasmProbe.Tests.Linking;

/// <summary>Stepping into and inside a linked module in a debug session (each linked module runs a debug build of its
/// own): fractions.wasm's add(1, 2, 1, 3) calls mathlib's lcm(2, 3), which calls gcd(2, 3), then gcd(5, 6) itself.</summary>
public class LinkedStepTests
{
    /// <summary>Steps into from add's first instruction until the first stop in mathlib.</summary>
    private static async Task<StepStop> StepIntoLibrary(DebugSession session)
    {
        session.AddCallBreakpoint("add");
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        for (int i = 0; i < 1000; i++)
        {
            var stop = (await session.StepIntoAsync()).ShouldBeOfType<StepStop>();
            if (stop.Module is not null) return stop;
        }
        throw new InvalidOperationException("no step entered mathlib");
    }

    [Fact]
    public async Task Step_into_a_call_of_an_import_stops_at_the_linked_functions_first_instruction()
    {
        await using var session = FractionsGuest.Session();
        var stop = await StepIntoLibrary(session);

        stop.Module.ShouldBe("mathlib");
        stop.At.Pc.ShouldBe(FractionsGuest.EntryOf("lcm"));
        var frames = session.Frames;
        frames.Select(f => (f.Module, f.FunctionName)).ShouldBe([("mathlib", "lcm"), (null, "add")]);
        frames[0].Locals.Take(2).Select(v => v.AsInt32()).ShouldBe([2, 3]);   // lcm(b, d)
        frames[0].Stack.ShouldBeEmpty();
        frames[0].ToString().ShouldStartWith("mathlib!lcm+0x");
        session.TopFrame!.Module.ShouldBe("mathlib");
        session.Local(0).AsInt32().ShouldBe(2);
        session.Local("1").AsInt32().ShouldBe(3);
        frames[1].Locals.Take(4).Select(v => v.AsInt32()).ShouldBe([1, 2, 1, 3]);   // the guest's frame, read from its shadow frame
        session.Backtrace.ShouldBe([frames[1].Location]);
    }

    [Fact]
    public async Task Steps_inside_the_linked_module_go_instruction_by_instruction_and_step_out_returns_to_the_guest()
    {
        await using var session = FractionsGuest.Session();
        await StepIntoLibrary(session);
        var mathlib = DebugSession.Decode(FractionsGuest.MathLib.Bytes);
        int lcm = mathlib.Names.ResolveFunction("lcm");
        var code = mathlib.Bodies[lcm - mathlib.ImportedFunctionCount].Code;

        // Instruction by instruction through lcm until its call of gcd is the next instruction, then into gcd.
        var pcs = new List<int> { session.LastStop!.Location!.Value.Pc };
        StepStop stop;
        do
        {
            stop = (await session.StepIntoAsync()).ShouldBeOfType<StepStop>();
            pcs.Add(stop.At.Pc);
        }
        while (stop.At.Function == lcm);
        int called = pcs[^2];
        // Every stop is at the next instruction, or at a branch's target (a || b short-circuits).
        var offsets = code.Instructions.Select(i => i.Offset).ToList();
        pcs.SkipLast(1).ShouldBeInOrder(SortDirection.Ascending);
        pcs.SkipLast(1).ShouldAllBe(pc => offsets.Contains(pc));
        pcs.SkipLast(1).Distinct().Count().ShouldBe(pcs.Count - 1);
        pcs.Count.ShouldBeGreaterThan(20);
        stop.Module.ShouldBe("mathlib");
        session.Frames.Select(f => (f.Module, f.FunctionName)).ShouldBe([("mathlib", "gcd"), ("mathlib", "lcm"), (null, "add")]);
        session.Frames[0].Locals.Take(2).Select(v => v.AsInt32()).ShouldBe([2, 3]);   // gcd(a, b), before its prologue stores them for the source variables

        // Out of gcd: back in lcm just after the call, gcd's result on the stack.
        var outOfGcd = (await session.StepOutAsync()).ShouldBeOfType<StepStop>();
        outOfGcd.Module.ShouldBe("mathlib");
        outOfGcd.At.Function.ShouldBe(lcm);
        outOfGcd.At.Pc.ShouldBeGreaterThan(called);
        session.TopFrame!.Stack[^1].AsInt32().ShouldBe(1);   // gcd(2, 3)

        // Out of lcm: back in the guest's add, lcm's result on its stack.
        var outOfLcm = (await session.StepOutAsync()).ShouldBeOfType<StepStop>();
        outOfLcm.Module.ShouldBeNull();
        session.Frames.Select(f => (f.Module, f.FunctionName)).ShouldBe([(null, "add")]);
        session.TopFrame!.Stack[^1].AsInt32().ShouldBe(6);   // lcm(2, 3)
        (await session.RunToCompletionAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(5);
    }

    [Fact]
    public async Task Step_over_a_call_steps_over_it_in_either_module()
    {
        await using var session = FractionsGuest.Session();
        await StepIntoLibrary(session);
        int lcm = DebugSession.Decode(FractionsGuest.MathLib.Bytes).Names.ResolveFunction("lcm");

        // In lcm: step over everything, gcd's call included; no stop leaves lcm until it returns to add.
        var stops = new List<StepStop>();
        do stops.Add((await session.StepOverAsync()).ShouldBeOfType<StepStop>());
        while (stops[^1].Module is not null);
        stops.SkipLast(1).ShouldAllBe(s => s.Module == "mathlib" && s.At.Function == lcm);
        session.TopFrame!.FunctionName.ShouldBe("add");
        session.TopFrame.Stack[^1].AsInt32().ShouldBe(6);

        // In add: stepping over gcd's call does not enter mathlib.
        while (await session.StepOverAsync() is StepStop step) step.Module.ShouldBeNull();
        session.LastStop.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(5);
    }

    [Fact]
    public void Stepping_into_everything_visits_each_instruction_of_both_modules_and_each_call()
    {
        using var session = FractionsGuest.Session();
        var stops = new List<(string? Module, string Function, int Pc)>();
        var final = session.Run(stop =>
        {
            var top = session.TopFrame!;
            stops.Add((top.Module, top.FunctionName, top.Pc));
            ((StepStop)stop).Module.ShouldBe(top.Module);
            return ResumeAction.StepInto;
        }, ResumeAction.StepInto);

        final.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(5);
        int gcdEntry = FractionsGuest.EntryOf("gcd");
        stops.Count(s => s is ("mathlib", "gcd", var pc) && pc == gcdEntry).ShouldBe(2);   // lcm's call and add's
        stops.Count(s => s is ("mathlib", "lcm", var pc) && pc == FractionsGuest.EntryOf("lcm")).ShouldBe(1);
        stops.First().ShouldBe((null, "add", stops.First().Pc));
        stops.Select(s => s.Module).Distinct().ShouldBe([null, "mathlib"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_debug_session_changes_linked_breakpoints_while_paused()
    {
        await using var session = FractionsGuest.Session();
        await StepIntoLibrary(session);

        var gcd = session.AddBreakpoint("mathlib", "gcd", FractionsGuest.EntryOf("gcd"));
        var hit = (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        hit.Breakpoint.ShouldBeSameAs(gcd);
        session.Frames.Select(f => f.FunctionName).ShouldBe(["gcd", "lcm", "add"]);
        session.RemoveBreakpoint(gcd).ShouldBeTrue();
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>();
        gcd.HitCount.ShouldBe(1);
    }

    [Fact]
    public async Task Line_steps_stay_in_the_guest()
    {
        await using var session = FractionsGuest.Session();
        int gcdLine = FractionsGuest.LineOf("fractions.c", "int common = gcd(numerator, denominator);");
        session.AddBreakpointAtLine("fractions.c", gcdLine);
        await session.ContinueAsync();

        (await session.StepLineAsync(StepKind.Into)).ShouldBeOfType<StepStop>().Module.ShouldBeNull();
        session.TopFrame!.Source!.Line.ShouldBe(gcdLine + 1);
    }

    [Fact]
    public async Task A_line_step_at_a_stop_in_a_linked_module_says_to_step_by_instructions()
    {
        await using var session = FractionsGuest.Session();
        await StepIntoLibrary(session);

        Should.Throw<InvalidOperationException>(() => session.BeginLineStep(StepKind.Over)).Message
            .ShouldStartWith("line steps work in the guest's own module; the guest is stopped in the linked module mathlib");
    }
}
