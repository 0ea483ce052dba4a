using System.Text;

namespace WasmProbe.Wasm.Binary;

/// <summary>A bounds-checked cursor over module bytes. Every read past <see cref="End"/> or any malformed LEB128
/// throws <see cref="WasmFormatException"/> with the offset. It also notices encodings that a canonical encoder
/// would not reproduce (over-long LEB128s), so that the decoder can keep such parts verbatim.</summary>
public sealed class WasmReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public WasmReader(byte[] bytes) : this(bytes, 0, bytes.Length) { }

    public WasmReader(byte[] bytes, int start, int end)
    {
        Bytes = bytes;
        Position = start;
        End = end;
    }

    public byte[] Bytes { get; }
    public int Position { get; set; }
    public int End { get; set; }
    public bool AtEnd => Position >= End;
    public int Remaining => End - Position;

    /// <summary>Set when a read saw a non-minimal encoding; callers reset it per unit they may keep verbatim.</summary>
    public bool NonCanonical { get; set; }

    public WasmFormatException Error(string reason) => new(Position, reason);
    public WasmFormatException Error(long offset, string reason) => new(offset, reason);

    public byte ReadByte()
    {
        if (Position >= End) throw UnexpectedEnd();
        return Bytes[Position++];
    }

    public byte PeekByte()
    {
        if (Position >= End) throw UnexpectedEnd();
        return Bytes[Position];
    }

    public int ReadBytesStart(int count)
    {
        if (count < 0 || count > End - Position) throw Error($"length {count} out of bounds ({End - Position} bytes left)");
        int start = Position;
        Position += count;
        return start;
    }

    public byte[] ReadBytes(int count)
    {
        int start = ReadBytesStart(count);
        var result = new byte[count];
        Buffer.BlockCopy(Bytes, start, result, 0, count);
        return result;
    }

    public uint ReadU32()
    {
        int p = Position;
        if (p < End)
        {
            byte b = Bytes[p];
            if (b < 0x80)
            {
                Position = p + 1;
                return b;
            }
        }
        return ReadU32Slow();
    }

    private uint ReadU32Slow()
    {
        int start = Position;
        uint result = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (Position >= End) throw UnexpectedEnd();
            byte b = Bytes[Position++];
            if (shift == 28)
            {
                if ((b & 0x80) != 0) throw Error(start, "integer representation too long");
                if ((b & 0x70) != 0) throw Error(start, "integer too large");
                result |= (uint)b << 28;
                if (b == 0) NonCanonical = true;
                return result;
            }
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && shift > 0) NonCanonical = true;
                return result;
            }
        }
    }

    /// <summary>A u32 used as a count or index into an array in this runtime: must also fit an int.</summary>
    public int ReadIndex()
    {
        int at = Position;
        uint value = ReadU32();
        if (value > int.MaxValue) throw Error(at, $"index {value} is beyond any index space this runtime supports");
        return (int)value;
    }

    /// <summary>A vector length whose elements each take at least <paramref name="minElementSize"/> bytes;
    /// rejects counts the remaining bytes cannot hold, so huge declared counts never allocate.</summary>
    public int ReadCount(int minElementSize = 1)
    {
        int at = Position;
        uint count = ReadU32();
        if (count > (ulong)Remaining / (ulong)Math.Max(1, minElementSize))
            throw Error(at, $"declared count {count} exceeds the {Remaining} bytes left (unexpected end)");
        return (int)count;
    }

    public ulong ReadU64()
    {
        int start = Position;
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (Position >= End) throw UnexpectedEnd();
            byte b = Bytes[Position++];
            if (shift == 63)
            {
                if ((b & 0x80) != 0) throw Error(start, "integer representation too long");
                if ((b & 0x7E) != 0) throw Error(start, "integer too large");
                if (b == 0) NonCanonical = true;
                return result | ((ulong)b << 63);
            }
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && shift > 0) NonCanonical = true;
                return result;
            }
        }
    }

    public int ReadS32()
    {
        int p = Position;
        if (p < End)
        {
            byte b = Bytes[p];
            if (b < 0x80)
            {
                Position = p + 1;
                return (b << 25) >> 25;
            }
        }
        return (int)ReadSigned(32);
    }

    public long ReadS33() => ReadSigned(33);

    public long ReadS64() => ReadSigned(64);

    private long ReadSigned(int bits)
    {
        int start = Position;
        long result = 0;
        int shift = 0;
        int maxBytes = (bits + 6) / 7;
        byte b;
        byte previous = 0;
        int count = 0;
        while (true)
        {
            if (Position >= End) throw UnexpectedEnd();
            b = Bytes[Position++];
            count++;
            if (count == maxBytes)
            {
                if ((b & 0x80) != 0) throw Error(start, "integer representation too long");
                // The unused high bits of the last byte must all equal the sign bit.
                int usedBits = bits - shift;           // bits of the value carried by this byte, sign included
                int unusedMask = 0x7F & ~((1 << usedBits) - 1) & 0x7F;
                int signBit = (b >> (usedBits - 1)) & 1;
                int expected = signBit == 1 ? unusedMask : 0;
                if ((b & unusedMask) != expected) throw Error(start, "integer too large");
            }
            result |= (long)(b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0) break;
            previous = b;
        }
        if (count > 1 && ((b == 0 && (previous & 0x40) == 0) || (b == 0x7F && (previous & 0x40) != 0)))
            NonCanonical = true;
        if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
        return result;
    }

    public uint ReadFixed32()
    {
        int start = ReadBytesStart(4);
        return (uint)(Bytes[start] | Bytes[start + 1] << 8 | Bytes[start + 2] << 16 | Bytes[start + 3] << 24);
    }

    public ulong ReadFixed64()
    {
        ulong low = ReadFixed32();
        ulong high = ReadFixed32();
        return low | high << 32;
    }

    public string ReadName()
    {
        int length = ReadCount();
        int start = ReadBytesStart(length);
        try
        {
            return StrictUtf8.GetString(Bytes, start, length);
        }
        catch (DecoderFallbackException)
        {
            throw Error(start, "malformed UTF-8 encoding");
        }
    }

    public WasmFormatException UnexpectedEnd() => new(Position, "unexpected end of section or function");
}
