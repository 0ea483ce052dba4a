using WasmProbe.Debugging;
using WasmProbe.Engine;

namespace WasmProbe.Coverage;

/// <summary>Coverage of one debug session's run: created when the run starts, filled in when it ends (finished,
/// trapped, interrupted, or aborted because the session was disposed while paused), then merged into a collector.</summary>
internal sealed class CoverageRun(CoverageInstrumentation instrumentation, string name, CoverageCollector? collector)
{
    public CoverageInstrumentation Instrumentation { get; } = instrumentation;

    /// <summary>Index of the counter memory among the memories of the module the debugger instruments.</summary>
    public int CounterMemory => Instrumentation.CounterMemory;

    public ModuleCoverage? Result { get; private set; }

    /// <summary>Why the counters could not be read, if they could not.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Reads the counters once the run has ended. <paramref name="counters"/> is null when the guest never got
    /// instantiated (nothing ran); <paramref name="framePcs"/> are the original pcs of the frames the run ended in,
    /// innermost first (empty when it returned).</summary>
    public void Collect(IGuestMemory? counters, StopEvent final, IReadOnlyList<int> framePcs)
    {
        if (Result is not null) return;
        try
        {
            long[] values;
            IReadOnlyDictionary<int, long> exits;
            if (counters is null)
            {
                values = new long[Instrumentation.CounterCount];
                exits = new Dictionary<int, long>();
            }
            else
            {
                values = Instrumentation.ReadCounters(counters.Read(0, checked(8 * Instrumentation.CounterCount)));
                exits = Instrumentation.AbnormalExits(framePcs, EndOf(final));
            }
            Result = ModuleCoverage.FromCounters(Instrumentation, name, values, exits);
            collector?.Add(Result);
        }
        catch (Exception e)
        {
            Error = e;
        }
    }

    private static RunEnd EndOf(StopEvent final) => final switch
    {
        // proc_exit unwinds every frame from the call that made it, as a host error does.
        FinishedStop { ExitCode: not null } => RunEnd.Stopped,
        FinishedStop => RunEnd.Finished,
        TrapStop { Code: "unreachable" } => RunEnd.UnreachableTrap,
        TrapStop { Code: "uncaught_exception" } => RunEnd.UncaughtException,
        TrapStop => RunEnd.Trap,
        _ => RunEnd.Stopped,
    };
}
