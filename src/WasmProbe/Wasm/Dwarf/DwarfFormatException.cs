using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Dwarf;

/// <summary>The module's DWARF debug information is malformed (or uses an encoding this reader does not support).
/// Unlike its base class, <see cref="WasmFormatException.Offset"/> is relative to the start of the payload of the custom
/// section named <see cref="Section"/> (e.g. <c>.debug_line</c>), which is where DWARF tools such as
/// <c>llvm-dwarfdump</c> count from.</summary>
public sealed class DwarfFormatException : WasmFormatException
{
    public DwarfFormatException(string section, long sectionOffset, string reason)
        : base(sectionOffset, reason)
    {
        Section = section;
    }

    /// <summary>The DWARF section the problem was found in, e.g. <c>.debug_line</c>.</summary>
    public string Section { get; }

    public override string Message => $"malformed DWARF in {Section}: {Reason} (at {Section}+0x{Offset:x})";
}
