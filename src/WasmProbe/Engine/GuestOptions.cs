using WasmProbe.Engine.Linking;
using WasmProbe.Engine.Wasi;

namespace WasmProbe.Engine;

/// <summary>How a guest is hosted: WASI, extra host imports, and the run deadline.</summary>
public sealed class GuestOptions
{
    /// <summary>Provide WASI preview 1 imports; the guest's stdout and stderr are captured.</summary>
    public bool Wasi { get; init; }

    /// <summary>The first import of <paramref name="module"/> from a WASI module (<c>wasi_snapshot_preview1</c>,
    /// <c>wasi_unstable</c>), or null: such a module needs <see cref="Wasi"/>.</summary>
    public static Wasm.Model.Import? WasiImportOf(Wasm.Model.Module module) =>
        module.Imports.FirstOrDefault(i => i.ModuleName.StartsWith("wasi_", StringComparison.Ordinal));

    /// <summary>Command-line arguments the guest sees through WASI (the program name first).</summary>
    public IReadOnlyList<string> WasiArguments { get; init; } = [];

    /// <summary>Environment variables the guest sees through WASI (none of the host's).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>What the guest reads from stdin (null: nothing, it reads end of file at once). Text is its UTF-8
    /// bytes: <c>Encoding.UTF8.GetBytes(text)</c> or <c>"..."u8.ToArray()</c>.</summary>
    public byte[]? Stdin { get; init; }

    /// <summary>Host directories the guest can open through WASI (relative host paths: to the current directory).</summary>
    public IReadOnlyList<PreopenedDirectory> Directories { get; init; } = [];

    /// <summary>Modules instantiated into the guest's store before it, in order, whose exports the guest imports by
    /// their <see cref="LinkedModule.Name"/>. A mismatch (an export missing or of another type) or a linked module that
    /// fails to instantiate is a <see cref="ModuleLinkException"/>. Breakpoints in a linked module are set on the session
    /// (<see cref="Debugging.DebugSession.AddBreakpoint(string, string, int)"/>); with coverage on,
    /// each linked module is counted and reported as a module of its own.</summary>
    public IReadOnlyList<LinkedModule> Links { get; init; } = [];

    /// <summary>Defines further host imports on the linker (module imports WasmProbe does not provide).</summary>
    public Action<Wasmtime.Linker, Wasmtime.Store>? ConfigureLinker { get; init; }

    /// <summary>How long the guest may run between two stops before it is interrupted.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether anything WASI-only is set while <see cref="Wasi"/> is off (a mistake: it would be ignored).</summary>
    internal string? WasiOnlySetting =>
        Wasi ? null
        : WasiArguments.Count > 0 ? nameof(WasiArguments)
        : Environment.Count > 0 ? nameof(Environment)
        : Stdin is not null ? nameof(Stdin)
        : Directories.Count > 0 ? nameof(Directories)
        : null;
}
