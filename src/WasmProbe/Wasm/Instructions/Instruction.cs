using System.Runtime.InteropServices;

namespace WasmProbe.Wasm.Instructions;

/// <summary>One decoded instruction. Immediates are stored in three raw fields whose meaning depends on
/// <see cref="OpcodeInfo.Immediates"/>; use the typed accessors. Variable-length immediates (br_table labels,
/// try_table catch clauses, typed select types) live in the owning <see cref="Expression.Pool"/>.</summary>
/// <remarks>Auto layout puts the two longs first: 32 bytes instead of the 40 that declaration order pads to.</remarks>
[StructLayout(LayoutKind.Auto)]
public readonly struct Instruction
{
    public Instruction(Opcode opcode, int offset, int length, long a = 0, long b = 0, int c = 0) =>
        (Opcode, Offset, Length, A, B, C) = (opcode, offset, length, a, b, c);

    public Opcode Opcode { get; }

    /// <summary>Module-relative byte offset of the opcode: the instruction's pc. -1 for instructions created by a
    /// transformation.</summary>
    public int Offset { get; }

    /// <summary>Encoded length in the input, in bytes (0 for created instructions).</summary>
    public int Length { get; }

    public long A { get; }
    public long B { get; }
    public int C { get; }

    public OpcodeInfo Info => OpcodeTable.Get(Opcode);

    /// <summary>The single index immediate (label, function, local, global, table, memory, type, tag, data, element),
    /// or the first of two.</summary>
    public int Index => (int)A;

    /// <summary>The second index (table of call_indirect, field of struct.get, memory of memory.init, source of copies,
    /// count of array.new_fixed, ...).</summary>
    public int Index2 => (int)B;

    public BlockType BlockType => BlockType.FromBits(A);
    public int I32 => (int)A;
    public long I64 => A;
    public uint F32Bits => (uint)A;
    public ulong F64Bits => (ulong)A;

    /// <summary>v128.const value or i8x16.shuffle lanes, little-endian low half then high half.</summary>
    public (ulong Low, ulong High) V128 => ((ulong)A, (ulong)B);

    public byte Lane => Info.Immediates == ImmediateKind.MemArgLane ? (byte)(B >> 32) : (byte)A;

    public MemArg MemArg => new((ulong)A, (uint)B, C);

    public HeapType HeapType => new(A);

    /// <summary>The label of a branch (br, br_if, br_on_*, rethrow, delegate).</summary>
    public int Label => Info.Immediates == ImmediateKind.BrOnCast ? CastLabel : Index;

    /// <summary>br_on_cast / br_on_cast_fail: label, source and target types.</summary>
    public int CastLabel => (int)(uint)A;
    public ValType CastSource => ValType.Ref(new HeapType(B), (A >> 32 & 1) != 0);
    public ValType CastTarget => ValType.Ref(new HeapType(C), (A >> 33 & 1) != 0);

    /// <summary>Start of this instruction's entries in <see cref="Expression.Pool"/> (br_table, try_table, typed select).</summary>
    public int PoolStart => (int)B;

    /// <summary>Number of br_table labels (without the default), try_table catch clauses or select types.</summary>
    public int PoolCount => C;

    public override string ToString() => Offset >= 0 ? $"{Offset:x}: {Info.Name}" : Info.Name;
}

/// <summary>A memory immediate: static offset, alignment exponent and memory index.</summary>
public readonly record struct MemArg(ulong Offset, uint AlignExponent, int MemoryIndex);

public enum CatchKind : byte
{
    Catch = 0,
    CatchRef = 1,
    CatchAll = 2,
    CatchAllRef = 3,
}

/// <summary>One try_table catch clause: when an exception with <see cref="Tag"/> (any tag for the *_all kinds)
/// reaches the try_table, branch to <see cref="Label"/>.</summary>
public readonly record struct CatchClause(CatchKind Kind, int Tag, int Label)
{
    public bool HasTag => Kind is CatchKind.Catch or CatchKind.CatchRef;
    public bool PushesExnRef => Kind is CatchKind.CatchRef or CatchKind.CatchAllRef;
}
