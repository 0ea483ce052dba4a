using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Fixtures;

namespace WasmProbe.Tests.Debugging;

/// <summary>A static stop made to throw: the guest itself throws the exception, so its try_tables catch it.</summary>
public class ForcedThrowTests
{
    private static DebugSession Static(string entry, params object?[] arguments) =>
        Wat.Session(WatGuests.Exceptions, new DebugSessionOptions { Entry = entry, Arguments = arguments, Mode = InstrumentationMode.Static });

    private static StopEvent RunThrowing(DebugSession session, Action<DebugSession> atStop) => session.Run(_ =>
    {
        atStop(session);
        return ResumeAction.Continue;
    });

    [Fact]
    public void A_throw_at_a_call_stop_is_caught_by_the_callers_try_table_with_its_payload()
    {
        using var session = Static("guarded", 3);
        session.AddCallBreakpoint("work");

        var finished = RunThrowing(session, s => s.ForceThrow("oops", 7, 42L)).ShouldBeOfType<FinishedStop>();

        finished.Results[0].AsInt32().ShouldBe(7 * 1000 + 42);
    }

    [Fact]
    public void A_throw_inside_the_stopped_functions_own_try_table_is_caught_there()
    {
        using var session = Static("guarded", 3);
        session.AddBreakpoint("guarded", Wat.Pcs(session, "guarded")[3]);   // call $work, inside the try_table

        RunThrowing(session, s => s.ForceThrow(0, 1, -1L)).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(1000 - 1);
    }

    [Fact]
    public void An_uncaught_throw_ends_the_run_as_an_uncaught_exception_at_the_stop()
    {
        using var session = Static("work", 3);
        session.AddCallBreakpoint("work");
        int pc = Wat.Pcs(session, "work")[0];

        var trap = RunThrowing(session, s => s.ForceThrow("oops", 1, 2L)).ShouldBeOfType<TrapStop>();

        trap.Code.ShouldBe("uncaught_exception");
        trap.Frames.Select(f => (f.FunctionName, f.Location.Pc)).ShouldBe([("work", pc)]);
    }

    [Fact]
    public void A_tag_the_try_table_does_not_catch_goes_past_it()
    {
        using var session = Static("guarded", 3);
        session.AddCallBreakpoint("work");

        var trap = RunThrowing(session, s => s.ForceThrow("none")).ShouldBeOfType<TrapStop>();

        trap.Code.ShouldBe("uncaught_exception");
        trap.Frames.Select(f => f.FunctionName).ShouldBe(["work", "guarded"]);
    }

    [Fact]
    public void A_payload_or_tag_that_does_not_fit_is_refused_with_what_the_tag_takes()
    {
        using var session = Static("guarded", 3);
        session.AddCallBreakpoint("work");

        RunThrowing(session, s =>
        {
            Should.Throw<ArgumentException>(() => s.ForceThrow("oops", 1)).Message.ShouldStartWith("oops carries 2 values (i32, i64), not 1");
            Should.Throw<ArgumentException>(() => s.ForceThrow("oops", 1, "two")).Message.ShouldStartWith("two (String) cannot be passed as i64");
            Should.Throw<ArgumentException>(() => s.ForceThrow("oops", Inspection.WasmValue.I32(1), Inspection.WasmValue.I32(2))).Message.ShouldStartWith("payload value 1 of oops is i64, not i32");
            Should.Throw<ArgumentException>(() => s.ForceThrow("boom")).Message.ShouldStartWith("no tag named 'boom' (the module's tags: oops, none, handle)");
            Should.Throw<ArgumentOutOfRangeException>(() => s.ForceThrow(3)).Message.ShouldStartWith("tag 3 does not exist (the module has 3)");
            Should.Throw<NotSupportedException>(() => s.ForceThrow("handle", [null])).Message.ShouldContain("references cannot be made up by the host");
            s.ForceThrow("oops", 1, 2L);
            s.ForceThrow("oops", 2, 5L);
            Should.Throw<InvalidOperationException>(() => s.ForceReturn(0)).Message.ShouldBe("this stop already makes the function throw when the guest resumes");
        }).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(2005);
    }

    [Fact]
    public void A_module_without_tags_cannot_throw()
    {
        using var session = Wat.Session(WatGuests.Loop, new DebugSessionOptions { Entry = "sum", Arguments = [3], Mode = InstrumentationMode.Static });
        session.AddCallBreakpoint("sum");

        RunThrowing(session, s => Should.Throw<ArgumentException>(() => s.ForceThrow("oops")).Message
            .ShouldStartWith("the module declares no exception tags (it does not use exception handling)")).ShouldBeOfType<FinishedStop>();
    }
}
