using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace WasmProbe.Engine;

/// <summary>The process-wide Wasmtime engine (epoch interruption on, every default feature) and a cache of compiled
/// modules keyed by their bytes, so sessions over the same instrumented module compile once.</summary>
internal static class WasmtimeRuntime
{
    public static readonly TimeSpan EpochPeriod = TimeSpan.FromMilliseconds(5);

    private static readonly ConcurrentDictionary<string, Lazy<Wasmtime.Module>> Modules = new();
    private static readonly Lazy<Wasmtime.Engine> SharedEngine = new(CreateEngine);

    public static Wasmtime.Engine Engine => SharedEngine.Value;

    private static Wasmtime.Engine CreateEngine()
    {
        var engine = new Wasmtime.Engine(new Wasmtime.Config().WithEpochInterruption(true));
        var ticker = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(EpochPeriod);
                engine.IncrementEpoch();
            }
        })
        {
            IsBackground = true,
            Name = "WasmProbe epoch ticker",
        };
        ticker.Start();
        return engine;
    }

    /// <summary>Epoch ticks for a deadline (at least one).</summary>
    public static ulong Ticks(TimeSpan deadline) => (ulong)Math.Max(1, Math.Ceiling(deadline.TotalMilliseconds / EpochPeriod.TotalMilliseconds));

    public static Wasmtime.Module Compile(byte[] bytes, string name)
    {
        string key = Convert.ToHexString(SHA256.HashData(bytes));
        var lazy = Modules.GetOrAdd(key, _ => new Lazy<Wasmtime.Module>(() => Wasmtime.Module.FromBytes(Engine, name, bytes)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Modules.TryRemove(key, out _);
            throw;
        }
    }
}
