namespace WasmProbe.Instrumentation;

public enum InstrumentationMode
{
    /// <summary>A guarded probe before every reachable instruction: breakpoints can be added and removed and the guest
    /// single-stepped at run time.</summary>
    Debug,

    /// <summary>Unguarded probes only at <see cref="InstrumentationOptions.Probes"/>; shadow frames only in functions
    /// that can be on the stack there. Fastest; breakpoints are fixed and stepping is not possible.</summary>
    Static,
}

/// <summary>A location in the original module: function index (imports first) and pc (module offset).</summary>
public readonly record struct CodeLocation(int Function, int Pc)
{
    public override string ToString() => $"func {Function} pc 0x{Pc:x}";
}

public sealed class InstrumentationOptions
{
    public InstrumentationMode Mode { get; init; } = InstrumentationMode.Debug;

    /// <summary>Static mode: where probes go.</summary>
    public IReadOnlyCollection<CodeLocation> Probes { get; init; } = [];

    /// <summary>Debug mode: probes whose breakpoint flag is set from the start (so even a start function stops).</summary>
    public IReadOnlyCollection<CodeLocation> InitialBreakpoints { get; init; } = [];

    /// <summary>Probe throw and throw_ref so the host sees exceptions before they unwind.</summary>
    public bool ReportThrows { get; init; } = true;
}
