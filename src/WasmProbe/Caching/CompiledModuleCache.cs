using System.Security.Cryptography;
using System.Text;

namespace WasmProbe.Caching;

/// <summary>Compiled Wasmtime modules for one engine, keyed by the SHA-256 of the module bytes: kept in the process
/// (bounded by their serialized size, disposed on eviction once no instance uses them) and, with a
/// <see cref="DiskStore"/>, on disk across processes. A disk entry is keyed by the module hash, the Wasmtime
/// version and the engine's configuration (<c>engineIdentity</c>), since code compiled for another engine is unsafe to
/// load; an entry Wasmtime refuses to deserialize is deleted and the module compiled again.</summary>
internal sealed class CompiledModuleCache
{
    private const string ModuleName = "guest";

    private readonly Wasmtime.Engine _engine;
    private readonly string _engineIdentity;
    private readonly LruCache<string, CompiledModule> _modules;

    public CompiledModuleCache(Wasmtime.Engine engine, string engineIdentity, long capacityBytes, DiskStore? disk)
    {
        _engine = engine;
        _engineIdentity = engineIdentity;
        Disk = disk;
        _modules = new LruCache<string, CompiledModule>(capacityBytes, m => m.Size, m => m.Module.Dispose());
    }

    public DiskStore? Disk { get; }

    /// <summary>The serialized size of the compiled modules held in the process.</summary>
    public long AccountedBytes => _modules.AccountedBytes;

    public long CapacityBytes => _modules.CapacityBytes;

    public int Count => _modules.Count;

    /// <summary>The compiled module for <paramref name="wasm"/>, held until the lease is disposed.</summary>
    /// <param name="beforeCompile">Runs before the module is compiled (not when it is found compiled), to reject it early.</param>
    /// <exception cref="Wasmtime.WasmtimeException">Wasmtime rejects the module.</exception>
    public CacheLease<CompiledModule> Rent(byte[] wasm, Action? beforeCompile = null) => Rent(ContentHash.Of(wasm), () => wasm, beforeCompile);

    /// <summary>The compiled module for the bytes whose <see cref="ContentHash"/> is <paramref name="hash"/>; the bytes are
    /// asked for only when the module is compiled.</summary>
    public CacheLease<CompiledModule> Rent(string hash, Func<byte[]> wasm, Action? beforeCompile = null) =>
        _modules.Rent(hash, () => Load(wasm, hash, beforeCompile));

    private CompiledModule Load(Func<byte[]> wasm, string hash, Action? beforeCompile)
    {
        byte[]? key = Disk is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes($"{hash}\n{_engineIdentity}"));
        if (key is not null && Disk!.TryLocate(key, StoredKind.CompiledCode) is { } path)
        {
            try
            {
                // Mapped from the file, not read into the process and copied (50 ms for SQLite's 2.7 MB, 1 ms mapped).
                var mapped = Wasmtime.Module.DeserializeFile(_engine, ModuleName, path);
                return new CompiledModule(mapped, new FileInfo(path).Length - DiskStore.TrailerLength, CompiledOrigin.Disk);
            }
            catch (Exception)
            {
                // Whatever Wasmtime objects to (another build, configuration or CPU; damage), the entry is useless.
                Disk.Remove(key, StoredKind.CompiledCode);
            }
        }
        beforeCompile?.Invoke();
        var module = Wasmtime.Module.FromBytes(_engine, ModuleName, wasm());
        try
        {
            byte[] serialized = module.Serialize();
            if (key is not null) Disk!.Write(key, StoredKind.CompiledCode, serialized);
            return new CompiledModule(module, serialized.Length, CompiledOrigin.Compiled);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }
}

internal enum CompiledOrigin
{
    Compiled,
    Disk,
}

/// <summary>A compiled module, its serialized size (what the in-process cache accounts) and where it came from.</summary>
internal sealed record CompiledModule(Wasmtime.Module Module, long Size, CompiledOrigin Origin);
