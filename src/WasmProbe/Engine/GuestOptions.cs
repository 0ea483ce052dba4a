namespace WasmProbe.Engine;

/// <summary>How a guest is hosted: WASI, extra host imports, and the run deadline.</summary>
public sealed class GuestOptions
{
    /// <summary>Provide WASI preview 1 imports; the guest's stdout and stderr are captured.</summary>
    public bool Wasi { get; init; }

    /// <summary>Command-line arguments the guest sees through WASI (the program name first).</summary>
    public IReadOnlyList<string> WasiArguments { get; init; } = [];

    /// <summary>Defines further host imports on the linker (module imports WasmProbe does not provide).</summary>
    public Action<Wasmtime.Linker, Wasmtime.Store>? ConfigureLinker { get; init; }

    /// <summary>How long the guest may run between two stops before it is interrupted.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(10);
}
