using System.Security.Cryptography;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Caching;

/// <summary>What sessions build from a module, built once per process and shared: the decoded module (per module
/// bytes), the instrumented module (per bytes, coverage and <see cref="InstrumentationOptions"/>, also on disk) and the compiled
/// code (per instrumented bytes, also on disk). Every part is bounded by bytes and evicts the least recently used.
/// <see cref="Shared"/> is configured by the environment (<see cref="CacheSettings.FromEnvironment"/>).</summary>
internal sealed class ModuleCache
{
    private static readonly Lazy<ModuleCache> LazyShared = new(() => new ModuleCache(CacheSettings.FromEnvironment()));

    private readonly LruCache<string, (Module Module, long Size)> _decoded;
    private readonly LruCache<InstrumentationKey, InstrumentedModule> _instrumented;
    private readonly DiskStore? _disk;

    public ModuleCache(CacheSettings settings)
    {
        _decoded = new(settings.ModuleBytes, d => d.Size);
        _instrumented = new(settings.ModuleBytes, m => m.Size);
        _disk = settings.Directory is { } directory ? new DiskStore(directory, settings.DiskBytes) : null;
        Compiled = new CompiledModuleCache(WasmtimeRuntime.Engine, WasmtimeRuntime.EngineIdentity, settings.CompiledBytes, _disk);
    }

    public static ModuleCache Shared => LazyShared.Value;

    public CompiledModuleCache Compiled { get; }

    /// <summary>The summed binary size of the instrumented modules held.</summary>
    public long InstrumentedBytes => _instrumented.AccountedBytes;

    /// <exception cref="Wasm.Binary.WasmFormatException">The module is malformed.</exception>
    public Module Decode(byte[] wasm) => _decoded.GetOrAdd(ContentHash.Of(wasm), () => (ModuleDecoder.Decode(wasm), wasm.Length)).Module;

    /// <summary>The instrumentation of <paramref name="source"/> (the module decoded from <paramref name="wasm"/>, or
    /// the coverage pass's output of it), from this process, else from disk, else built and stored.</summary>
    /// <param name="coverage">Whether <paramref name="source"/> is the coverage pass's output.</param>
    public InstrumentedModule Instrument(byte[] wasm, bool coverage, InstrumentationOptions options, Func<Module> source)
    {
        var key = new InstrumentationKey(ContentHash.Of(wasm), coverage, options);
        return _instrumented.GetOrAdd(key, () => Load(key, source()));
    }

    private InstrumentedModule Load(InstrumentationKey key, Module source)
    {
        if (_disk is null) return Instrumenter.Instrument(source, key.Options);
        byte[] diskKey = key.DiskKey();
        if (_disk.TryRead(diskKey, StoredKind.InstrumentedModule) is { } stored)
        {
            try
            {
                return InstrumentedModuleFormat.Read(stored, source, hash => StoredBinary(diskKey, hash, key, source));
            }
            catch (InvalidDataException)
            {
                _disk.Remove(diskKey, StoredKind.InstrumentedModule);
            }
        }
        var built = Instrumenter.Instrument(source, key.Options);
        _disk.Write(diskKey, StoredKind.InstrumentedBinary, built.Bytes);
        _disk.Write(diskKey, StoredKind.InstrumentedModule, InstrumentedModuleFormat.Write(built));
        return built;
    }

    /// <summary>The stored binary of an instrumented module read from disk; built again (the instrumenter is
    /// deterministic) when it is missing or does not match its hash.</summary>
    private byte[] StoredBinary(byte[] diskKey, string hash, InstrumentationKey key, Module source)
    {
        if (_disk!.TryRead(diskKey, StoredKind.InstrumentedBinary) is { } stored)
        {
            byte[] bytes = stored.ToArray();
            if (ContentHash.Of(bytes) == hash) return bytes;
        }
        byte[] rebuilt = Instrumenter.Instrument(source, key.Options).Bytes;
        if (ContentHash.Of(rebuilt) != hash)
        {
            _disk.Remove(diskKey, StoredKind.InstrumentedModule);
            throw new InvalidOperationException($"instrumenting the module again gave another binary than the cached metadata describes (entry {Convert.ToHexStringLower(diskKey)} removed): please report this as a WasmProbe bug");
        }
        _disk.Write(diskKey, StoredKind.InstrumentedBinary, rebuilt);
        return rebuilt;
    }

    private sealed record InstrumentationKey(string ModuleHash, bool Coverage, InstrumentationOptions Options)
    {
        /// <summary>The instrumenter's build is part of the key: a changed instrumenter must not reuse what an older one built.</summary>
        private static readonly Guid InstrumenterBuild = typeof(Instrumenter).Assembly.ManifestModule.ModuleVersionId;

        public byte[] DiskKey() =>
            SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"instrumented\n{InstrumenterBuild}\n{ModuleHash}\n{Coverage}\n{Options.CanonicalText()}"));
    }
}
