using WasmProbe.Engine;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Cli.Commands;

/// <summary>The options every command that runs a guest shares: WASI and its program arguments.</summary>
public static class HostOptions
{
    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("wasi", null, null, "provide WASI imports (the guest's output goes to stderr); on by default when the module imports WASI"),
        new("arg", null, "VALUE", "a WASI program argument, after the program name (the module's file name); repeatable", Repeatable: true),
    ];

    public static bool WasiRequested(ParsedArguments arguments, Module module) =>
        arguments.Flag("wasi") || module.Imports.Any(i => i.ModuleName.StartsWith("wasi_", StringComparison.Ordinal));

    /// <summary>The guest's host: with WASI, argv is the module's file name followed by every <c>--arg</c>.</summary>
    public static GuestOptions From(ParsedArguments arguments, Module module, string path, TimeSpan deadline)
    {
        bool wasi = WasiRequested(arguments, module);
        if (!wasi && arguments.Values("arg").Count > 0) throw new UsageException("--arg needs a WASI guest (--wasi)");
        return new GuestOptions
        {
            Wasi = wasi,
            WasiArguments = wasi ? [Path.GetFileName(path), .. arguments.Values("arg")] : [],
            Deadline = deadline,
        };
    }
}
