namespace WasmProbe.Engine.Linking;

/// <summary>A linked module does not fit: an import of the guest (or of a later linked module) that it does not
/// export with the type asked for, the linked module itself failing to compile or instantiate, or an import from a
/// module that is not linked at all.</summary>
public sealed class ModuleLinkException : Exception
{
    internal ModuleLinkException(string linkedModule, string? import, string message, Exception? inner = null)
        : base(message, inner) => (LinkedModule, Import) = (linkedModule, import);

    /// <summary>The linked module's name (its import module name; for an import nothing provides, the module named).</summary>
    public string LinkedModule { get; }

    /// <summary>The import at fault, <c>module::name</c>; null when the linked module failed as a whole.</summary>
    public string? Import { get; }
}
