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

/// <summary>Equal options (the same mode, probe set in any order, and throw reporting) instrument a module the same way,
/// so an instrumented module can be reused by every session asking for equal options.</summary>
public sealed class InstrumentationOptions : IEquatable<InstrumentationOptions>
{
    public InstrumentationMode Mode { get; init; } = InstrumentationMode.Debug;

    /// <summary>Static mode: where probes go.</summary>
    public IReadOnlyCollection<CodeLocation> Probes { get; init; } = [];

    /// <summary>Probe throw and throw_ref so the host sees exceptions before they unwind.</summary>
    public bool ReportThrows { get; init; } = true;

    /// <summary>Check every store, memory.fill and memory.copy against the memory's armed watch window (see
    /// <see cref="WriteWatch"/>); the host arms windows at run time.</summary>
    public bool WatchWrites { get; init; }

    /// <summary>A module linked into a guest's session (<see cref="Engine.GuestOptions.Links"/>): each exported function
    /// is entered through an added wrapper that restores the module's stack pointer and frame top when it returns (and
    /// when an exception unwinds out of it, in a module one can unwind through), so
    /// the frames of separate calls from the guest start at the same place and a frame top of 0 says no frame of the
    /// module is on the stack (what a step that leaves another module compares with); debug builds get the backtrace
    /// function too (the frames below a stop there come from the engine's backtrace).</summary>
    public bool Linked { get; init; }

    /// <summary>Debug builds: wrap every function that stops so that a stop can make it return at once (see
    /// <see cref="EarlyReturn"/>). Off by default: inside the wrapper every call is one that catches exceptions, which
    /// Wasmtime compiles with every register saved around it.</summary>
    public bool EarlyReturns { get; init; }

    public bool Equals(InstrumentationOptions? other) =>
        other is not null && Mode == other.Mode && ReportThrows == other.ReportThrows && WatchWrites == other.WatchWrites && Linked == other.Linked
        && EarlyReturns == other.EarlyReturns
        && (ReferenceEquals(Probes, other.Probes) || Probes.ToHashSet().SetEquals(other.Probes));

    public override bool Equals(object? obj) => Equals(obj as InstrumentationOptions);

    /// <summary>Text that is the same exactly for equal options (the probes as a sorted set): what a key that outlives the
    /// process (the disk cache's) is made of, beside the equality the process uses.</summary>
    internal string CanonicalText()
    {
        var probes = Probes.Distinct().OrderBy(p => p.Function).ThenBy(p => p.Pc).Select(p => $"{p.Function}@{p.Pc}");
        return $"{Mode}\n{ReportThrows}\n{WatchWrites}\n{string.Join(",", probes)}" + (Linked ? "\nlinked" : "") + (EarlyReturns ? "\nearly-returns" : "");
    }

    public override int GetHashCode()
    {
        int probes = 0;
        foreach (var probe in Probes.Distinct()) probes ^= probe.GetHashCode();
        return HashCode.Combine(Mode, ReportThrows, WatchWrites, Linked, EarlyReturns, probes);
    }
}
