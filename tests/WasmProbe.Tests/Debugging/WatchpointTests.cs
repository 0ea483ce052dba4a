using WasmProbe.Debugging;
using WasmProbe.Instrumentation;

namespace WasmProbe.Tests.Debugging;

public class WatchpointTests
{
    /// <summary>Writes that each touch memory around [16, 24): an i32 store at 12 (bytes 12..15, misses), an i64 store
    /// at 14 + offset 4 (bytes 18..25, partly inside), a store8 at 24 (misses), memory.fill of [20, 30), memory.copy
    /// into [0, 8) (misses) and into [22, 26); then memory.init of "ello" into [100, 104) and memory.grow by a page,
    /// which makes [0x10000, 0x20000).</summary>
    private const string Writer = """
        (module
          (memory 1)
          (data $greeting "hello")
          (func $write (export "write")
            (i32.store (i32.const 12) (i32.const 0x11111111))
            (i64.store offset=4 (i32.const 14) (i64.const 0x0807060504030201))
            (i32.store8 (i32.const 24) (i32.const 0x22))
            (memory.fill (i32.const 20) (i32.const 0x33) (i32.const 10))
            (memory.copy (i32.const 0) (i32.const 16) (i32.const 8))
            (memory.copy (i32.const 22) (i32.const 0) (i32.const 4))
            (memory.init $greeting (i32.const 100) (i32.const 1) (i32.const 4))
            (drop (memory.grow (i32.const 1)))))
        """;

    private static DebugSessionOptions Options(InstrumentationMode mode) => new() { Entry = "write", Mode = mode, WatchWrites = true };

    private static async Task<List<WatchpointStop>> Stops(DebugSession session)
    {
        var stops = new List<WatchpointStop>();
        StopEvent stop;
        while ((stop = await session.ContinueAsync()) is WatchpointStop hit) stops.Add(hit);
        stop.ShouldBeOfType<FinishedStop>();
        return stops;
    }

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task Stops_before_each_store_fill_and_copy_that_touches_the_range_and_not_before_the_others(InstrumentationMode mode)
    {
        await using var session = Wat.Session(Writer, Options(mode));
        var pcs = Wat.Pcs(session, "write");
        var watchpoint = session.AddWatchpoint(16, 8);

        var stops = await Stops(session);

        var writes = stops.Select(s => (s.Write.Address, s.Write.Length)).ToArray();
        writes.ShouldBe([(18L, 8L), (20L, 10L), (22L, 4L)]);
        stops.ShouldAllBe(s => s.Write.Watchpoint == watchpoint);
        stops.Select(s => s.At.Pc).ShouldAllBe(pc => pcs.Contains(pc));
        session.Module.Bodies[0].Code.Instructions.Single(i => i.Offset == stops[0].At.Pc).Opcode.ShouldBe(Wasm.Instructions.Opcode.I64Store);
    }

    [Fact]
    public async Task The_old_bytes_are_the_ones_the_write_is_about_to_replace()
    {
        await using var session = Wat.Session(Writer, Options(InstrumentationMode.Static));
        session.AddWatchpoint(16, 8);

        var stops = await Stops(session);

        stops[0].Write.OldBytes.ShouldBe(new byte[8]);
        stops[1].Write.OldBytes.ShouldBe(new byte[] { 3, 4, 5, 6, 0x22, 8, 0, 0, 0, 0 }); // the i64 store, then store8 at 24
        stops[2].Write.OldBytes.ShouldBe(new byte[] { 0x33, 0x33, 0x33, 0x33 });
    }

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task The_new_bytes_are_the_stored_value_the_filled_byte_or_the_copied_source(InstrumentationMode mode)
    {
        await using var session = Wat.Session(Writer, Options(mode));
        session.AddWatchpoint(16, 8);

        var stops = await Stops(session);

        stops[0].Write.NewBytes.ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        stops[1].Write.NewBytes.ShouldBe(Enumerable.Repeat((byte)0x33, 10).ToArray());
        // memory.copy (22, 0, 4) copies what the earlier copy put at [0, 4): bytes 16..19 as they were then.
        stops[2].Write.NewBytes.ShouldBe(new byte[] { 0, 0, 1, 2 });
    }

