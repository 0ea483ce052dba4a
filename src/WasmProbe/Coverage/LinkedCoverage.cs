using WasmProbe.Engine;
using WasmProbe.Engine.Linking;

namespace WasmProbe.Coverage;

/// <summary>Coverage of the linked modules of one guest instance's run (<see cref="GuestOptions.Links"/>, run with
/// counters when coverage is on): each is a module of its own in the reports, named by its file, merged per module
/// with every other run of it. The guest's own coverage is its <see cref="CoverageRun"/>.</summary>
internal sealed class LinkedCoverage(GuestInstance guest, CoverageCollector collector)
{
    private readonly List<(LinkedInstance Linked, CoverageRun Run)> _runs =
        [.. guest.Links.Where(l => l.Coverage is not null).Select(l => (l, new CoverageRun(l.Coverage!, l.Link.FileName, collector)))];

    /// <summary>Records a call into the guest that ended in <paramref name="fault"/>: each module's frames of its backtrace.</summary>
    public void AddEnding(GuestFaultException fault)
    {
        foreach (var (linked, run) in _runs)
            run.AddEnding(fault, [.. fault.Frames.Where(f => f.LinkedModule == linked.Name && f.Offset >= 0).Select(f => f.Offset)], linked.Name);
    }

    /// <summary>Reads every linked module's counters (once) and merges them.</summary>
    public void Collect()
    {
        foreach (var (linked, run) in _runs) run.Collect(linked.Counters);
    }
}
