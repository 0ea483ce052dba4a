using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Probes;

namespace CGuest;

// guest/fractions.c does its arithmetic in another module: it imports gcd, lcm and quotient from "mathlib", which
// [LinkModule] instantiates into the same store first (guest/mathlib.wasm, its own memory: only ints cross). The
// generator checked at compile time that mathlib exports all three with the types fractions.wasm imports.
[WasmModule("guest/fractions.wasm", Entry = "add", Args = new object[] { 1, 2, 1, 3 })]
[LinkModule("guest/mathlib.wasm", As = "mathlib")]
public partial class FractionsProbes
{
    // int common = gcd(numerator, denominator);  lcm(2, 3) has run in mathlib
    [BreakAtLine("fractions.c", 13)]
    [ExpectVariable("denominator", 6)]
    [ExpectVariable("numerator", 5)]
    public void Sees_what_the_library_returned()
    {
    }

    // last_denominator = denominator / common;  after gcd(5, 6)
    [BreakAtLine("fractions.c", 14)]
    public void Reduces_by_the_library_s_gcd(Fractions_c_L14 stop) => stop.Variables.common.ShouldBe(1);

    // a = b;  in mathlib.c's gcd: the file is in the linked module's DWARF, so the probe stops inside the library,
    // first in gcd(2, 3), called by mathlib's lcm
    [BreakAtLine("mathlib.c", 7, Hit = 1)]
    [ExpectVariable("a", 2)]
    [ExpectVariable("rest", 2)]
    public void Stops_inside_the_library(Mathlib_Mathlib_c_L7 stop)
    {
        stop.Variables.b.ShouldBe(3);
        stop.Frames.Select(f => $"{f.Module}!{f.FunctionName}").ShouldBe(["mathlib!gcd", "mathlib!lcm", "!add"]);
        (stop.Module, stop.FunctionName).ShouldBe(("mathlib", "gcd"));
        stop.Source!.Position.ShouldStartWith("/cguest/mathlib.c:7:");
        stop.ToString().ShouldBe($"mathlib.c:7 at mathlib!gcd+0x{stop.Pc:x} hit 1");
    }

    // lcm(2, 3) calls gcd(2, 3), then add calls gcd(5, 6) itself
    [OnCall("gcd", Module = "mathlib", Hit = 2)]
    public void The_library_s_gcd_is_called_with_the_sum_s_numerator_and_denominator(Mathlib_Gcd_Call stop)
    {
        (stop.Args.p0, stop.Args.p1).ShouldBe((5, 6));
        stop.Module.ShouldBe("mathlib");
        stop.Frames.Select(f => $"{f.Module}!{f.FunctionName}").ShouldBe(["mathlib!gcd", "!add"]);
    }

    [BreakAt("lcm", 0x126, Module = "mathlib")]
    [ExpectLocal(0, 2)]
    public void Enters_lcm(Mathlib_Lcm_0x126 stop)
    {
        stop.Frames[0].Module.ShouldBe("mathlib");
        stop.ToString().ShouldBe("mathlib!lcm+0x126 hit 1");
    }

    // Stepping from inside the library: gcd's entry (its first call, gcd(2, 3) from lcm), over its prologue.
    [StepFrom("gcd", 0x59, Module = "mathlib", Steps = 3)]
    public void Steps_from_the_library_s_gcd(Mathlib_Gcd_0x59_Steps stop)
    {
        stop.Module.ShouldBe("mathlib");
        stop.InStartFunction.ShouldBeTrue();
        stop.FunctionName.ShouldBe("gcd");
        stop.ToString().ShouldStartWith("mathlib!gcd+0x");
        (stop.Frames[0].Locals[0].AsInt32(), stop.Frames[0].Locals[1].AsInt32()).ShouldBe((2, 3));
    }

