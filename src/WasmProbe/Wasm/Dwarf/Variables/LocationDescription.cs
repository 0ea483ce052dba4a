using Die = WasmProbe.Wasm.Dwarf.DebugInfoReader.Die;
using UnitContext = WasmProbe.Wasm.Dwarf.DebugInfoReader.UnitContext;
using Value = WasmProbe.Wasm.Dwarf.DebugInfoReader.Value;

namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>A DWARF expression: a window of the section that holds it.</summary>
internal readonly struct Expression(DwarfSection section, int start, int length)
{
    public DwarfSection Section { get; } = section;
    public int Start { get; } = start;
    public int Length { get; } = length;
}

/// <summary>A DW_AT_location or DW_AT_frame_base: one expression valid at every pc, or a location list (from
/// <c>.debug_loc</c> in DWARF 4, <c>.debug_loclists</c> in DWARF 5) whose entries hold for ranges of code addresses.</summary>
internal sealed class LocationDescription
{
    private readonly Expression? _single;
    private readonly List<(ulong Begin, ulong End, Expression Expression)>? _entries;
    private readonly Expression? _default;

    private LocationDescription(Expression? single, List<(ulong, ulong, Expression)>? entries, Expression? fallback)
    {
        _single = single;
        _entries = entries;
        _default = fallback;
    }

    public bool IsList => _entries is not null;

    /// <summary>The expression that holds at the code address <paramref name="address"/>; false where the list has
    /// no entry for it (the variable is not available there).</summary>
    public bool TryFind(ulong address, out Expression expression)
    {
        if (_single is { } single)
        {
            expression = single;
            return true;
        }
        foreach (var (begin, end, e) in _entries!)
        {
            if (address >= begin && address < end)
            {
                expression = e;
                return true;
            }
        }
        expression = _default ?? default;
        return _default is not null;
    }

    /// <summary>The description an attribute value gives (an exprloc or block, or a location list reference).</summary>
    /// <exception cref="DwarfFormatException">The list is out of bounds or malformed.</exception>
    public static LocationDescription Read(DebugInfoReader info, Die die, Value value)
    {
        var unit = die.Unit;
        if (DebugInfoReader.IsBlockForm(value.Form)) return new LocationDescription(new Expression(info.Sections.Info, value.Position, (int)value.U), null, null);
        bool isListForm = value.Form is DwarfForm.SecOffset or DwarfForm.Loclistx || (unit.Version < 4 && value.Form is DwarfForm.Data4 or DwarfForm.Data8);
        if (!isListForm) throw new DwarfFormatException(".debug_info", die.Offset, $"location attribute of form 0x{value.Form:x} is neither an expression nor a location list");
        return unit.Version >= 5 ? ReadLoclists(info, unit, value) : ReadDebugLoc(info, unit, value.U);
    }

    private static LocationDescription ReadDebugLoc(DebugInfoReader info, UnitContext unit, ulong offset)
    {
        var section = info.Sections.Loc;
        if (offset >= (ulong)section.Data.Length)
            throw new DwarfFormatException(".debug_info", unit.Start, $"location list offset 0x{offset:x} is past the end of .debug_loc ({section.Data.Length} bytes)");
        var c = new DwarfCursor(section, (int)offset, section.Data.Length);
        var entries = new List<(ulong, ulong, Expression)>();
        AddressPairList.Read(ref c, unit.AddressSize, unit.BaseAddress, (ref DwarfCursor cursor, ulong begin, ulong end) =>
        {
            int length = cursor.U16();
            entries.Add((begin, end, Take(ref cursor, (ulong)length)));
        });
        return new LocationDescription(null, entries, null);
    }

    private static LocationDescription ReadLoclists(DebugInfoReader info, UnitContext unit, Value value)
    {
        var section = info.Sections.Loclists;
        ulong offset = value.U;
        if (value.Form == DwarfForm.Loclistx)
            offset = unit.IndexedListOffset(section, "location list", value.U, unit.HasLoclistsBase ? unit.LoclistsBase : null);
        if (offset >= (ulong)section.Data.Length)
            throw new DwarfFormatException(".debug_info", unit.Start, $"location list offset 0x{offset:x} is past the end of .debug_loclists ({section.Data.Length} bytes)");
        var c = new DwarfCursor(section, (int)offset, section.Data.Length);
        ulong baseAddress = unit.BaseAddress;
        var entries = new List<(ulong, ulong, Expression)>();
        Expression? fallback = null;
        while (true)
        {
            int at = c.Position;
            byte kind = c.U8();
            switch (kind)
            {
                case 0: return new LocationDescription(null, entries, fallback); // DW_LLE_end_of_list
                case 1: baseAddress = info.IndexedAddress(unit, c.Uleb()); break; // base_addressx
                case 2: // startx_endx
                {
                    ulong start = info.IndexedAddress(unit, c.Uleb());
                    ulong end = info.IndexedAddress(unit, c.Uleb());
                    entries.Add((start, end, Counted(ref c)));
                    break;
                }
                case 3: // startx_length
                {
                    ulong start = info.IndexedAddress(unit, c.Uleb());
                    ulong length = c.Uleb();
                    entries.Add((start, start + length, Counted(ref c)));
                    break;
                }
                case 4: // offset_pair
                {
                    ulong start = c.Uleb(), end = c.Uleb();
                    entries.Add((baseAddress + start, baseAddress + end, Counted(ref c)));
                    break;
                }
                case 5: fallback = Counted(ref c); break; // default_location
                case 6: baseAddress = c.Unsigned(unit.AddressSize); break; // base_address
                case 7: // start_end
                {
                    ulong start = c.Unsigned(unit.AddressSize), end = c.Unsigned(unit.AddressSize);
                    entries.Add((start, end, Counted(ref c)));
                    break;
                }
                case 8: // start_length
                {
                    ulong start = c.Unsigned(unit.AddressSize), length = c.Uleb();
                    entries.Add((start, start + length, Counted(ref c)));
                    break;
                }
                default: throw c.Error(at, $"unknown location list entry kind {kind}");
            }
        }
    }

    private static Expression Counted(ref DwarfCursor c) => Take(ref c, c.Uleb());

    private static Expression Take(ref DwarfCursor c, ulong length)
    {
        int start = c.Position;
        c.Skip(length);
        return new Expression(c.Section, start, (int)length);
    }
}
