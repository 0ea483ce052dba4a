using WasmProbe.Caching;
using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Debugging;

namespace WasmProbe.Tests.Caching;

/// <summary>A temporary cache directory per test, and small distinct guests to fill caches with.</summary>
internal sealed class CacheFixture : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("wasmprobe-cache-test-").FullName;

    /// <summary>A module of its own (the nonce is in its code), exporting <c>run</c>.</summary>
    public static byte[] Guest(int nonce, int functions = 1) => Wat.ToBinary($"""
        (module
          (memory 1)
          {string.Concat(Enumerable.Range(0, functions).Select(f => $"(func $f{f} (param i32) (result i32) local.get 0 i32.const {nonce} i32.add i32.const {f} i32.mul)"))}
          (func (export "run") (result i32) i32.const 1 call $f0))
        """);

    public CompiledModuleCache Compiled(long diskBytes = 1L << 30, long memoryBytes = 1L << 30) =>
        new(Engine.WasmtimeRuntime.Engine, Engine.WasmtimeRuntime.EngineIdentity, memoryBytes, new DiskStore(Directory, diskBytes));

    public string[] Entries() => System.IO.Directory.GetFiles(Directory, "*" + StoredKind.CompiledCode.Extension);

    public string OnlyEntry() => Entries().ShouldHaveSingleItem();

    public static CompiledOrigin Load(CompiledModuleCache cache, byte[] wasm)
    {
        using var lease = cache.Rent(wasm);
        return lease.Value.Origin;
    }

    public static DebugSessionOptions RunOptions(ModuleCache cache, InstrumentationMode mode) =>
        new() { Entry = "run", Mode = mode, Cache = cache, Coverage = false };

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
