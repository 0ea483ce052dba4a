using System.Reflection;
using System.Runtime.InteropServices;

namespace WasmProbe.Engine;

/// <summary>The process-wide Wasmtime engine: epoch interruption on, every other setting Wasmtime's default. Compiled
/// modules are cached by <see cref="Caching.ModuleCache"/>.</summary>
internal static class WasmtimeRuntime
{
    public static readonly TimeSpan EpochPeriod = TimeSpan.FromMilliseconds(5);

    /// <summary>Every setting the engine changes from Wasmtime's defaults, with its name in <see cref="EngineIdentity"/>:
    /// code compiled under other settings must not be loaded, so the identity is derived from this one list.</summary>
    private static readonly (string Name, Func<Wasmtime.Config, Wasmtime.Config> Apply)[] Settings =
    [
        ("epoch-interruption", config => config.WithEpochInterruption(true)),
    ];

    private static readonly Lazy<Wasmtime.Engine> SharedEngine = new(CreateEngine);

    public static Wasmtime.Engine Engine => SharedEngine.Value;

    /// <summary>What compiled code depends on besides the module: the Wasmtime build, the engine settings and the host.</summary>
    public static string EngineIdentity { get; } = string.Join(";",
        "wasmtime " + (typeof(Wasmtime.Engine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"),
        string.Join(",", Settings.Select(s => s.Name)),
        RuntimeInformation.RuntimeIdentifier);

    private static Wasmtime.Engine CreateEngine()
    {
        var engine = new Wasmtime.Engine(Settings.Aggregate(new Wasmtime.Config(), (config, setting) => setting.Apply(config)));
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
}
