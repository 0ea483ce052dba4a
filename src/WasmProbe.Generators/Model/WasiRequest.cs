namespace WasmProbe.Generators.Model;

/// <summary>The WASI arguments of a [WasmModule] attribute as written (each array element with its own location).</summary>
/// <param name="Names">Every WASI-only named argument that was given, with its location (they need Wasi = true).</param>
internal sealed record WasiRequest(
    EquatableArray<ConstantArg> Arguments,
    EquatableArray<ConstantArg> Environment,
    EquatableArray<ConstantArg> Directories,
    ConstantArg? Stdin,
    ConstantArg? StdinBytes,
    ConstantArg? ExitCode,
    EquatableArray<NamedLocation> Names)
{
    public static readonly WasiRequest None = new(EquatableArray<ConstantArg>.Empty, EquatableArray<ConstantArg>.Empty, EquatableArray<ConstantArg>.Empty, null, null, null, EquatableArray<NamedLocation>.Empty);
}

internal sealed record NamedLocation(string Name, LocationInfo? Location);

/// <summary>The checked WASI settings the generated <c>ProbeModule</c> gets (environment and directories in their text
/// forms, parsed again at run time by the same parser).</summary>
internal sealed record WasiSpec(
    EquatableArray<string> Arguments,
    EquatableArray<string> Environment,
    EquatableArray<string> Directories,
    EquatableArray<byte>? Stdin,
    int ExitCode)
{
    public static readonly WasiSpec None = new(EquatableArray<string>.Empty, EquatableArray<string>.Empty, EquatableArray<string>.Empty, null, 0);
}