    // int common = gcd(numerator, denominator);  stepping into the call enters mathlib's gcd(5, 6), whose prologue
    // (the 14 instructions up to 0x7a) stores a and b in the library's own stack frame
    [StepFrom("add", 0x147, Mode = StepMode.Into, Steps = 15)]
    public void Steps_into_the_library_s_gcd(Add_0x147_Steps stop)
    {
        if (stop.Step == 0)
        {
            stop.InStartFunction.ShouldBeTrue();
            (stop.Stack[1].AsInt32(), stop.Stack[0].AsInt32()).ShouldBe((5, 6));
            return;
        }
        stop.InStartFunction.ShouldBeFalse();
        stop.Module.ShouldBe("mathlib");
        stop.Frames.Select(f => $"{f.Module}!{f.FunctionName}").ShouldBe(["mathlib!gcd", "!add"]);
        stop.FunctionName.ShouldBe("gcd");
        stop.ToString().ShouldBe($"mathlib!gcd+0x{stop.Pc:x} step {stop.Step}");
        if (stop.Step == 1) stop.Frames[0].Locals.Take(2).Select(l => l.AsInt32()).ShouldBe([5, 6]);
        if (stop.Step == 15)
        {
            stop.Pc.ShouldBe(0x7a);
            (stop.Variable("a").AsInteger(), stop.Variable("b").AsInteger()).ShouldBe((5, 6));
        }
    }

    [OnReturn("add")]
    [ExpectResult(0, 5)]
    public void Adds_a_half_and_a_third()
    {
    }

    [Fact]
    public void Instances_call_into_the_linked_module()
    {
        using var instance = Instantiate();
        instance.Exports.add(1, 6, 1, 3).ShouldBe(1);
        instance.Exports.whole(7, 2).ShouldBe(3);
    }

    // A breakpoint inside the linked module (set through the session: the attributes stop in fractions.wasm only):
    // mathlib.c's `a = b;` in gcd's loop, first hit in gcd(2, 3), called by mathlib's lcm, called by add.
    [Fact]
    public void Stops_inside_the_library_with_its_variables()
    {
        using var session = WasmModule.CreateSession(InstrumentationMode.Static);
        var line = session.AddBreakpointAtLine("mathlib.c", 7);
        var seen = new List<string>();

        var final = session.Run(stop =>
        {
            var gcd = session.Frames[0];
            seen.Add($"{gcd.Module}!{gcd.FunctionName} a={gcd.Variable("a").Display} b={gcd.Variable("b").Display} rest={gcd.Variable("rest").Display}"
                + $" called by {string.Join(" < ", session.Frames.Skip(1).Select(f => f.FunctionName))}");
            return ResumeAction.Continue;
        });

        final.ShouldBeOfType<FinishedStop>();
        line.HitCount.ShouldBe(6);
        seen[0].ShouldBe("mathlib!gcd a=2 b=3 rest=2 called by lcm < add");
        seen[3].ShouldBe("mathlib!gcd a=5 b=6 rest=5 called by add");
    }

    [Fact]
    public void A_trap_in_the_linked_module_names_it()
    {
        using var instance = Instantiate();
        var trap = Should.Throw<WasmTrapException>(() => instance.Exports.whole(7, 0));
        trap.Code.ShouldBe("integer_divide_by_zero");
        trap.Message.ShouldContain("in the linked module mathlib (mathlib.wasm), function quotient");
    }
}

// The run traps inside the linked module (As defaults to the file name: "mathlib"); the probe in fractions.c stops
// before the call, and the trap is the run's expected ending.
[WasmModule("guest/fractions.wasm", Entry = "whole", Args = new object[] { 7, 0 })]
[LinkModule("guest/mathlib.wasm")]
public partial class FractionsTrapProbes
{
    // int part = quotient(a, b);
    [BreakAtLine("fractions.c", 20)]
    [ExpectVariable("b", 0)]
    [ExpectTrap("integer_divide_by_zero")]
    public void Quotient_traps_in_the_library()
    {
    }
}
