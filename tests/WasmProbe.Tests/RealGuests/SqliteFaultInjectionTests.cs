using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;

namespace WasmProbe.Tests.RealGuests;

/// <summary>Fault injection on SQLite (guests/sqlite, -O2): a session stops at every call of wasi-libc's
/// <c>malloc</c> and makes a chosen one return 0 without running it, in a static build and in a debug build (whose
/// stop returns by throwing out of malloc's body).</summary>
public class SqliteFaultInjectionTests
{
    private const int SqliteOk = 0, SqliteNoMem = 7;

    private static readonly byte[] SqliteO2 = File.ReadAllBytes(Repository.PathOf("guests", "sqlite", "sqlite-O2.wasm"));

    /// <summary>Runs sqlite_open_close (the result of sqlite3_open), failing the <paramref name="failing"/>-th malloc
    /// (1-based; 0: none); also returns the callers of every malloc, innermost first.</summary>
    private static (int Result, List<string[]> Mallocs) OpenClose(int failing, InstrumentationMode mode)
    {
        using var session = DebugSession.Create(SqliteO2, new DebugSessionOptions
        {
            Entry = "sqlite_open_close",
            Mode = mode,
            EarlyReturns = true,
            ExceptionStops = ExceptionStops.None,
            Host = new GuestOptions { Wasi = true, Deadline = TimeSpan.FromMinutes(2) },
        });
        session.AddCallBreakpoint("malloc");
        var mallocs = new List<string[]>();
        var end = session.Run(_ =>
        {
            mallocs.Add([.. session.Frames.Skip(1).Select(f => f.FunctionName)]);
            if (mallocs.Count == failing) session.ForceReturn(0);
            return ResumeAction.Continue;
        });
        return (end.ShouldBeOfType<FinishedStop>().Results[0].AsInt32(), mallocs);
    }

    [Theory]
    [InlineData(InstrumentationMode.Static)]
    [InlineData(InstrumentationMode.Debug)]
    public void Every_failing_malloc_of_sqlite3_open_but_the_optional_lookaside_buffer_makes_it_report_SQLITE_NOMEM(InstrumentationMode mode)
    {
        var (result, mallocs) = OpenClose(failing: 0, mode);
        result.ShouldBe(SqliteOk);
        mallocs.Count.ShouldBeGreaterThan(10);
        mallocs.ShouldAllBe(callers => callers.Contains("sqlite3_open"));

        for (int k = 1; k <= mallocs.Count; k++)
        {
            // SQLite opens the connection without its lookaside allocator when that buffer cannot be had.
            bool optional = mallocs[k - 1].Contains("setupLookaside");
            var failed = OpenClose(failing: k, mode);
            failed.Result.ShouldBe(optional ? SqliteOk : SqliteNoMem, $"malloc {k} of {mallocs.Count} failing, called by {string.Join(" < ", mallocs[k - 1])}");
            failed.Mallocs.Count.ShouldBeLessThanOrEqualTo(mallocs.Count, "a failed open allocates no more than a good one");
        }
        mallocs.Count(callers => callers.Contains("setupLookaside")).ShouldBe(1);
    }
}
