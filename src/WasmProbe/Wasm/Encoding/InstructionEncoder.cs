using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Encoding;

/// <summary>Writes instructions and types in canonical form (minimal LEB128s, shorthand reference types).</summary>
public static class InstructionEncoder
{
    public static void Write(WasmWriter w, Expression expression)
    {
        var instructions = expression.Instructions;
        for (int i = 0; i < instructions.Length; i++) Write(w, instructions[i], expression.Pool);
    }

    public static void WriteOpcode(WasmWriter w, Opcode opcode)
    {
        int value = (int)opcode;
        if (value < 0x100)
        {
            w.Byte((byte)value);
            return;
        }
        w.Byte((byte)(value >> 16));
        w.U32((uint)(value & 0xFFFF));
    }

    public static void Write(WasmWriter w, in Instruction instruction, long[] pool)
    {
        var info = OpcodeTable.Get(instruction.Opcode);
        WriteOpcode(w, instruction.Opcode);
        long a = instruction.A, b = instruction.B;
        int c = instruction.C;
        switch (info.Layout)
        {
            case ImmediateLayout.None:
                break;
            case ImmediateLayout.BlockType:
                WriteBlockType(w, BlockType.FromBits(a));
                break;
            case ImmediateLayout.Index:
                w.U32((uint)a);
                break;
            case ImmediateLayout.IndexPair:
                w.U32((uint)a);
                w.U32((uint)b);
                break;
            case ImmediateLayout.BrTable:
                w.U32(c);
                for (int i = 0; i < c; i++) w.U32((uint)pool[b + i]);
                w.U32((uint)a);
                break;
            case ImmediateLayout.MemArg:
                WriteMemArg(w, (ulong)a, (uint)b, c);
                break;
            case ImmediateLayout.MemArgLane:
                WriteMemArg(w, (ulong)a, (uint)b, c);
                w.Byte((byte)(b >> 32));
                break;
            case ImmediateLayout.Lane:
                w.Byte((byte)a);
                break;
            case ImmediateLayout.Bytes16:
                w.Fixed64((ulong)a);
                w.Fixed64((ulong)b);
                break;
            case ImmediateLayout.S32:
            case ImmediateLayout.S64:
            case ImmediateLayout.HeapType:
                w.S64(a);
                break;
            case ImmediateLayout.Bytes4:
                w.Fixed32((uint)a);
                break;
            case ImmediateLayout.Bytes8:
                w.Fixed64((ulong)a);
                break;
            case ImmediateLayout.ValTypes:
                w.U32(c);
                for (int i = 0; i < c; i++) WriteValType(w, ValType.FromBits(pool[b + i]));
                break;
            case ImmediateLayout.BrOnCast:
                w.Byte((byte)(a >> 32));
                w.U32((uint)a);
                w.S64(b);
                w.S64(c);
                break;
            case ImmediateLayout.TryTable:
                WriteBlockType(w, BlockType.FromBits(a));
                w.U32(c);
                for (int i = 0; i < c; i++)
                {
                    long head = pool[b + 2 * i];
                    byte kind = (byte)(head >> 32);
                    w.Byte(kind);
                    if (kind <= 1) w.U32((uint)head);
                    w.U32((uint)pool[b + 2 * i + 1]);
                }
                break;
            case ImmediateLayout.ZeroByte:
                w.Byte(0);
                break;
            default:
                throw new InvalidOperationException($"unhandled immediate layout {info.Layout}");
        }
    }

    private static void WriteMemArg(WasmWriter w, ulong offset, uint align, int memory)
    {
        uint flags = align & 0x3F;
        if (memory != 0)
        {
            w.U32(flags | 0x40);
            w.U32(memory);
        }
        else
        {
            w.U32(flags);
        }
        w.U64(offset);
    }

    public static void WriteBlockType(WasmWriter w, BlockType type)
    {
        if (type.IsEmpty) w.Byte(0x40);
        else if (type.IsValueType) WriteValType(w, type.ValType);
        else w.S64(type.TypeIndex);
    }

    public static void WriteValType(WasmWriter w, ValType type)
    {
        if (!type.IsRef)
        {
            w.Byte((byte)type.Kind);
            return;
        }
        var heap = type.Heap;
        if (type.Nullable && !heap.IsConcrete)
        {
            w.Byte(heap.AbstractByte);
            return;
        }
        w.Byte(type.Nullable ? (byte)0x63 : (byte)0x64);
        w.S64(heap.Code);
    }
}
