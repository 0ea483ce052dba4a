using WasmProbe.Engine;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Caching;

/// <summary>What sessions build from a module, built once per process and shared: the decoded module (per module
/// bytes), the instrumented module (per bytes, coverage and <see cref="InstrumentationOptions"/>) and the compiled
/// code (per instrumented bytes, also on disk). Every part is bounded by bytes and evicts the least recently used.
/// <see cref="Shared"/> is configured by the environment (<see cref="CacheSettings.FromEnvironment"/>).</summary>
internal sealed class ModuleCache
{
    private static readonly Lazy<ModuleCache> LazyShared = new(() => new ModuleCache(CacheSettings.FromEnvironment()));

    private readonly LruCache<string, (Module Module, long Size)> _decoded;
    private readonly LruCache<InstrumentationKey, InstrumentedModule> _instrumented;

    public ModuleCache(CacheSettings settings)
    {
        _decoded = new(settings.ModuleBytes, d => d.Size);
        _instrumented = new(settings.ModuleBytes, m => m.Bytes.Length);
        var disk = settings.Directory is { } directory ? new CompiledCodeStore(directory, settings.DiskBytes) : null;
        Compiled = new CompiledModuleCache(WasmtimeRuntime.Engine, WasmtimeRuntime.EngineIdentity, settings.CompiledBytes, disk);
    }

    public static ModuleCache Shared => LazyShared.Value;

    public CompiledModuleCache Compiled { get; }

    /// <summary>The summed binary size of the instrumented modules held.</summary>
    public long InstrumentedBytes => _instrumented.AccountedBytes;

    /// <exception cref="Wasm.Binary.WasmFormatException">The module is malformed.</exception>
    public Module Decode(byte[] wasm) => _decoded.GetOrAdd(ContentHash.Of(wasm), () => (ModuleDecoder.Decode(wasm), wasm.Length)).Module;

    /// <param name="coverage">Whether <paramref name="build"/> instruments the coverage pass's output.</param>
    public InstrumentedModule Instrument(byte[] wasm, bool coverage, InstrumentationOptions options, Func<InstrumentedModule> build) =>
        _instrumented.GetOrAdd(new InstrumentationKey(ContentHash.Of(wasm), coverage, options), build);

    private sealed record InstrumentationKey(string ModuleHash, bool Coverage, InstrumentationOptions Options);
}
