using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;

namespace WasmProbe.Tests.RealGuests;

/// <summary>Write watchpoints on SQLite (guests/sqlite, -O2 with DWARF), named by source variable.</summary>
public class SqliteWatchpointTests
{
    private static readonly byte[] SqliteO2 = File.ReadAllBytes(Repository.PathOf("guests", "sqlite", "sqlite-O2.wasm"));

    private static DebugSession OpenClose() => Session("sqlite_open_close");

    private static DebugSession Session(string entry) => DebugSession.Create(SqliteO2, new DebugSessionOptions
    {
        Entry = entry,
        Mode = InstrumentationMode.Static,
        WatchWrites = true,
        ExceptionStops = ExceptionStops.None,
        Host = new GuestOptions { Wasi = true, Deadline = TimeSpan.FromMinutes(2) },
    });

    [Fact]
    public void A_watch_on_a_global_struct_member_stops_where_sqlite3_initialize_sets_it()
    {
        using var session = OpenClose();
        var watchpoint = session.AddWatchpoint("sqlite3Config.isInit");

        var writes = new List<(string Function, byte[] Old, byte[] New)>();
        var end = session.Run(stop =>
        {
            var write = stop.ShouldBeOfType<WatchpointStop>().Write;
            writes.Add((session.Module.Names.FunctionOrIndex(write.Function), write.OldBytes, write.NewBytes));
            return ResumeAction.Continue;
        });

        end.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(0);
        // llvm-dwarfdump: sqlite3Config is DW_OP_addr 0xcdc0, its int member isInit at offset 0xd0.
        watchpoint.ShouldBe(new Watchpoints.WriteWatchpoint(0, 0xcdc0 + 0xd0, 4));
        var write = writes.ShouldHaveSingleItem();
        write.Function.ShouldBe("sqlite3_initialize");
        write.Old.ShouldBe(new byte[4]);
        write.New.ShouldBe(new byte[] { 1, 0, 0, 0 });
    }

    [Fact]
    public void Nothing_writes_through_a_null_pointer_while_sqlite_runs_a_query_but_its_heap_is_written()
    {
        using var session = Session("sqlite_query");
        var nullPage = session.AddWatchpoint(0, 1024);
        var config = session.AddWatchpoint("sqlite3Config");
        var writers = new HashSet<string>();
        var end = session.Run(stop =>
        {
            var write = stop.ShouldBeOfType<WatchpointStop>().Write;
            write.Watchpoint.ShouldNotBe(nullPage, $"a write below 1024 by {session.Module.Names.FunctionOrIndex(write.Function)}+0x{write.Pc:x}");
            writers.Add(session.Module.Names.FunctionOrIndex(write.Function));
            return ResumeAction.Continue;
        });

        end.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldNotBe(-1);
        config.Length.ShouldBeGreaterThan(200);
        writers.ShouldContain("sqlite3_initialize");
    }

    [Fact]
    public void A_variable_the_DWARF_does_not_have_or_that_has_no_fixed_address_is_refused_with_the_reason()
    {
        using var session = OpenClose();
        Should.Throw<ArgumentException>(() => session.AddWatchpoint("sqlite3Konfig")).Message.ShouldContain("no global variable of that name");
        Should.Throw<ArgumentException>(() => session.AddWatchpoint("sqlite3Config.isInitt")).Message.ShouldContain("isInitt");
        Should.Throw<ArgumentException>(() => session.AddWatchpoint("sqlite3Config.pHeap->x")).Message.ShouldContain("sqlite3Config.pHeap->x");
    }

    [Fact]
    public void The_stack_pointer_stays_aligned_and_comes_back_to_where_it_started()
    {
        using var session = Session("sqlite_query");
        session.AddGlobalWatchpoint("__stack_pointer");
        int writes = 0, first = 0, last = 0, lowest = int.MaxValue;
        var end = session.Run(stop =>
        {
            var write = stop.ShouldBeOfType<GlobalWatchpointStop>().Write;
            if (writes++ == 0) first = write.OldValue.AsInt32();
            last = write.NewValue.AsInt32();
            lowest = Math.Min(lowest, last);
            (last % 16).ShouldBe(0, $"write {writes} by {session.Module.Names.FunctionOrIndex(write.Function)}+0x{write.Pc:x}");
            return ResumeAction.Continue;
        });

        end.ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldNotBe(-1);
        writes.ShouldBeGreaterThan(1000);
        last.ShouldBe(first);
        lowest.ShouldBeLessThan(first);
        lowest.ShouldBeGreaterThan(0);
    }
}
