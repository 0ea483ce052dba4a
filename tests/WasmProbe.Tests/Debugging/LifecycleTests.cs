using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Debugging;

public class LifecycleTests
{
    private const string Counter = """
        (module
          (func $count (export "count") (param $n i32) (result i32) (local $i i32)
            (loop $l
              local.get $i
              i32.const 1
              i32.add
              local.tee $i
              local.get $n
              i32.lt_s
              br_if $l)
            local.get $i))
        """;

    [Fact]
    public async Task Disposing_while_paused_ends_the_guest_thread()
    {
        var session = Wat.Session(Counter, new DebugSessionOptions { Entry = "count", Arguments = [1000] });
        session.AddBreakpoint("count", Wat.Pcs(session, "count")[2]);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.IsGuestThreadAlive.ShouldBeTrue();

        await session.DisposeAsync();

        session.IsGuestThreadAlive.ShouldBeFalse();
        Should.Throw<ObjectDisposedException>(() => session.ContinueAsync());
    }

    [Fact]
    public async Task Stepping_requested_before_start_stops_at_the_entrys_first_instruction()
    {
        await using var session = Wat.Session(Counter, new DebugSessionOptions { Entry = "count", Arguments = [3] });
        (await session.StepIntoAsync()).ShouldBeOfType<StepStop>().At.Pc.ShouldBe(Wat.Pcs(session, "count")[0]);
    }

    [Fact]
    public async Task Run_to_completion_ignores_breakpoints()
    {
        await using var session = Wat.Session(Counter, new DebugSessionOptions { Entry = "count", Arguments = [50] });
        var breakpoint = session.AddBreakpoint("count", Wat.Pcs(session, "count")[2]);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        (await session.RunToCompletionAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(50);
        breakpoint.HitCount.ShouldBe(1);
    }

    [Fact]
    public async Task Many_sessions_run_in_parallel_without_interfering()
    {
        var bytes = Wat.ToBinary(Counter);
        var results = await Task.WhenAll(Enumerable.Range(1, 16).Select(async n =>
        {
            await using var session = DebugSession.Create(bytes, new DebugSessionOptions { Entry = "count", Arguments = [n] });
            session.AddBreakpoint("count", Wat.Pcs(session, "count")[2]);
            int hits = 0;
            StopEvent stop;
            while ((stop = await session.ContinueAsync()) is BreakpointStop) hits++;
            return (n, hits, result: ((FinishedStop)stop).Results[0].AsInt32());
        }));
        results.ShouldAllBe(r => r.hits == r.n && r.result == r.n);
    }

    [Fact]
    public void Static_sessions_fix_breakpoints_and_refuse_stepping()
    {
        using var session = Wat.Session(Counter, new DebugSessionOptions { Entry = "count", Arguments = [2], Mode = InstrumentationMode.Static });
        var pcs = Wat.Pcs(session, "count");
        session.AddBreakpoint("count", pcs[2]);
        Should.Throw<InvalidOperationException>(() => session.StepIntoAsync()).Message.ShouldContain("InstrumentationMode.Debug");
        var final = session.Run(_ => ResumeAction.Continue);
        final.ShouldBeOfType<FinishedStop>();
        session.Breakpoints[0].HitCount.ShouldBe(2);
        Should.Throw<InvalidOperationException>(() => session.AddBreakpoint("count", pcs[3])).Message.ShouldContain("fixed");
    }

    [Fact]
    public void Static_sessions_with_shared_probes_share_one_build_and_stop_only_at_their_breakpoints()
    {
        var bytes = Wat.ToBinary(Counter);
        var pcs = Wat.Pcs(Wasm.Decoding.ModuleDecoder.Decode(bytes), "count");
        CodeLocation[] shared = [new(0, pcs[2]), new(0, pcs[3])];
        var builds = new List<byte[]>();
        foreach (int pc in new[] { pcs[2], pcs[3] })
        {
            using var session = DebugSession.Create(bytes, new DebugSessionOptions { Entry = "count", Arguments = [3], Mode = InstrumentationMode.Static, SharedProbes = shared });
            var breakpoint = session.AddBreakpoint("count", pc);
            var stops = new List<int>();
            session.Run(stop =>
            {
                stops.Add(stop.Location!.Value.Pc);
                return ResumeAction.Continue;
            }).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(3);
            stops.ShouldBe([pc, pc, pc]);
            breakpoint.HitCount.ShouldBe(3);
            builds.Add(session.Instrumentation.Bytes);
        }
        builds[1].ShouldBe(builds[0]);
    }

    [Fact]
    public void Malformed_and_unsupported_modules_are_rejected_before_reaching_wasmtime()
    {
        Should.Throw<WasmFormatException>(() => DebugSession.Create([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])).Offset.ShouldBe(4);
        var anyref = Wat.ToBinary("""(module (func (export "f") (param anyref)))""");
        Should.Throw<NotSupportedException>(() => DebugSession.Create(anyref)).Message.ShouldContain("export \"f\" uses anyref");
        var exnref = Wat.ToBinary("""(module (global (export "g") exnref (ref.null exn)))""");
        Should.Throw<NotSupportedException>(() => DebugSession.Create(exnref)).Message.ShouldContain("exnref");
    }

    [Fact]
    public void Entry_and_arguments_are_checked_against_the_exports()
    {
        var bytes = Wat.ToBinary(Counter);
        Should.Throw<ArgumentException>(() => DebugSession.Create(bytes, new DebugSessionOptions { Entry = "nope" })).Message.ShouldContain("exported functions: count");
        Should.Throw<ArgumentException>(() => DebugSession.Create(bytes, new DebugSessionOptions { Entry = "count" })).Message.ShouldContain("takes 1 arguments");
        Should.Throw<ArgumentException>(() => DebugSession.Create(bytes, new DebugSessionOptions { Entry = "count", Arguments = ["x"] })).Message.ShouldContain("cannot be passed as i32");
    }
}
