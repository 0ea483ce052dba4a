using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Tests.RealGuests;

/// <summary>The debugger on a real, compiler-produced guest of several megabytes: SQLite 3.52 built by clang-14 at -O2
/// (guests/sqlite), whose debug build used to exceed Wasmtime's function size limit in sqlite3VdbeExec.</summary>
public class SqliteDebuggingTests
{
    private static readonly byte[] SqliteO2 = File.ReadAllBytes(Repository.PathOf("guests", "sqlite", "sqlite-O2.wasm"));

    /// <summary>What sqlite_query returns (guests/sqlite/README.md).</summary>
    private const int QueryChecksum = -1113631407;

    [Fact]
    public async Task A_debug_build_of_sqlite_steps_into_sqlite3VdbeExec_and_reads_its_frames()
    {
        var module = ModuleDecoder.Decode(SqliteO2);
        int vdbe = Enumerable.Range(0, module.IndexSpaces.FunctionCount).Single(f => module.Names.FunctionOrIndex(f) == "sqlite3VdbeExec");
        var body = module.Bodies[vdbe - module.IndexSpaces.ImportedFunctionCount];
        await using var session = DebugSession.Create(SqliteO2, new DebugSessionOptions
        {
            Entry = "sqlite_query",
            ExceptionStops = ExceptionStops.None,
            Host = new GuestOptions { Wasi = true, Deadline = TimeSpan.FromMinutes(2) },
        });
        session.AddBreakpoint("sqlite3VdbeExec", body.Code[0].Offset);

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        var frames = session.Frames;
        frames[0].FunctionName.ShouldBe("sqlite3VdbeExec");
        frames[0].Locals.Count.ShouldBeGreaterThan(10);
        frames[0].Locals[0].AsInt32().ShouldNotBe(0, "p, the Vdbe being run, is a pointer into linear memory");
        frames.Select(f => f.FunctionName).ShouldContain("sqlite3_step");
        foreach (var frame in frames)
            module.FunctionAt(frame.Pc).ShouldBe(frame.Function, $"{frame}: a frame's site is numbered from its function's first site");
        frames.Skip(1).ShouldAllBe(f => f.StackOrNull != null, "a breakpoint arms the build, so every call stored its caller's stack");
        frames[0].Source!.File.ShouldEndWith("sqlite3.c");

        var visited = new HashSet<string>();
        for (int step = 0; step < 2_000; step++)
        {
            var stop = (await session.StepIntoAsync()).ShouldBeOfType<StepStop>();
            var top = session.Frames[0];
            top.Pc.ShouldBe(stop.At.Pc);
            _ = top.Locals.Count + top.Stack.Count;
            visited.Add(top.FunctionName);
        }
        visited.ShouldContain("sqlite3VdbeExec");
        visited.Count.ShouldBeGreaterThan(1, "stepping went into callees");

        (await session.RunToCompletionAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(QueryChecksum);
    }
}
