using WasmProbe.Debugging;
using WasmProbe.Inspection;

namespace WasmProbe.Tests.Debugging;

public class InspectionTests
{
    // Nothing but "run" is exported: globals, memory, table and functions are reached through the debugger.
    private const string Guest = """
        (module
          (global $counter (mut i32) (i32.const 41))
          (global $scale f64 (f64.const 2.5))
          (global $nan (mut f32) (f32.const nan:0x123))
          (memory 1)
          (table 3 funcref)
          (elem (i32.const 1) $helper)
          (data (i32.const 16) "\2a\00\00\00")
          (func $helper (result i32) i32.const 7)
          (func $run (export "run") (result i32)
            global.get $counter
            i32.const 1
            i32.add
            global.set $counter
            global.get $counter
            i32.const 16
            i32.load
            i32.add))
        """;

    private static async Task<DebugSession> PausedAtStart()
    {
        var session = Wat.Session(Guest, new DebugSessionOptions { Entry = "run" });
        (await session.StepIntoAsync()).ShouldBeOfType<StepStop>();
        return session;
    }

    [Fact]
    public async Task Non_exported_globals_memory_and_tables_are_readable_while_paused()
    {
        await using var session = await PausedAtStart();

        session.Globals.Select(g => g.Name).ShouldBe(["counter", "scale", "nan"]);
        session.Global("counter").Value.AsInt32().ShouldBe(41);
        session.Global(1).Value.AsDouble().ShouldBe(2.5);
        session.Global("nan").Value.Bits.ShouldBe(0x7F800123UL);
        session.Global("nan").Value.FormatValue().ShouldBe("nan:0x123");
        session.Memory().ReadInt32(16).ShouldBe(42);
        session.Memory().Size.ShouldBe(65536);
        session.Table(0).Length.ShouldBe(3);
        session.Table(0).Get(0).IsNull.ShouldBeTrue();
        session.Table(0).Get(1).IsNull.ShouldBeFalse();
        session.FunctionType(0).ToString().ShouldBe("[] -> [i32]");
    }

    [Fact]
    public async Task Writes_to_globals_and_memory_while_paused_are_seen_by_the_guest()
    {
        await using var session = await PausedAtStart();
        session.Global("counter").Value = WasmValue.I32(1000);
        session.Memory().WriteInt32(16, 5);

        var stop = (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>();

        stop.Results[0].AsInt32().ShouldBe(1006);
        session.Global("counter").Value.AsInt32().ShouldBe(1001);
    }

    [Fact]
    public async Task A_replayed_stop_refuses_writes_to_what_its_run_already_read_and_takes_the_others()
    {
        await using var session = await PausedAtStart();
        (await session.StepIntoAsync()).ShouldBeOfType<StepStop>();
        (await session.StepIntoAsync()).ShouldBeOfType<StepStop>();    // at the first i32.add, inside the run that read $counter

        Should.Throw<InvalidOperationException>(() => session.Global("counter").Value = WasmValue.I32(1000))
            .Message.ShouldContain("is what the guest already read or stored between pc");
        session.Memory().WriteInt32(16, 5);                           // not read yet: the guest sees it

        var stop = (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>();
        stop.Results[0].AsInt32().ShouldBe(42 + 5);
    }

    [Fact]
    public async Task A_replayed_stop_shows_the_runs_stores_before_the_guest_makes_them_and_refuses_writes_over_them()
    {
        await using var session = Wat.Session("""
            (module
              (memory 1)
              (func (export "run") (result i32)
                i32.const 32  i32.const 7  i32.store
                i32.const 32  i32.load
                i32.const 40  i32.const 1  i32.store8
                nop
                i32.const 40  i32.load8_u
                i32.add))
            """, new DebugSessionOptions { Entry = "run" });
        for (int i = 0; i < 9; i++) (await session.StepIntoAsync()).ShouldBeOfType<StepStop>();    // at the nop

        session.Instrumentation.SiteAt(session.Frames[0].Location)!.Value.IsReplayed.ShouldBeTrue();
        session.Frames[0].Stack.ShouldBe([WasmValue.I32(7)]);
        session.Memory().ReadInt32(32).ShouldBe(7);
        session.Memory().ReadByte(40).ShouldBe((byte)1);
        Should.Throw<InvalidOperationException>(() => session.Memory().WriteByte(40, 5))
            .Message.ShouldContain("is what the guest already read or stored between pc");
        session.Memory().WriteInt32(44, 5);                           // neither read nor stored by the run

        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(8);
        session.Memory().ReadInt32(44).ShouldBe(5);
    }

    [Fact]
    public async Task Immutable_globals_refuse_writes_and_bad_indices_name_the_range()
    {
        await using var session = await PausedAtStart();
        Should.Throw<InvalidOperationException>(() => session.Global("scale").Value = WasmValue.F64(1)).Message.ShouldContain("immutable");
        Should.Throw<ArgumentOutOfRangeException>(() => session.Global(3)).Message.ShouldContain("global 3 does not exist (the module has 3)");
        Should.Throw<ArgumentOutOfRangeException>(() => session.Memory(1)).Message.ShouldContain("memory 1 does not exist (the module has 1)");
        Should.Throw<ArgumentOutOfRangeException>(() => session.Table(2)).Message.ShouldContain("table 2 does not exist (the module has 1)");
        Should.Throw<ArgumentOutOfRangeException>(() => session.Memory().ReadInt32(65534)).Message.ShouldContain("outside the memory");
        Should.Throw<ArgumentOutOfRangeException>(() => session.Local(5)).Message.ShouldContain("local 5 does not exist");
        Should.Throw<ArgumentException>(() => session.Global("missing")).Message.ShouldContain("no global named 'missing'");
    }

    [Fact]
    public async Task Memory_grows_while_paused()
    {
        await using var session = await PausedAtStart();
        session.Memory().Grow(2).ShouldBe(1);
        session.Memory().Pages.ShouldBe(3);
    }

    [Fact]
    public void Inspection_before_the_guest_starts_explains_what_to_do()
    {
        using var session = Wat.Session(Guest, new DebugSessionOptions { Entry = "run" });
        Should.Throw<InvalidOperationException>(() => session.Memory()).Message.ShouldContain("after the first resume");
    }
}
