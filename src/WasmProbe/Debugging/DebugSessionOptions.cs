using WasmProbe.Caching;
using WasmProbe.Coverage;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;

namespace WasmProbe.Debugging;

public sealed class DebugSessionOptions
{
    /// <summary>The exported function to run; null only instantiates the module (running its start function).</summary>
    public string? Entry { get; init; }

    /// <summary>Arguments for <see cref="Entry"/>, converted by its parameter types (int, long, float, double,
    /// Vector128&lt;byte&gt; or <see cref="Inspection.WasmValue"/>).</summary>
    public IReadOnlyList<object?> Arguments { get; init; } = [];

    /// <summary>Debug (default): breakpoints may change at any stop and stepping works. Static: breakpoints are fixed
    /// when the run starts, for near-native speed.</summary>
    public InstrumentationMode Mode { get; init; } = InstrumentationMode.Debug;

    public ExceptionStops ExceptionStops { get; init; } = ExceptionStops.All;

    /// <summary>Build the guest with a range check before every write to its memories (and after every
    /// <c>memory.grow</c>), so that
    /// <see cref="DebugSession.AddWatchpoint"/> can watch them (see <see cref="Instrumentation.WriteWatch"/>).</summary>
    public bool WatchWrites { get; init; }

    /// <summary>Debug sessions: build the guest so that <see cref="DebugSession.ForceReturn"/> works at its stops (static
    /// sessions always can). It costs run time while no stop returns: calls inside a function that can return early
    /// are compiled as calls that catch exceptions (the debugger benchmark's idle debug build runs 1.5-1.8x slower).</summary>
    public bool EarlyReturns { get; init; }

    /// <summary>Static sessions: further locations compiled into the build although no breakpoint is set there, so
    /// that sessions over one module with different breakpoints among them share one instrumented, compiled module
    /// (as the probe tests of a class do). The guest passes through them without stopping.</summary>
    public IReadOnlyCollection<CodeLocation> SharedProbes { get; init; } = [];

    /// <summary>The module's name in coverage reports (default: the file name for <see cref="DebugSession.Open"/>, else
    /// the name section's module name, else module_&lt;hash&gt;.wasm).</summary>
    public string? ModuleName { get; init; }

    /// <summary>WASI, extra host imports and the deadline.</summary>
    public GuestOptions Host { get; init; } = new();

    /// <summary>Collect guest coverage (block and branch counters kept inside the guest, read when the run ends, traps or
    /// the session is disposed; see <see cref="DebugSession.Coverage"/>). Null (default): as the process says
    /// (<see cref="CoverageSettings.Enabled"/>: the test project's <c>WasmProbeCoverage</c> property or
    /// <c>WASMPROBE_COVERAGE=1</c>); true or false: on or off for this session.</summary>
    public bool? Coverage { get; init; }

    /// <summary>Where the session's coverage is merged when its run ends; null: <see cref="CoverageCollector.Default"/>,
    /// which writes the process's reports at exit when coverage is on for the process.</summary>
    public CoverageCollector? CoverageCollector { get; init; }

    /// <summary>Where the decoded, instrumented and compiled module come from; null: <see cref="ModuleCache.Shared"/>.</summary>
    internal ModuleCache? Cache { get; init; }
}