    [Fact]
    public async Task Narrow_float_and_vector_stores_report_the_bytes_they_write()
    {
        const string stores = """
            (module
              (memory 1)
              (func (export "write")
                (i32.store16 (i32.const 0) (i32.const 0x12345678))
                (f32.store (i32.const 2) (f32.const 1.5))
                (f64.store (i32.const 6) (f64.const -2))
                (v128.store (i32.const 14) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))))
            """;
        await using var session = Wat.Session(stores, Options(InstrumentationMode.Static));
        session.AddWatchpoint(0, 30);

        var stops = await Stops(session);

        stops.Select(s => s.Write.NewBytes).ShouldBe(
        [
            [0x78, 0x56],
            BitConverter.GetBytes(1.5f),
            BitConverter.GetBytes(-2.0),
            Enumerable.Range(1, 16).Select(i => (byte)i).ToArray(),
        ]);
    }

    [Fact]
    public async Task A_store_is_caught_by_its_last_byte_and_one_starting_past_the_range_is_not()
    {
        await using var session = Wat.Session(Writer, Options(InstrumentationMode.Debug));
        session.AddWatchpoint(15, 3);

        var stops = await Stops(session);

        // [15, 18): the i32 store's last byte is 15, the i64 store's first is 18, nothing else comes near.
        stops.Select(s => (s.Write.Address, s.Write.Length)).ShouldBe([(12L, 4L)]);
    }

    [Fact]
    public async Task A_removed_watchpoint_no_longer_stops_and_the_others_still_do()
    {
        await using var session = Wat.Session(Writer, Options(InstrumentationMode.Debug));
        var first = session.AddWatchpoint(12, 1);
        var second = session.AddWatchpoint(28, 1);

        var stop = (await session.ContinueAsync()).ShouldBeOfType<WatchpointStop>();
        stop.Write.Watchpoint.ShouldBe(first);
        session.RemoveWatchpoint(first).ShouldBeTrue();
        session.Watchpoints.ShouldBe([second]);

        var rest = await Stops(session);
        rest.Select(s => (s.Write.Watchpoint, s.Write.Address)).ShouldBe([(second, 20L)]);
    }

    [Fact]
    public async Task Watchpoints_on_disjoint_ranges_ignore_writes_between_them()
    {
        await using var session = Wat.Session(Writer, Options(InstrumentationMode.Static));
        session.AddWatchpoint(0, 1);
        session.AddWatchpoint(40, 1);

        var stops = await Stops(session);

        // The window is [0, 41): every write falls inside it, but only memory.copy into [0, 8) touches a range.
        stops.Select(s => (s.Write.Address, s.Write.Length)).ShouldBe([(0L, 8L)]);
    }

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task A_memory_init_into_the_range_stops_with_the_segment_bytes_it_copies(InstrumentationMode mode)
    {
        await using var session = Wat.Session(Writer, Options(mode));
        session.AddWatchpoint(102, 1);

        var write = (await Stops(session)).ShouldHaveSingleItem().Write;

        (write.Address, write.Length).ShouldBe((100L, 4L));
        write.OldBytes.ShouldBe(new byte[4]);
        write.NewBytes.ShouldBe("ello"u8.ToArray());
        session.Module.Bodies[0].Code.Instructions.Single(i => i.Offset == write.Pc).Opcode.ShouldBe(Wasm.Instructions.Opcode.MemoryInit);
    }

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task A_memory_grow_that_makes_a_watched_range_stops_once_the_new_zeroed_page_exists(InstrumentationMode mode)
    {
        await using var session = Wat.Session(Writer, Options(mode));
        session.AddWatchpoint(0x10008, 4);

        var stop = (await session.ContinueAsync()).ShouldBeOfType<WatchpointStop>();

        (stop.Write.Address, stop.Write.Length).ShouldBe((0x10000L, 0x10000L));
        stop.Write.OldBytes.ShouldBeEmpty();
        stop.Write.NewBytes.ShouldBe(new byte[0x10000]);
        session.Module.Bodies[0].Code.Instructions.Single(i => i.Offset == stop.At.Pc).Opcode.ShouldBe(Wasm.Instructions.Opcode.MemoryGrow);
        session.Memory(0).Read(0x10008, 4).ShouldBe(new byte[4]);
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>();
    }

    [Fact]
    public async Task A_memory_grow_that_fails_writes_nothing()
    {
        await using var session = Wat.Session("""(module (memory 1 1) (func (export "write") (drop (memory.grow (i32.const 1)))))""", Options(InstrumentationMode.Static));
        session.AddWatchpoint(0x10000, 4);

        (await Stops(session)).ShouldBeEmpty();
    }

