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

    /// <summary>WASI, extra host imports and the deadline.</summary>
    public GuestOptions Host { get; init; } = new();
}
