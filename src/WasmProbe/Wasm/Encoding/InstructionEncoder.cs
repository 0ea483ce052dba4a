using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Types;

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
        switch (info.Immediates)
        {
            case ImmediateKind.None:
                break;
            case ImmediateKind.BlockType:
                WriteBlockType(w, BlockType.FromBits(a));
                break;
            case ImmediateKind.Label:
            case ImmediateKind.Function:
            case ImmediateKind.Local:
            case ImmediateKind.Global:
            case ImmediateKind.Table:
            case ImmediateKind.Memory:
            case ImmediateKind.Type:
            case ImmediateKind.Tag:
            case ImmediateKind.Element:
            case ImmediateKind.Data:
                w.U32((uint)a);
                break;
            case ImmediateKind.CallIndirect:
            case ImmediateKind.TypeField:
            case ImmediateKind.TypeType:
            case ImmediateKind.TypeCount:
            case ImmediateKind.TypeElem:
            case ImmediateKind.TypeData:
            case ImmediateKind.MemoryInit:
            case ImmediateKind.MemoryCopy:
            case ImmediateKind.TableInit:
            case ImmediateKind.TableCopy:
                w.U32((uint)a);
                w.U32((uint)b);
                break;
            case ImmediateKind.BrTable:
                w.U32(c);
                for (int i = 0; i < c; i++) w.U32((uint)pool[b + i]);
                w.U32((uint)a);
                break;
            case ImmediateKind.MemArg:
                WriteMemArg(w, (ulong)a, (uint)b, c);
                break;
            case ImmediateKind.MemArgLane:
                WriteMemArg(w, (ulong)a, (uint)b, c);
                w.Byte((byte)(b >> 32));
                break;
            case ImmediateKind.Lane:
                w.Byte((byte)a);
                break;
            case ImmediateKind.Shuffle:
            case ImmediateKind.V128:
                w.Fixed64((ulong)a);
                w.Fixed64((ulong)b);
                break;
            case ImmediateKind.I32:
            case ImmediateKind.I64:
                w.S64(a);
                break;
            case ImmediateKind.F32:
                w.Fixed32((uint)a);
                break;
            case ImmediateKind.F64:
                w.Fixed64((ulong)a);
                break;
            case ImmediateKind.SelectTypes:
                w.U32(c);
                for (int i = 0; i < c; i++) WriteValType(w, ValType.FromBits(pool[b + i]));
                break;
            case ImmediateKind.HeapType:
            case ImmediateKind.RefTest:
            case ImmediateKind.RefTestNull:
                w.S64(a);
                break;
            case ImmediateKind.BrOnCast:
                w.Byte((byte)(a >> 32));
                w.U32((uint)a);
                w.S64(b);
                w.S64(c);
                break;
            case ImmediateKind.TryTable:
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
            case ImmediateKind.ZeroByte:
                w.Byte(0);
                break;
            default:
                throw new InvalidOperationException($"unhandled immediate kind {info.Immediates}");
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