    /// <summary>A 64-bit memory ($wide, memory 0) and a 32-bit one: an i32 store at 12 + offset 4 ([16, 20)), an i64
    /// store at 0 (misses [16, 32)), memory.fill of [18, 22), memory.copy of [16, 18) to [20, 22) (i64 addresses and
    /// length) and of [0, 2) of $small to [30, 32) (an i64 destination, an i32 source and length).</summary>
    private const string Writer64 = """
        (module
          (memory $wide i64 1)
          (memory $small 1)
          (func (export "write")
            (i32.store offset=4 (i64.const 12) (i32.const 0x04030201))
            (i64.store (i64.const 0) (i64.const 1))
            (memory.fill (i64.const 18) (i32.const 0x55) (i64.const 4))
            (memory.copy (i64.const 20) (i64.const 16) (i64.const 2))
            (i32.store8 $small (i32.const 1) (i32.const 9))
            (memory.copy $wide $small (i64.const 30) (i32.const 0) (i32.const 2))))
        """;

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task Writes_into_a_64_bit_memory_stop_as_into_a_32_bit_one(InstrumentationMode mode)
    {
        await using var session = Wat.Session(Writer64, Options(mode));
        session.AddWatchpoint(16, 16);

        var stops = await Stops(session);

        stops.Select(s => (s.Write.Address, s.Write.Length)).ShouldBe([(16L, 4L), (18L, 4L), (20L, 2L), (30L, 2L)]);
        stops.Select(s => s.Write.NewBytes).ShouldBe([[1, 2, 3, 4], [0x55, 0x55, 0x55, 0x55], [1, 2], [0, 9]]);
        stops[2].Write.OldBytes.ShouldBe(new byte[] { 0x55, 0x55 });
    }

    /// <summary>No memory: global writes only. $g is set twice, $f once; $c cannot change.</summary>
    private const string GlobalWriter = """
        (module
          (global $g (mut i32) (i32.const 5))
          (global $c i32 (i32.const 1))
          (global $f (mut f64) (f64.const 0))
          (func $write (export "write")
            (global.set $g (i32.const 7))
            (global.set $f (f64.const 2.5))
            (global.set $g (i32.add (global.get $g) (global.get $c)))))
        """;

    [Theory]
    [InlineData(InstrumentationMode.Debug)]
    [InlineData(InstrumentationMode.Static)]
    public async Task A_global_watchpoint_stops_before_each_global_set_with_the_old_and_new_value(InstrumentationMode mode)
    {
        await using var session = Wat.Session(GlobalWriter, Options(mode));
        var watchpoint = session.AddGlobalWatchpoint("g");
        session.AddGlobalWatchpoint(2);

        var stops = new List<GlobalWatchpointStop>();
        StopEvent stop;
        while ((stop = await session.ContinueAsync()) is GlobalWatchpointStop hit) stops.Add(hit);

        stop.ShouldBeOfType<FinishedStop>();
        stops.Select(s => (s.Write.Watchpoint.Global, s.Write.OldValue.FormatValue(), s.Write.NewValue.FormatValue()))
            .ShouldBe([(0, "5", "7"), (2, "0", "2.5"), (0, "7", "8")]);
        stops.ShouldAllBe(s => session.Module.Bodies[0].Code.Instructions.Single(i => i.Offset == s.At.Pc).Opcode == Wasm.Instructions.Opcode.GlobalSet);
        session.RemoveGlobalWatchpoint(watchpoint).ShouldBeTrue();
        session.GlobalWatchpoints.Select(w => w.Global).ShouldBe([2]);
    }

    [Fact]
    public async Task A_global_that_is_never_written_cannot_be_watched()
    {
        await using var session = Wat.Session(GlobalWriter, Options(InstrumentationMode.Static));
        Should.Throw<ArgumentException>(() => session.AddGlobalWatchpoint("c")).Message.ShouldBe("c is immutable: nothing ever writes it (Parameter 'global')");
        Should.Throw<ArgumentException>(() => session.AddGlobalWatchpoint("h")).Message.ShouldContain("'h'");
    }

    [Fact]
    public async Task Misuse_is_refused_with_the_reason()
    {
        await using var unwatched = Wat.Session(Writer, new DebugSessionOptions { Entry = "write" });
        Should.Throw<InvalidOperationException>(() => unwatched.AddWatchpoint(0, 4)).Message.ShouldContain("WatchWrites");
        await using var session = Wat.Session(Writer, Options(InstrumentationMode.Debug));
        Should.Throw<ArgumentOutOfRangeException>(() => session.AddWatchpoint(0, 4, memory: 1)).Message.ShouldContain("the module has 1");
        Should.Throw<ArgumentOutOfRangeException>(() => session.AddWatchpoint(0, 0)).Message.ShouldContain("at least one byte");
        Should.Throw<ArgumentOutOfRangeException>(() => session.AddWatchpoint(uint.MaxValue, 2)).Message.ShouldContain("outside");
    }
}
