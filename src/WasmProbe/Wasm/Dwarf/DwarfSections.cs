namespace WasmProbe.Wasm.Dwarf;

/// <summary>The DWARF sections of a module (custom sections named <c>.debug_*</c>); missing ones are empty.</summary>
internal sealed class DwarfSections
{
    public DwarfSections(Module module)
    {
        Line = Find(module, ".debug_line");
        Info = Find(module, ".debug_info");
        Abbrev = Find(module, ".debug_abbrev");
        Str = Find(module, ".debug_str");
        LineStr = Find(module, ".debug_line_str");
        Ranges = Find(module, ".debug_ranges");
        Rnglists = Find(module, ".debug_rnglists");
        Addr = Find(module, ".debug_addr");
        StrOffsets = Find(module, ".debug_str_offsets");
        Loc = Find(module, ".debug_loc");
        Loclists = Find(module, ".debug_loclists");
    }

    public DwarfSection Line { get; }
    public DwarfSection Info { get; }
    public DwarfSection Abbrev { get; }
    public DwarfSection Str { get; }
    public DwarfSection LineStr { get; }
    public DwarfSection Ranges { get; }
    public DwarfSection Rnglists { get; }
    public DwarfSection Addr { get; }
    public DwarfSection StrOffsets { get; }
    public DwarfSection Loc { get; }
    public DwarfSection Loclists { get; }

    private static DwarfSection Find(Module module, string name)
    {
        foreach (var section in module.CustomSections)
        {
            if (section.Name == name) return new DwarfSection(name, section.Payload);
        }
        return new DwarfSection(name, null);
    }
}
