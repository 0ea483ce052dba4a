namespace WasmProbe.Wasm.Instructions;

/// <summary>Static facts about one opcode: its text-format name, immediates and, for plain numeric
/// instructions, its stack effect.</summary>
/// <param name="StackEffect">
/// For instructions whose operand types are fixed, "pops>pushes" with one letter per value, bottom first:
/// i = i32, l = i64, f = f32, d = f64, v = v128 (for example "ii>i" for i32.add, "i>" for drop-like
/// stores of an i32 address... see the table). Null when the effect depends on immediates or context
/// (locals, globals, calls, control, references, GC, tables).
/// </param>
/// <param name="Control">What the instruction does to control flow; every analysis and rewrite derives its
/// predicates (block openers, branches, calls, what does not fall through) from it.</param>
/// <param name="storeSize">The bytes a plain store writes (watchpoints compare its range).</param>
/// <param name="loadSize">The bytes a plain scalar load reads (the replayer reads them).</param>
/// <param name="bulkWrite">How a memory instruction other than a plain store writes a range (watchpoints check it).</param>
/// <param name="branchCondition">For <see cref="ControlKind.BranchIf"/>: what makes it branch.</param>
public sealed class OpcodeInfo(Opcode opcode, string name, ImmediateKind immediates, string? stackEffect, ControlKind control = ControlKind.None, int storeSize = 0,
    MemoryWriteKind bulkWrite = MemoryWriteKind.None, BranchCondition branchCondition = BranchCondition.None, int loadSize = 0)
{
    public Opcode Opcode { get; } = opcode;
    public string Name { get; } = name;
    public ImmediateKind Immediates { get; } = immediates;

    /// <summary>How <see cref="Immediates"/> are laid out in the binary format.</summary>
    public ImmediateLayout Layout { get; } = LayoutOf(immediates);

    /// <summary>The entries in <see cref="Expression.Pool"/> per item of <see cref="Instruction.PoolCount"/>: 1 for br_table
    /// labels and typed select types, 2 for try_table catch clauses; 0 when all immediates are in the instruction.</summary>
    public int PoolWidth => Layout switch
    {
        ImmediateLayout.BrTable or ImmediateLayout.ValTypes => 1,
        ImmediateLayout.TryTable => 2,
        _ => 0,
    };

    /// <summary>An immediate is a data index (which requires the data count section).</summary>
    public bool UsesDataIndex { get; } = immediates is ImmediateKind.Data or ImmediateKind.TypeData or ImmediateKind.MemoryInit;

    public string? StackEffect { get; } = stackEffect;
    public ControlKind Control { get; } = control;

    /// <summary>Plain stores (scalar, vector lane, atomic): the bytes written at the effective address; 0 otherwise.</summary>
    public int StoreSize { get; } = storeSize;

    /// <summary>Plain scalar loads: the bytes read at the effective address; 0 otherwise.</summary>
    public int LoadSize { get; } = loadSize;

    /// <summary>A conditional branch's test of its top operand.</summary>
    public BranchCondition BranchCondition { get; } = branchCondition;

    /// <summary>How the instruction writes linear memory: a plain store, or a range (fill, copy, init, grow).</summary>
    public MemoryWriteKind MemoryWrite { get; } = storeSize > 0 ? MemoryWriteKind.Store : bulkWrite;

    /// <summary>block, loop, if, try_table, try: the instruction opens a frame that an end (or delegate) closes.</summary>
    public bool OpensBlock => Control is ControlKind.Block or ControlKind.Loop or ControlKind.If or ControlKind.TryTable or ControlKind.Try;

    /// <summary>end, delegate.</summary>
    public bool ClosesBlock => Control is ControlKind.End or ControlKind.Delegate;

    /// <summary>Any call, tail calls included.</summary>
    public bool IsCall => Control is ControlKind.Call or ControlKind.TailCall;

    /// <summary>Control never reaches the next instruction from here (the next one is reachable only as a branch
    /// target or a new arm).</summary>
    public bool EndsFallthrough => Control is ControlKind.Branch or ControlKind.BranchTable or ControlKind.Return
        or ControlKind.TailCall or ControlKind.Throw or ControlKind.Unreachable;

    /// <summary>The immediate names a function (call, return_call, ref.func): it moves when functions are imported
    /// in front of the defined ones.</summary>
    public bool HasFunctionIndex => Immediates == ImmediateKind.Function;

    /// <summary>The popped part of <see cref="StackEffect"/> (bottom first), or null.</summary>
    public string? Pops { get; } = stackEffect?.Substring(0, stackEffect.IndexOf('>'));

    /// <summary>The pushed part of <see cref="StackEffect"/>, or null.</summary>
    public string? Pushes { get; } = stackEffect?.Substring(stackEffect.IndexOf('>') + 1);

    /// <summary>0 for single-byte opcodes, otherwise the prefix byte (0xFB, 0xFC, 0xFD, 0xFE).</summary>
    public byte Prefix => (byte)((int)Opcode >> 16);

    /// <summary>The opcode byte, or the u32 sub-opcode after the prefix.</summary>
    public int Code => (int)Opcode & 0xFFFF;

    public override string ToString() => Name;

    private static ImmediateLayout LayoutOf(ImmediateKind kind) => kind switch
    {
        ImmediateKind.None => ImmediateLayout.None,
        ImmediateKind.BlockType => ImmediateLayout.BlockType,
        ImmediateKind.Label or ImmediateKind.Function or ImmediateKind.Local or ImmediateKind.Global or ImmediateKind.Table
            or ImmediateKind.Memory or ImmediateKind.Type or ImmediateKind.Tag or ImmediateKind.Element or ImmediateKind.Data => ImmediateLayout.Index,
        ImmediateKind.CallIndirect or ImmediateKind.TypeField or ImmediateKind.TypeType or ImmediateKind.TypeCount or ImmediateKind.TypeData
            or ImmediateKind.TypeElem or ImmediateKind.MemoryInit or ImmediateKind.MemoryCopy or ImmediateKind.TableInit
            or ImmediateKind.TableCopy => ImmediateLayout.IndexPair,
        ImmediateKind.BrTable => ImmediateLayout.BrTable,
        ImmediateKind.MemArg => ImmediateLayout.MemArg,
        ImmediateKind.MemArgLane => ImmediateLayout.MemArgLane,
        ImmediateKind.Lane => ImmediateLayout.Lane,
        ImmediateKind.Shuffle or ImmediateKind.V128 => ImmediateLayout.Bytes16,
        ImmediateKind.I32 => ImmediateLayout.S32,
        ImmediateKind.I64 => ImmediateLayout.S64,
        ImmediateKind.F32 => ImmediateLayout.Bytes4,
        ImmediateKind.F64 => ImmediateLayout.Bytes8,
        ImmediateKind.SelectTypes => ImmediateLayout.ValTypes,
        ImmediateKind.HeapType or ImmediateKind.RefTest or ImmediateKind.RefTestNull => ImmediateLayout.HeapType,
        ImmediateKind.BrOnCast => ImmediateLayout.BrOnCast,
        ImmediateKind.TryTable => ImmediateLayout.TryTable,
        ImmediateKind.ZeroByte => ImmediateLayout.ZeroByte,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown immediate kind"),
    };
}

