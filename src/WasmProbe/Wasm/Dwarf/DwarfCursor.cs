namespace WasmProbe.Wasm.Dwarf;

/// <summary>A bounds-checked little-endian reader over one DWARF section (or a window of it). Every read past
/// <see cref="End"/> or any malformed value throws <see cref="DwarfFormatException"/> naming the section and offset,
/// so malformed input can never crash, hang or allocate in proportion to a declared (rather than actual) size.</summary>
internal struct DwarfCursor
{
    public readonly DwarfSection Section;
    public int Position;
    public int End;

    public DwarfCursor(DwarfSection section, int start, int end)
    {
        Section = section;
        Position = start;
        End = end;
    }

    public DwarfCursor(DwarfSection section) : this(section, 0, section.Data.Length) { }

    public readonly byte[] Data => Section.Data;
    public readonly bool AtEnd => Position >= End;
    public readonly int Remaining => End - Position;

    public readonly DwarfFormatException Error(string reason) => new(Section.Name, Position, reason);
    public readonly DwarfFormatException Error(long offset, string reason) => new(Section.Name, offset, reason);

    private readonly DwarfFormatException Truncated(int needed) =>
        new(Section.Name, Position, $"unexpected end of data: {needed} bytes needed, {Math.Max(0, End - Position)} left");

    public byte U8()
    {
        if (Position >= End) throw Truncated(1);
        return Section.Data[Position++];
    }

    public sbyte S8() => unchecked((sbyte)U8());

    public ushort U16()
    {
        if (End - Position < 2) throw Truncated(2);
        var d = Section.Data;
        int p = Position;
        Position = p + 2;
        return (ushort)(d[p] | d[p + 1] << 8);
    }

    public uint U24()
    {
        if (End - Position < 3) throw Truncated(3);
        var d = Section.Data;
        int p = Position;
        Position = p + 3;
        return (uint)(d[p] | d[p + 1] << 8 | d[p + 2] << 16);
    }

    public uint U32()
    {
        if (End - Position < 4) throw Truncated(4);
        var d = Section.Data;
        int p = Position;
        Position = p + 4;
        return (uint)(d[p] | d[p + 1] << 8 | d[p + 2] << 16 | d[p + 3] << 24);
    }

    public ulong U64()
    {
        ulong low = U32();
        ulong high = U32();
        return low | high << 32;
    }

    /// <summary>An unsigned little-endian integer of <paramref name="size"/> bytes (1 to 8).</summary>
    public ulong Unsigned(int size)
    {
        if (size < 1 || size > 8) throw Error($"unsupported integer size {size}");
        if (End - Position < size) throw Truncated(size);
        var d = Section.Data;
        ulong value = 0;
        for (int i = size - 1; i >= 0; i--) value = value << 8 | d[Position + i];
        Position += size;
        return value;
    }

    public ulong Uleb()
    {
        var d = Section.Data;
        int p = Position;
        if (p < End && d[p] < 0x80)
        {
            Position = p + 1;
            return d[p];
        }
        return UlebSlow();
    }

    private ulong UlebSlow()
    {
        int start = Position;
        var d = Section.Data;
        ulong result = 0;
        int shift = 0;
        while (true)
        {
            if (Position >= End) throw Error(start, "unexpected end of data inside a LEB128 number");
            byte b = d[Position++];
            if (shift < 64)
            {
                ulong slice = (ulong)(b & 0x7F);
                if (shift > 57 && (slice >> (64 - shift)) != 0) throw Error(start, "LEB128 number does not fit 64 bits");
                result |= slice << shift;
            }
            else if ((b & 0x7F) != 0)
            {
                throw Error(start, "LEB128 number does not fit 64 bits");
            }
            if ((b & 0x80) == 0) return result;
            shift += 7;
        }
    }

    public long Sleb()
    {
        int start = Position;
        var d = Section.Data;
        long result = 0;
        int shift = 0;
        byte b;
        do
        {
            if (Position >= End) throw Error(start, "unexpected end of data inside a LEB128 number");
            b = d[Position++];
            if (shift < 64) result |= (long)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
        return result;
    }

    /// <summary>A ULEB128 that must fit a non-negative int (a count, index or length).</summary>
    public int UlebInt(string what)
    {
        int start = Position;
        ulong value = Uleb();
        if (value > int.MaxValue) throw Error(start, $"{what} {value} is too large");
        return (int)value;
    }

    /// <summary>A section offset of the unit's offset size (4 bytes in 32-bit DWARF, 8 in 64-bit DWARF).</summary>
    public ulong Offset(bool is64) => is64 ? U64() : U32();

    /// <summary>A NUL-terminated UTF-8 string.</summary>
    public string CString()
    {
        var d = Section.Data;
        int start = Position;
        int nul = Array.IndexOf(d, (byte)0, start, Math.Max(0, End - start));
        if (nul < 0) throw Error(start, "string is not NUL-terminated before the end of its data");
        Position = nul + 1;
        return DwarfSection.Decode(d, start, nul - start);
    }

    public void Skip(ulong count)
    {
        if (count > (ulong)Math.Max(0, End - Position)) throw Error($"length {count} runs past the end of the data ({Math.Max(0, End - Position)} bytes left)");
        Position += (int)count;
    }

    /// <summary>Reads a unit length field: returns the unit's end and whether it is 64-bit DWARF.</summary>
    public int UnitLength(out bool is64)
    {
        int start = Position;
        uint length32 = U32();
        ulong length;
        if (length32 == 0xFFFF_FFFF)
        {
            is64 = true;
            length = U64();
        }
        else if (length32 >= 0xFFFF_FFF0)
        {
            throw Error(start, $"reserved unit length value 0x{length32:x}");
        }
        else
        {
            is64 = false;
            length = length32;
        }
        if (length > (ulong)(End - Position))
            throw Error(start, $"unit length 0x{length:x} runs past the end of the section ({End - Position} bytes left)");
        return Position + (int)length;
    }
}

/// <summary>One DWARF section (a custom section's payload), or an empty stand-in when the module lacks it.</summary>
internal sealed class DwarfSection(string name, byte[]? data)
{
    private static readonly System.Text.UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public string Name { get; } = name;
    public byte[] Data { get; } = data ?? [];
    public bool Exists { get; } = data is not null;

    public static string Decode(byte[] bytes, int start, int length)
    {
        if (length == 0) return "";
        // ASCII fast path: most paths and identifiers are ASCII.
        bool ascii = true;
        for (int i = start; i < start + length; i++)
        {
            if (bytes[i] >= 0x80)
            {
                ascii = false;
                break;
            }
        }
        return ascii ? System.Text.Encoding.ASCII.GetString(bytes, start, length) : Utf8.GetString(bytes, start, length);
    }

    /// <summary>The NUL-terminated string at <paramref name="offset"/> (for DW_FORM_strp and friends).</summary>
    public string StringAt(ulong offset, string referencedFrom)
    {
        if (!Exists) throw new DwarfFormatException(referencedFrom, 0, $"a string refers to {Name}, which the module lacks");
        if (offset >= (ulong)Data.Length) throw new DwarfFormatException(Name, (long)Math.Min(offset, long.MaxValue), $"string offset 0x{offset:x} is past the end of {Name} ({Data.Length} bytes)");
        var cursor = new DwarfCursor(this, (int)offset, Data.Length);
        return cursor.CString();
    }
}
