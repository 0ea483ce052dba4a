using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Probes;

namespace WasmProbe.Tests.Debugging;

/// <summary>Returns seen through <see cref="ReturnStops"/> keep each call's arguments, also when an exception unwinds
/// calls that never return.</summary>
public class ReturnStopsTests
{
    // f(0) throws; f(n) returns f(n - 1), or 10n when that throws: f(1) catches what f(0) throws and returns 10.
    private const string Guest = """
        (module
          (tag $fail (param i32))
          (func $f (export "f") (param $n i32) (result i32)
            local.get $n
            i32.eqz
            if
              i32.const 7
              throw $fail
            end
            (block $handler (result i32)
              (try_table (result i32) (catch $fail $handler)
                local.get $n
                i32.const 1
                i32.sub
                call $f)
              return)
            drop
            local.get $n
            i32.const 10
            i32.mul))
        """;

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public void A_return_after_an_exception_unwound_a_deeper_call_has_its_own_calls_arguments(InstrumentationMode mode)
    {
        using var session = Wat.Session(Guest, new DebugSessionOptions { Entry = "f", Arguments = [2], Mode = mode, ExceptionStops = ExceptionStops.None });
        var returns = ReturnStops.Arm(session, session.Module.Names.ResolveFunction("f"));
        var seen = new List<FunctionReturn>();

        session.Run(stop =>
        {
            if (returns.Observe(stop) is { } r) seen.Add(r);
            return ResumeAction.Continue;
        }).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(10);

        seen.Select(r => (r.Args[0].AsInt32(), r.Results[0].AsInt32())).ShouldBe([(1, 10), (2, 10)]);
    }

    [Fact]
    public void A_debug_session_refuses_to_watch_returns_through_a_cast_branch_naming_it()
    {
        // kind of the end-to-end tests' exits.wat leaves through a br_on_cast and a br_on_cast_fail to its own label.
        using var session = DebugSession.Open(Repository.PathOf("tests", "WasmProbe.EndToEnd.Tests", "guests", "exits.wasm"), new DebugSessionOptions { Entry = "kinds" });
        int pc = Wat.Pcs(session, "kind")[3];

        Should.Throw<NotSupportedException>(() => ReturnStops.Arm(session, session.Module.Names.ResolveFunction("kind"))).Message
            .ShouldStartWith($"kind can return through the br_on_cast at pc 0x{pc:x}, which leaves depending on the reference's run-time type: only a static build's stop tests it");
    }
}