/// <summary>How an instruction writes linear memory. Watchpoints pass it to the host as the source of the written bytes.</summary>
public enum MemoryWriteKind : byte
{
    None,
    /// <summary>A plain store: <see cref="OpcodeInfo.StoreSize"/> bytes of its value at the effective address.</summary>
    Store,
    /// <summary>memory.fill [d, byte, n].</summary>
    Fill,
    /// <summary>memory.copy [d, s, n], from memory B to memory A.</summary>
    Copy,
    /// <summary>memory.init [d, s, n] of data segment A into memory B.</summary>
    Init,
    /// <summary>memory.grow [delta]: the new pages' bytes come into existence, zeroed.</summary>
    Grow,
}

/// <summary>What a conditional branch tests, on its top operand.</summary>
public enum BranchCondition : byte
{
    None,
    /// <summary>br_if: an i32 that is not 0 (popped).</summary>
    NonZero,
    /// <summary>br_on_null: a null reference (popped; the branch passes the values below it).</summary>
    Null,
    /// <summary>br_on_non_null: a non-null reference (passed to the label, last).</summary>
    NonNull,
    /// <summary>br_on_cast: a reference of the target type (passed to the label, last).</summary>
    Cast,
    /// <summary>br_on_cast_fail: a reference not of the target type (passed to the label, last).</summary>
    CastFail,
}

/// <summary>What an instruction does to control flow.</summary>
public enum ControlKind : byte
{
    None,
    Block,
    Loop,
    If,
    TryTable,
    /// <summary>Legacy exception handling's try.</summary>
    Try,
    Else,
    /// <summary>Legacy catch and catch_all: the end of the previous arm, the start of a handler.</summary>
    Catch,
    End,
    /// <summary>Legacy delegate: closes a try and sends its exceptions to a label.</summary>
    Delegate,
    /// <summary>br: unconditional, to a label.</summary>
    Branch,
    /// <summary>br_if, br_on_null, br_on_non_null, br_on_cast, br_on_cast_fail: to a label or on to the next instruction.</summary>
    BranchIf,
    BranchTable,
    Return,
    /// <summary>call, call_indirect, call_ref: returns to the next instruction (or unwinds).</summary>
    Call,
    /// <summary>return_call, return_call_indirect, return_call_ref.</summary>
    TailCall,
    /// <summary>throw, throw_ref, rethrow.</summary>
    Throw,
    Unreachable,
}
