namespace WasmProbe.Wasm.Dwarf;

/// <summary>Reads one entry of a pre-DWARF 5 list; the cursor is past the entry's address pair.</summary>
internal delegate void AddressPairEntry(ref DwarfCursor cursor, ulong begin, ulong end);

/// <summary>The DWARF 2-4 list shape shared by <c>.debug_ranges</c> and <c>.debug_loc</c>: (begin, end) address pairs
/// relative to a base address, a pair whose begin is the largest address selects a new base, (0, 0) ends the list.</summary>
internal static class AddressPairList
{
    public static void Read(ref DwarfCursor c, int addressSize, ulong baseAddress, AddressPairEntry entry)
    {
        ulong max = addressSize == 8 ? ulong.MaxValue : (1UL << (addressSize * 8)) - 1;
        while (true)
        {
            ulong begin = c.Unsigned(addressSize), end = c.Unsigned(addressSize);
            if (begin == 0 && end == 0) return;
            if (begin == max)
            {
                baseAddress = end;
                continue;
            }
            entry(ref c, baseAddress + begin, baseAddress + end);
        }
    }
}
