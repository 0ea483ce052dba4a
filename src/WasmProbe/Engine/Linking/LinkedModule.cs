namespace WasmProbe.Engine.Linking;

/// <summary>A wasm module instantiated into the guest's store before the guest, whose exports the guest imports under
/// <see cref="Name"/> (the import module name in its binary, e.g. C's <c>import_module("lib")</c>). Linked modules are
/// instantiated in the order given; each may import from the ones before it, from WASI and from host imports.</summary>
public sealed class LinkedModule
{
    public LinkedModule(string name, byte[] bytes, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (LinkSpecs.NameProblem(name) is { } problem) throw new ArgumentException(problem, nameof(name));
        (Name, Bytes, FileName) = (name, bytes, fileName ?? name + ".wasm");
    }

    /// <summary>A linked module read from a file; its file name names it in reports.</summary>
    public static LinkedModule FromFile(string name, string path) => new(name, File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>The import module name the guest uses for this module's exports.</summary>
    public string Name { get; }

    public byte[] Bytes { get; }

    /// <summary>How messages and coverage reports name the module (its file name; default <c>Name.wasm</c>).</summary>
    public string FileName { get; }

    public override string ToString() => $"{Name} ({FileName})";
}
