namespace WasmProbe.Wasm.Dwarf;

// Attribute values: forms read into Value, and the strings, addresses, references and constants they hold.
internal sealed partial class DebugInfoReader
{
    private static void ReadValue(ref DwarfCursor c, UnitContext ctx, int form, long implicitValue, ref Value value, int version)
    {
        // DW_FORM_indirect names the form in the data; each level consumes a byte, so the loop ends.
        while (form == DwarfForm.Indirect)
        {
            int at = c.Position;
            form = c.UlebInt("form");
            if (!IsKnownForm(form) || form == DwarfForm.ImplicitConst) throw c.Error(at, $"unknown or invalid indirect form 0x{form:x}");
        }
        value.Form = form;
        value.Position = 0;
        switch (form)
        {
            case DwarfForm.Addr: value.U = c.Unsigned(ctx.AddressSize); break;
            case DwarfForm.Block2: Block(ref c, ref value, c.U16()); break;
            case DwarfForm.Block4: Block(ref c, ref value, c.U32()); break;
            case DwarfForm.Data2: case DwarfForm.Ref2: case DwarfForm.Strx2: case DwarfForm.Addrx2: value.U = c.U16(); break;
            case DwarfForm.Data4: case DwarfForm.Ref4: case DwarfForm.RefSup4: case DwarfForm.Strx4: case DwarfForm.Addrx4: value.U = c.U32(); break;
            case DwarfForm.Data8: case DwarfForm.Ref8: case DwarfForm.RefSig8: case DwarfForm.RefSup8: value.U = c.U64(); break;
            case DwarfForm.String:
                value.Position = c.Position;
                int nul = Array.IndexOf(c.Data, (byte)0, c.Position, c.Remaining);
                if (nul < 0) throw c.Error("string is not NUL-terminated before the end of the unit");
                c.Position = nul + 1;
                value.U = 0;
                break;
            case DwarfForm.Block: case DwarfForm.Exprloc: Block(ref c, ref value, c.Uleb()); break;
            case DwarfForm.Block1: Block(ref c, ref value, c.U8()); break;
            case DwarfForm.Data1: case DwarfForm.Ref1: case DwarfForm.Flag: case DwarfForm.Strx1: case DwarfForm.Addrx1: value.U = c.U8(); break;
            case DwarfForm.Sdata: value.U = unchecked((ulong)c.Sleb()); break;
            case DwarfForm.Strp: case DwarfForm.SecOffset: case DwarfForm.LineStrp: case DwarfForm.StrpSup:
            case DwarfForm.GnuRefAlt: case DwarfForm.GnuStrpAlt:
                value.U = c.Offset(ctx.Is64); break;
            case DwarfForm.Udata: case DwarfForm.RefUdata: case DwarfForm.Strx: case DwarfForm.Addrx: case DwarfForm.Loclistx:
            case DwarfForm.Rnglistx: case DwarfForm.GnuAddrIndex: case DwarfForm.GnuStrIndex:
                value.U = c.Uleb(); break;
            case DwarfForm.RefAddr: value.U = version <= 2 ? c.Unsigned(ctx.AddressSize) : c.Offset(ctx.Is64); break;
            case DwarfForm.FlagPresent: value.U = 1; break;
            case DwarfForm.Data16: value.U = 0; c.Skip(16); break;
            case DwarfForm.ImplicitConst: value.U = unchecked((ulong)implicitValue); break;
            case DwarfForm.Strx3: case DwarfForm.Addrx3: value.U = c.U24(); break;
            default: throw c.Error($"unknown form 0x{form:x}");
        }
    }

    private static void Block(ref DwarfCursor c, ref Value value, ulong length)
    {
        value.Position = c.Position;
        c.Skip(length);
        value.U = length;
    }

    internal static bool IsBlockForm(int form) => form is DwarfForm.Block1 or DwarfForm.Block2 or DwarfForm.Block4
        or DwarfForm.Block or DwarfForm.Exprloc;

    private static bool IsAddressForm(int form) => form is DwarfForm.Addr or DwarfForm.Addrx or DwarfForm.Addrx1
        or DwarfForm.Addrx2 or DwarfForm.Addrx3 or DwarfForm.Addrx4 or DwarfForm.GnuAddrIndex;

    internal string? String(UnitContext ctx, Value v)
    {
        switch (v.Form)
        {
            case DwarfForm.String:
                var c = new DwarfCursor(_s.Info, v.Position, _s.Info.Data.Length);
                return c.CString();
            case DwarfForm.Strp: return _s.Str.StringAt(v.U, Info);
            case DwarfForm.LineStrp: return _s.LineStr.StringAt(v.U, Info);
            case DwarfForm.Strx: case DwarfForm.Strx1: case DwarfForm.Strx2: case DwarfForm.Strx3: case DwarfForm.Strx4:
            case DwarfForm.GnuStrIndex:
            {
                int size = ctx.Is64 ? 8 : 4;
                ulong baseOffset = ctx.HasStrOffsetsBase ? ctx.StrOffsetsBase : (ulong)(ctx.Is64 ? 16 : 8);
                ulong at = baseOffset + v.U * (ulong)size;
                if (v.U > int.MaxValue || at + (ulong)size > (ulong)_s.StrOffsets.Data.Length)
                    throw new DwarfFormatException(Info, ctx.Start, $"string index {v.U} is outside .debug_str_offsets ({_s.StrOffsets.Data.Length} bytes)");
                var entry = new DwarfCursor(_s.StrOffsets, (int)at, _s.StrOffsets.Data.Length);
                return _s.Str.StringAt(entry.Unsigned(size), _s.StrOffsets.Name);
            }
            default:
                return null; // strings in a supplementary file (DW_FORM_strp_sup, GNU alt) are not available
        }
    }

    internal ulong Address(UnitContext ctx, Value v)
    {
        if (v.Form == DwarfForm.Addr) return v.U;
        if (!IsAddressForm(v.Form)) return v.U;
        return IndexedAddress(ctx, v.U);
    }

    internal ulong IndexedAddress(UnitContext ctx, ulong index)
    {
        ulong baseOffset = ctx.HasAddrBase ? ctx.AddrBase : 8;
        ulong at = baseOffset + index * (ulong)ctx.AddressSize;
        if (index > int.MaxValue || at + (ulong)ctx.AddressSize > (ulong)_s.Addr.Data.Length)
            throw new DwarfFormatException(Info, ctx.Start, $"address index {index} is outside .debug_addr ({_s.Addr.Data.Length} bytes)");
        var c = new DwarfCursor(_s.Addr, (int)at, _s.Addr.Data.Length);
        return c.Unsigned(ctx.AddressSize);
    }

    internal static long Reference(UnitContext ctx, Value v) => v.Form switch
    {
        DwarfForm.Ref1 or DwarfForm.Ref2 or DwarfForm.Ref4 or DwarfForm.Ref8 or DwarfForm.RefUdata =>
            v.U > int.MaxValue ? -1 : ctx.Start + (long)v.U,
        DwarfForm.RefAddr => v.U > int.MaxValue ? -1 : (long)v.U,
        _ => -1, // type signatures and supplementary files: not followed
    };
}
