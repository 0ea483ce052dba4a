namespace WasmProbe.Wasm.Dwarf;

// A DIE's pc ranges: low/high pc, .debug_ranges (DWARF 2-4) and .debug_rnglists (DWARF 5).
internal sealed partial class DebugInfoReader
{
    /// <summary>A DIE's pc attributes as its attributes are read: DW_AT_low_pc, DW_AT_high_pc (an address, or an
    /// offset from low_pc when not of an address form) and DW_AT_ranges.</summary>
    private struct PcAttributes
    {
        private ulong _high;
        private bool _hasHigh, _highIsOffset;
        private Value? _ranges;

        public static PcAttributes None => new() { Low = -1 };

        public long Low { get; private set; }

        public readonly bool HasLowPcOrRanges => _ranges is not null || Low >= 0;

        /// <summary>Keeps <paramref name="value"/> when <paramref name="attribute"/> is one of the pc attributes.</summary>
        public void Take(DebugInfoReader reader, UnitContext ctx, int attribute, in Value value)
        {
            switch (attribute)
            {
                case DwarfAttribute.LowPc: Low = (long)Math.Min(reader.Address(ctx, value), long.MaxValue); break;
                case DwarfAttribute.HighPc:
                    _hasHigh = true;
                    _highIsOffset = !IsAddressForm(value.Form);
                    _high = _highIsOffset ? value.U : reader.Address(ctx, value);
                    break;
                case DwarfAttribute.Ranges: _ranges = value; break;
            }
        }

        /// <summary>The ranges the attributes give (DW_AT_ranges first), or null when they give none.</summary>
        public readonly List<PcRange>? Ranges(DebugInfoReader reader, UnitContext ctx)
        {
            if (_ranges is { } ranges) return reader.Ranges(ctx, ranges);
            return Low >= 0 && _hasHigh ? reader.Range(ctx, (ulong)Low, _highIsOffset ? (ulong)Low + _high : _high) : null;
        }
    }

    /// <summary>The pc ranges of a DIE with DW_AT_low_pc/high_pc or DW_AT_ranges; null when it has neither.</summary>
    internal List<PcRange>? PcRanges(Die die)
    {
        if (die.TryGet(DwarfAttribute.Ranges, out var ranges)) return Ranges(die.Unit, ranges);
        if (!die.TryGet(DwarfAttribute.LowPc, out var low)) return null;
        ulong lowPc = Address(die.Unit, low);
        if (!die.TryGet(DwarfAttribute.HighPc, out var high)) return null;
        return Range(die.Unit, lowPc, IsAddressForm(high.Form) ? Address(die.Unit, high) : lowPc + high.U);
    }

    private List<PcRange> Range(UnitContext ctx, ulong low, ulong high)
    {
        var list = new List<PcRange>(1);
        Add(list, low, high);
        return list;
    }

    private void Add(List<PcRange> list, ulong low, ulong high)
    {
        if (high <= low) return;
        int start = _code.ToPc(low);
        if (start < 0) return; // dead code (tombstone) or garbage
        int end = high > (ulong)(_code.CodeEnd - _code.CodeBase) ? _code.CodeEnd : _code.CodeBase + (int)high;
        if (end > start) list.Add(new PcRange(start, end));
    }

    private List<PcRange> Ranges(UnitContext ctx, Value v)
    {
        var list = new List<PcRange>();
        if (ctx.Unit.Version >= 5) ReadRnglist(ctx, v, list);
        else ReadDebugRanges(ctx, v.U, list);
        return list;
    }

    private void ReadDebugRanges(UnitContext ctx, ulong offset, List<PcRange> list)
    {
        var section = _s.Ranges;
        if (offset >= (ulong)section.Data.Length)
            throw new DwarfFormatException(Info, ctx.Start, $"range list offset 0x{offset:x} is past the end of .debug_ranges ({section.Data.Length} bytes)");
        var c = new DwarfCursor(section, (int)offset, section.Data.Length);
        AddressPairList.Read(ref c, ctx.AddressSize, ctx.BaseAddress, (ref DwarfCursor _, ulong begin, ulong end) => Add(list, begin, end));
    }

    private void ReadRnglist(UnitContext ctx, Value v, List<PcRange> list)
    {
        var section = _s.Rnglists;
        ulong offset = v.U;
        if (v.Form == DwarfForm.Rnglistx)
            offset = ctx.IndexedListOffset(section, "range list", v.U, ctx.HasRnglistsBase ? ctx.RnglistsBase : null);
        if (offset >= (ulong)section.Data.Length)
            throw new DwarfFormatException(Info, ctx.Start, $"range list offset 0x{offset:x} is past the end of .debug_rnglists ({section.Data.Length} bytes)");
        var c = new DwarfCursor(section, (int)offset, section.Data.Length);
        ulong baseAddress = ctx.BaseAddress;
        while (true)
        {
            int at = c.Position;
            byte kind = c.U8();
            switch (kind)
            {
                case 0: return; // DW_RLE_end_of_list
                case 1: baseAddress = IndexedAddress(ctx, c.Uleb()); break; // base_addressx
                case 2: // startx_endx
                {
                    ulong start = IndexedAddress(ctx, c.Uleb());
                    Add(list, start, IndexedAddress(ctx, c.Uleb()));
                    break;
                }
                case 3: // startx_length
                {
                    ulong start = IndexedAddress(ctx, c.Uleb());
                    Add(list, start, start + c.Uleb());
                    break;
                }
                case 4: // offset_pair
                {
                    ulong start = c.Uleb();
                    Add(list, baseAddress + start, baseAddress + c.Uleb());
                    break;
                }
                case 5: baseAddress = c.Unsigned(ctx.AddressSize); break; // base_address
                case 6: // start_end
                {
                    ulong start = c.Unsigned(ctx.AddressSize);
                    Add(list, start, c.Unsigned(ctx.AddressSize));
                    break;
                }
                case 7: // start_length
                {
                    ulong start = c.Unsigned(ctx.AddressSize);
                    Add(list, start, start + c.Uleb());
                    break;
                }
                default: throw c.Error(at, $"unknown range list entry kind {kind}");
            }
        }
    }
}
