using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Decoding;

/// <summary>Decodes instruction sequences up to and including the <c>end</c> that closes the outermost level.
/// Reuses its buffers across calls; one instance per decoding thread (see <see cref="Rent"/>).</summary>
internal sealed class InstructionDecoder
{
    // Buffers grown past these sizes are not kept for the next module, so one huge function does not pin memory.
    private const int MaxCachedInstructions = 1 << 16;
    private const int MaxCachedPool = 1 << 16;

    [ThreadStatic] private static InstructionDecoder? t_cached;

    private Instruction[] _buffer = new Instruction[256];
    private readonly List<long> _pool = [];

    private InstructionDecoder() { }

    /// <summary>This thread's decoder with the buffers the previous module grew, or a new one; give it back with
    /// <see cref="Return"/>. Growing them afresh for every module cost more than decoding (large functions and br_tables
    /// grow them onto the large object heap, whose allocations trigger full GCs).</summary>
    public static InstructionDecoder Rent()
    {
        var decoder = t_cached ?? new InstructionDecoder();
        t_cached = null;
        decoder.FirstDataIndexUse = -1;
        return decoder;
    }

    public void Return()
    {
        if (_buffer.Length <= MaxCachedInstructions && _pool.Capacity <= MaxCachedPool) t_cached = this;
    }

    /// <summary>Set when a decoded instruction uses a data index (which requires the data count section).</summary>
    public int FirstDataIndexUse { get; private set; } = -1;

    public Expression Decode(WasmReader r)
    {
        int count = 0;
        int depth = 0;
        _pool.Clear();
        while (true)
        {
            if (count == _buffer.Length) Array.Resize(ref _buffer, count * 2);
            var instruction = DecodeOne(r);
            _buffer[count++] = instruction;
            switch (instruction.Opcode)
            {
                case Opcode.Block:
                case Opcode.Loop:
                case Opcode.If:
                case Opcode.Try:
                case Opcode.TryTable:
                    depth++;
                    break;
                case Opcode.End:
                case Opcode.Delegate:
                    if (depth == 0)
                    {
                        if (instruction.Opcode == Opcode.Delegate) throw r.Error(instruction.Offset, "delegate outside of a try block");
                        var instructions = new Instruction[count];
                        Array.Copy(_buffer, instructions, count);
                        return new Expression(instructions, _pool.Count == 0 ? [] : _pool.ToArray());
                    }
                    depth--;
                    break;
            }
        }
    }

    private Instruction DecodeOne(WasmReader r)
    {
        int start = r.Position;
        byte b = r.ReadByte();
        OpcodeInfo? info;
        if (b >= 0xFB)
        {
            uint sub = r.ReadU32();
            if (!OpcodeTable.TryGet(b, sub, out info)) throw r.Error(start, $"illegal opcode 0x{b:x2} 0x{sub:x}");
        }
        else if (!OpcodeTable.TryGet(0, b, out info))
        {
            throw r.Error(start, $"illegal opcode 0x{b:x2}");
        }

        long a = 0, bb = 0;
        int c = 0;
        if (info.UsesDataIndex) NoteDataIndexUse(start);
        switch (info.Layout)
        {
            case ImmediateLayout.None:
                break;
            case ImmediateLayout.BlockType:
                a = TypeDecoder.ReadBlockType(r).ToBits();
                break;
            case ImmediateLayout.Index:
                a = r.ReadIndex();
                break;
            case ImmediateLayout.IndexPair:
                a = r.ReadIndex();
                bb = r.ReadIndex();
                break;
            case ImmediateLayout.BrTable:
            {
                int n = r.ReadCount();
                bb = _pool.Count;
                c = n;
                for (int i = 0; i < n; i++) _pool.Add(r.ReadIndex());
                a = r.ReadIndex();
                break;
            }
            case ImmediateLayout.MemArg:
                ReadMemArg(r, out a, out bb, out c);
                break;
            case ImmediateLayout.MemArgLane:
                ReadMemArg(r, out a, out bb, out c);
                bb |= (long)r.ReadByte() << 32;
                break;
            case ImmediateLayout.Lane:
                a = r.ReadByte();
                break;
            case ImmediateLayout.Bytes16:
                a = (long)r.ReadFixed64();
                bb = (long)r.ReadFixed64();
                break;
            case ImmediateLayout.S32:
                a = r.ReadS32();
                break;
            case ImmediateLayout.S64:
                a = r.ReadS64();
                break;
            case ImmediateLayout.Bytes4:
                a = r.ReadFixed32();
                break;
            case ImmediateLayout.Bytes8:
                a = (long)r.ReadFixed64();
                break;
            case ImmediateLayout.ValTypes:
            {
                int n = r.ReadCount();
                bb = _pool.Count;
                c = n;
                for (int i = 0; i < n; i++) _pool.Add(TypeDecoder.ReadValType(r).ToBits());
                break;
            }
            case ImmediateLayout.HeapType:
                a = TypeDecoder.ReadHeapType(r).Code;
                break;
            case ImmediateLayout.BrOnCast:
            {
                int flagsAt = r.Position;
                byte flags = r.ReadByte();
                if (flags > 3) throw r.Error(flagsAt, $"malformed br_on_cast flags 0x{flags:x2}");
                uint label = (uint)r.ReadIndex();
                bb = TypeDecoder.ReadHeapType(r).Code;
                long target = TypeDecoder.ReadHeapType(r).Code;
                if (target < int.MinValue || target > int.MaxValue) throw r.Error(start, "br_on_cast target type index too large");
                c = (int)target;
                a = label | (long)flags << 32;
                break;
            }
            case ImmediateLayout.TryTable:
            {
                a = TypeDecoder.ReadBlockType(r).ToBits();
                int n = r.ReadCount(2);
                bb = _pool.Count;
                c = n;
                for (int i = 0; i < n; i++)
                {
                    int kindAt = r.Position;
                    byte kind = r.ReadByte();
                    if (kind > 3) throw r.Error(kindAt, $"malformed try_table catch kind 0x{kind:x2}");
                    uint tag = kind <= 1 ? (uint)r.ReadIndex() : 0;
                    _pool.Add((long)kind << 32 | tag);
                    _pool.Add(r.ReadIndex());
                }
                break;
            }
            case ImmediateLayout.ZeroByte:
            {
                int at = r.Position;
                if (r.ReadByte() != 0) throw r.Error(at, "zero byte expected");
                break;
            }
            default:
                throw new InvalidOperationException($"unhandled immediate layout {info.Layout}");
        }
        return new Instruction(info.Opcode, start, r.Position - start, a, bb, c);
    }

    private static void ReadMemArg(WasmReader r, out long offset, out long align, out int memory)
    {
        int at = r.Position;
        uint flags = r.ReadU32();
        if (flags >= 0x80) throw r.Error(at, $"malformed memop flags 0x{flags:x}");
        memory = 0;
        if ((flags & 0x40) != 0)
        {
            memory = r.ReadIndex();
            if (memory == 0) r.NonCanonical = true;
        }
        align = flags & ~0x40u;
        offset = (long)r.ReadU64();
    }

    private void NoteDataIndexUse(int offset)
    {
        if (FirstDataIndexUse < 0) FirstDataIndexUse = offset;
    }
}
