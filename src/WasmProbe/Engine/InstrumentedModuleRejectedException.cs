namespace WasmProbe.Engine;

/// <summary>Wasmtime refused the module WasmProbe instrumented although the original is valid: a WasmProbe bug, most
/// likely instrumentation growing a function past one of Wasmtime's limits. Names the function (of the original
/// module) and the limit when they are known.</summary>
public sealed class InstrumentedModuleRejectedException : Exception
{
    internal InstrumentedModuleRejectedException(string message, int? function, string? functionName, string? limit, long? limitValue, long? actual, Exception? inner)
        : base(message, inner)
    {
        Function = function;
        FunctionName = functionName;
        Limit = limit;
        LimitValue = limitValue;
        Actual = actual;
    }

    /// <summary>The function's index in the original module; null when unknown or a function WasmProbe added.</summary>
    public int? Function { get; }

    /// <summary>The function as reports name it (its name, or func[index]); null when unknown.</summary>
    public string? FunctionName { get; }

    /// <summary>What the limit bounds, e.g. "function body size" or "function locals"; null when unknown.</summary>
    public string? Limit { get; }

    public long? LimitValue { get; }

    /// <summary>The instrumented function's value for the limit, when WasmProbe measured it.</summary>
    public long? Actual { get; }
}
