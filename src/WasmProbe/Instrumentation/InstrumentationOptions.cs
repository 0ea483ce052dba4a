using WasmProbe.Wasm.Model;

namespace WasmProbe.Instrumentation;

public enum InstrumentationMode
{
    /// <summary>A guarded probe before every reachable instruction: breakpoints can be added and removed and the guest
    /// single-stepped at run time.</summary>
    Debug,

    /// <summary>Unguarded probes only at <see cref="InstrumentationOptions.Probes"/>; shadow frames only in the functions
    /// that stop, callers known from the engine's backtrace (their locations, not their values). Fastest; breakpoints
    /// are fixed and stepping is not possible.</summary>
    Static,
}

public sealed class InstrumentationOptions
{
    public InstrumentationMode Mode { get; init; } = InstrumentationMode.Debug;

    /// <summary>Static mode: where probes go.</summary>
    public IReadOnlyCollection<CodeLocation> Probes { get; init; } = [];

    /// <summary>Probe throw and throw_ref so the host sees exceptions before they unwind.</summary>
    public bool ReportThrows { get; init; } = true;
}
