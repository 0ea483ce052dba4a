using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Fixtures;

namespace WasmProbe.Tests.Debugging;

/// <summary>A stop made to throw: the guest itself throws the exception, so its try_tables catch it; a session that
/// stops at exceptions shows it first, as it shows a guest's throw.</summary>
public class ForcedThrowTests
{
    // The local.set is in the straight-line run the debugger replays up to the nop, inside the try_table.
    private const string Counting = """
        (module
          (tag $oops (export "oops") (param i32 i64))
          (func $counted (export "counted") (result i32) (local $n i32)
            (block $handler (result i32 i64)
              (try_table (catch $oops $handler)
                i32.const 5
                local.set $n
                nop)
              local.get $n
              return)
            drop
            drop
            i32.const -1))
        """;

    // The nop follows a store in a straight-line run the debugger replays; the caller's handler reads what was stored.
    private const string Storing = """
        (module
          (tag $oops (export "oops") (param i32 i64))
          (memory 1)
          (func $store_then_nop (param $x i32)
            i32.const 16
            local.get $x
            i32.store
            nop)
          (func (export "stored") (param $x i32) (result i32)
            (block $handler (result i32 i64)
              (try_table (catch $oops $handler)
                local.get $x
                call $store_then_nop)
              i32.const -1
              return)
            drop
            drop
            i32.const 16
            i32.load))
        """;

    private static DebugSession Static(string entry, params object?[] arguments) =>
        Wat.Session(WatGuests.Exceptions, new DebugSessionOptions { Entry = entry, Arguments = arguments, Mode = InstrumentationMode.Static, ExceptionStops = ExceptionStops.None });

    private static DebugSession Debug(string entry, params object?[] arguments) =>
        Wat.Session(WatGuests.Exceptions, new DebugSessionOptions { Entry = entry, Arguments = arguments, ExceptionStops = ExceptionStops.None });

    private static StopEvent RunThrowing(DebugSession session, Action<DebugSession> atStop) => session.Run(_ =>
    {
        atStop(session);
        return ResumeAction.Continue;
    });

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public void A_throw_after_a_store_leaves_the_store_made(InstrumentationMode mode)
    {
        using var session = Wat.Session(Storing, new DebugSessionOptions { Entry = "stored", Arguments = [77], Mode = mode, ExceptionStops = ExceptionStops.None });
        session.AddBreakpoint("store_then_nop", Wat.Pcs(session, "store_then_nop")[3]);   // nop, replayed in debug builds

        RunThrowing(session, s => s.ForceThrow("oops", 0, 0L)).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(77);
    }

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

    [Fact]
    public void A_debug_stop_throws_through_its_probe_and_the_callers_try_table_catches_it()
    {
        using var session = Debug("guarded", 3);
        session.AddCallBreakpoint("work");

        RunThrowing(session, s => s.ForceThrow("oops", 7, 42L)).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(7 * 1000 + 42);
    }

    [Fact]
    public void A_replayed_debug_stop_throws_from_its_run_into_the_functions_own_try_table()
    {
        using var session = Debug("guarded", 3);
        session.AddBreakpoint("guarded", Wat.Pcs(session, "guarded")[3]);   // call $work, replayed from local.get $x

        RunThrowing(session, s => s.ForceThrow(0, 1, -1L)).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(1000 - 1);
    }

    [Fact]
    public void A_replayed_debug_stop_whose_run_changed_a_local_its_own_handler_sees_refuses_to_throw()
    {
        using var session = Wat.Session(Counting, new DebugSessionOptions { Entry = "counted", ExceptionStops = ExceptionStops.None });
        session.AddBreakpoint("counted", Wat.Pcs(session, "counted")[4]);   // nop, after local.set $n in the same run

        RunThrowing(session, s => Should.Throw<InvalidOperationException>(() => s.ForceThrow("oops", 1, 2L)).Message.ShouldContain("changed locals its handler may read"))
            .ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(5);
    }

    [Fact]
    public void A_forced_throw_stops_as_an_exception_at_the_stop_with_its_tag_payload_and_catcher()
    {
        foreach (var mode in new[] { InstrumentationMode.Static, InstrumentationMode.Debug })
        {
            using var session = Wat.Session(WatGuests.Exceptions, new DebugSessionOptions { Entry = "guarded", Arguments = [3], Mode = mode });
            session.AddCallBreakpoint("work");
            int pc = Wat.Pcs(session, "work")[0];
            var stops = new List<StopEvent>();

            var final = session.Run(stop =>
            {
                stops.Add(stop);
                if (stop is BreakpointStop) session.ForceThrow("oops", 7, 42L);
                else session.Frames.Select(f => f.FunctionName).ShouldBe(["work", "guarded"]);
                return ResumeAction.Continue;
            });

            stops.Select(s => s.Kind).ShouldBe([StopKind.Breakpoint, StopKind.Exception], $"{mode}");
            var thrown = stops[1].ShouldBeOfType<ExceptionStop>();
            thrown.At.ShouldBe(new Wasm.Model.CodeLocation(session.Module.Names.ResolveFunction("work"), pc));
            thrown.Tag.ShouldBe(0);
            thrown.Payload.Select(v => v.ToString()).ShouldBe(["i32:7", "i64:42"]);
            thrown.Caught.ShouldBe(true);
            final.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(7042);
        }
    }

    [Fact]
    public void Sessions_stopping_at_uncaught_exceptions_show_a_forced_throw_only_when_nothing_catches_it()
    {
        foreach (var (tag, shown) in new[] { ("oops", false), ("none", true) })
        {
            using var session = Wat.Session(WatGuests.Exceptions, new DebugSessionOptions { Entry = "guarded", Arguments = [3], ExceptionStops = ExceptionStops.Uncaught });
            session.AddCallBreakpoint("work");
            var exceptions = new List<ExceptionStop>();

            session.Run(stop =>
            {
                if (stop is ExceptionStop exception) exceptions.Add(exception);
                else session.ForceThrow(tag, tag == "oops" ? [1, 2L] : []);
                return ResumeAction.Continue;
            });

            exceptions.Select(e => e.Caught).ShouldBe(shown ? [false] : [], tag);
        }
    }
}
