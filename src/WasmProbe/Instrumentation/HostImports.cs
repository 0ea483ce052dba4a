namespace WasmProbe.Instrumentation;

/// <summary>A function that an instrumented module imports from the host.</summary>
public sealed record HostImport(string Name, FunctionType Type);

/// <summary>What an instrumented module imports from the host, all from the module <see cref="ModuleName"/>: the one
/// contract between the instrumenter, which adds the imports, and the engine, which provides them. The generator
/// compiles this file in to keep linked modules off the name.</summary>
public static class HostImports
{
    public const string ModuleName = "wasmprobe";

    /// <summary><c>(site, frame)</c>: at a probe site whose stop is armed.</summary>
    public static readonly HostImport Stop = new("stop", new FunctionType([ValType.I32, ValType.I32], []));

    /// <summary>Builds that watch writes: <c>(memory, function, pc, address: i64, length: i64, kind, low: i64,
    /// high: i64)</c>, before a write that meets a window.</summary>
    public static readonly HostImport Write = new("write",
        new FunctionType([ValType.I32, ValType.I32, ValType.I32, ValType.I64, ValType.I64, ValType.I32, ValType.I64, ValType.I64], []));

    /// <summary>Builds that watch globals: <c>(global, function, pc, bits: i64)</c>, before a watched <c>global.set</c>.</summary>
    public static readonly HostImport GlobalWrite = new("global_write", new FunctionType([ValType.I32, ValType.I32, ValType.I32, ValType.I64], []));
}
