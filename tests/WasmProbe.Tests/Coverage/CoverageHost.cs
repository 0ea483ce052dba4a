using WasmProbe.Coverage;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Coverage;

/// <summary>Runs coverage-instrumented modules directly on Wasmtime (no debug session) and reads their counters.</summary>
internal sealed class CoverageHost : IDisposable
{
    private static readonly Wasmtime.Engine Engine = new();

    private readonly Wasmtime.Store _store;
    private readonly Wasmtime.Instance _instance;

    public CoverageHost(byte[] wasm, Action<Wasmtime.Linker, Wasmtime.Store>? imports = null)
    {
        Original = wasm;
        Instrumentation = CoverageInstrumenter.Instrument(wasm);
        _store = new Wasmtime.Store(Engine);
        using var linker = new Wasmtime.Linker(Engine);
        imports?.Invoke(linker, _store);
        using var module = Wasmtime.Module.FromBytes(Engine, "covered", Instrumentation.Bytes);
        _instance = linker.Instantiate(_store, module);
    }

    public static CoverageHost FromText(string wat, Action<Wasmtime.Linker, Wasmtime.Store>? imports = null) =>
        new(Wasmtime.Module.ConvertText(wat).ToArray(), imports);

    public byte[] Original { get; }
    public CoverageInstrumentation Instrumentation { get; }
    public Module Module => Instrumentation.Original;

    public object? Invoke(string export, params object[] args)
    {
        var function = _instance.GetFunction(export) ?? throw new ArgumentException($"no export {export}");
        return function.Invoke([.. args.Select(a => a switch
        {
            int i => (Wasmtime.ValueBox)i,
            long l => (Wasmtime.ValueBox)l,
            float f => (Wasmtime.ValueBox)f,
            double d => (Wasmtime.ValueBox)d,
            _ => throw new ArgumentException($"unsupported argument {a}"),
        })]);
    }

    public long[] Counters()
    {
        var memory = _instance.GetMemory(Instrumentation.CounterExport)!;
        return Instrumentation.ReadCounters(memory.GetSpan(0, checked((int)memory.GetLength())));
    }

    public ModuleCoverage Coverage(IReadOnlyDictionary<int, long>? abnormalExits = null) =>
        ModuleCoverage.FromCounters(Instrumentation, "test.wasm", Counters(), abnormalExits);

    /// <summary>The pcs of a function's instructions, in order.</summary>
    public int[] Pcs(string function) => PcsOf(Module, function);

    public static int[] PcsOf(Module module, string function)
    {
        int index = module.Names.ResolveFunction(function);
        return [.. module.Bodies[index - module.IndexSpaces.ImportedFunctionCount].Code.Instructions.Select(i => i.Offset)];
    }

    public static Module Decode(string wat) => ModuleDecoder.Decode(Wasmtime.Module.ConvertText(wat).ToArray());

    public void Dispose() => _store.Dispose();
}
