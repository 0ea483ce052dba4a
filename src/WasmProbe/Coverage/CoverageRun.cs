using WasmProbe.Debugging;
using WasmProbe.Engine;

namespace WasmProbe.Coverage;

/// <summary>Coverage of one guest instance's run: of a debug session's run, or of every call into an instance of a
/// probe class (<c>Instantiate()</c>). Created when the instance starts; the calls that ended other than by returning
/// (trapped, were interrupted, exited, or were aborted because the session was disposed while paused) are recorded as
/// they end; the counters are read once, when the instance is done, and merged into a collector.</summary>
internal sealed class CoverageRun(CoverageInstrumentation instrumentation, string name, CoverageCollector? collector)
{
    private readonly Dictionary<int, long> _exits = [];

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
        try
        {
            if (counters is not null) AddEnding(framePcs, EndOf(final));
        }
        catch (Exception e)
        {
            Error = e;
            return;
        }
        Collect(counters);
    }

    /// <summary>Records a call into the guest that ended in <paramref name="fault"/>; <paramref name="framePcs"/> are
    /// the original pcs of this module's frames, innermost first. <paramref name="module"/> names the module among the
    /// guest's (null: the guest, else a linked module): only the module whose frame trapped ended at an <c>unreachable</c>;
    /// the others' innermost frames are calls that did not return.</summary>
    public void AddEnding(GuestFaultException fault, IReadOnlyList<int> framePcs, string? module) => AddEnding(framePcs, fault.Kind switch
    {
        GuestFaultKind.Trap when fault.TrapCode == "unreachable" && fault.Frames.FirstOrDefault()?.LinkedModule == module => RunEnd.UnreachableTrap,
        GuestFaultKind.Trap when fault.TrapCode == "uncaught_exception" => RunEnd.UncaughtException,
        GuestFaultKind.Trap => RunEnd.Trap,
        _ => RunEnd.Stopped,
    });

    /// <summary>Reads the counters (null: the guest never got instantiated, nothing ran) and merges the result.</summary>
    public void Collect(IGuestMemory? counters)
    {
        if (Result is not null) return;
        try
        {
            var values = counters is null
                ? new long[Instrumentation.CounterCount]
                : Instrumentation.ReadCounters(counters.Read(0, checked(8 * Instrumentation.CounterCount)));
            Result = ModuleCoverage.FromCounters(Instrumentation, name, values, new Dictionary<int, long>(_exits));
            collector?.Add(Result);
        }
        catch (Exception e)
        {
            Error = e;
        }
    }

    private void AddEnding(IReadOnlyList<int> framePcs, RunEnd end)
    {
        foreach (var (pc, count) in Instrumentation.AbnormalExits(framePcs, end)) _exits[pc] = _exits.GetValueOrDefault(pc) + count;
    }

    private static RunEnd EndOf(StopEvent final) => final switch
    {
        // proc_exit unwinds every frame from the call that made it, as a host error does.
        FinishedStop { ExitCode: not null } => RunEnd.Stopped,
        FinishedStop => RunEnd.Finished,
        TrapStop { Code: "unreachable" } trap when trap.Frames.FirstOrDefault()?.Module is null => RunEnd.UnreachableTrap,
        TrapStop { Code: "uncaught_exception" } => RunEnd.UncaughtException,
        TrapStop => RunEnd.Trap,
        _ => RunEnd.Stopped,
    };
}
