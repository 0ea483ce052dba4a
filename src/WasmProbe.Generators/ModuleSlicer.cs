using WasmProbe.Wasm.Binary;

namespace WasmProbe.Generators;

/// <summary>Makes a copy of a module in which the bodies of the functions no probe needs are replaced by empty ones
/// (<c>02 00 0b</c>: no locals, <c>end</c>), so decoding it costs the module's declarations plus the bodies kept, not
/// every body (most of a large module). Kept bodies are copied verbatim; only their position changes, by
/// <see cref="SlicedBytes.Shift"/> bytes, which callers add back to pcs. Returns null when the section layout cannot be
/// scanned; callers then decode the original, which reports the problem precisely.</summary>
internal static class ModuleSlicer
{
    private const byte CodeSection = 10;
    private static readonly byte[] EmptyBody = [0x02, 0x00, 0x0b];

    /// <param name="keep">Which bodies to keep, by position in the code section (defined-function index).</param>
    public static SlicedBytes? Slice(byte[] bytes, Func<int, bool> keep)
    {
        try
        {
            return SliceCore(bytes, keep);
        }
        catch (WasmFormatException)
        {
            return null;
        }
    }

    private static SlicedBytes? SliceCore(byte[] bytes, Func<int, bool> keep)
    {
        if (bytes.Length < 8) return null;
        var reader = new WasmReader(bytes) { Position = 8 };
        using var output = new MemoryStream(bytes.Length);
        output.Write(bytes, 0, 8);
        var shifts = new Dictionary<int, int>();
        while (!reader.AtEnd)
        {
            int sectionStart = reader.Position;
            byte id = reader.ReadByte();
            uint size = reader.ReadU32();
            if (size > (uint)reader.Remaining) return null;
            int payloadStart = reader.Position;
            int payloadEnd = payloadStart + (int)size;
            if (id != CodeSection)
            {
                output.Write(bytes, sectionStart, payloadEnd - sectionStart);
                reader.Position = payloadEnd;
                continue;
            }

            reader.End = payloadEnd;
            uint count = reader.ReadU32();
            using var payload = new MemoryStream();
            WriteU32(payload, count);
            var kept = new List<(int Index, int OriginalStart, int PayloadOffset)>();
            for (int i = 0; i < count; i++)
            {
                int bodyStart = reader.Position;
                uint bodySize = reader.ReadU32();
                if (bodySize > (uint)reader.Remaining) return null;
                int bodyEnd = reader.Position + (int)bodySize;
                if (keep(i))
                {
                    kept.Add((i, bodyStart, (int)payload.Position));
                    payload.Write(bytes, bodyStart, bodyEnd - bodyStart);
                }
                else
                {
                    payload.Write(EmptyBody, 0, EmptyBody.Length);
                }
                reader.Position = bodyEnd;
            }
            if (reader.Position != payloadEnd) return null;
            reader.End = bytes.Length;

            output.WriteByte(CodeSection);
            WriteU32(output, (uint)payload.Length);
            int newPayloadStart = (int)output.Position;
            payload.Position = 0;
            payload.CopyTo(output);
            foreach (var (index, originalStart, payloadOffset) in kept) shifts[index] = originalStart - (newPayloadStart + payloadOffset);
        }
        return new SlicedBytes(output.ToArray(), shifts);
    }

    private static void WriteU32(Stream stream, uint value)
    {
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            stream.WriteByte(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }
}

/// <param name="Shifts">Per kept body (defined-function index): original offset minus offset in <see cref="Bytes"/>.</param>
internal sealed class SlicedBytes(byte[] bytes, Dictionary<int, int> shifts)
{
    public byte[] Bytes { get; } = bytes;

    public int Shift(int definedIndex) => shifts.TryGetValue(definedIndex, out int shift) ? shift : 0;
}
