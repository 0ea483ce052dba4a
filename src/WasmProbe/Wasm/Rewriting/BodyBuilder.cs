using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Polyfills;

namespace WasmProbe.Wasm.Rewriting;

/// <summary>Builds a new function body: copies of original instructions (renumbered into the rewritten module's index
/// spaces, keeping their original pc for offset mapping) interleaved with new instructions (already in the new index
/// spaces).</summary>
public sealed class BodyBuilder
{
    private readonly IndexRemap _remap;
    private readonly Expression _source;
    private readonly List<Instruction> _instructions;
    private readonly List<long> _pool = [];
    private readonly List<LocalGroup> _locals;
    private readonly int _sourceOffset;

    /// <param name="buffer">Where the instructions go; a rewrite of many bodies passes the same list to each (cleared
    /// here), so big bodies do not each allocate and grow their own.</param>
    internal BodyBuilder(IndexRemap remap, FunctionBody source, long localCount, List<Instruction>? buffer = null)
    {
        _remap = remap;
        _source = source.Code;
        _instructions = buffer ?? new List<Instruction>(source.Code.Count + 16);
        _instructions.Clear();
        _locals = new List<LocalGroup>(source.Locals);
        _sourceOffset = source.Offset;
        LocalCount = localCount;
    }

    /// <summary>Parameters plus declared locals, including those added with <see cref="AddLocal"/>.</summary>
    public long LocalCount { get; private set; }

    /// <summary>Declares a new local and returns its index.</summary>
    public int AddLocal(ValType type)
    {
        int last = _locals.Count - 1;
        if (last >= 0 && _locals[last].Type == type) _locals[last] = new LocalGroup(_locals[last].Count + 1, type);
        else _locals.Add(new LocalGroup(1, type));
        return (int)LocalCount++;
    }

    /// <summary>Copies instruction <paramref name="index"/> of the original body.</summary>
    public void CopyOriginal(int index) => _instructions.Add(_remap.Apply(_source.WithPoolIn(_source.Instructions[index], _pool)));

    /// <summary>Copies all original instructions from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive).</summary>
    public void CopyOriginal(int start, int end)
    {
        for (int i = start; i < end; i++) CopyOriginal(i);
    }

    /// <summary>Emits a new instruction with no pool immediates, in the new index spaces.</summary>
    public void Emit(Opcode opcode, long a = 0, long b = 0, int c = 0) => _instructions.Add(new Instruction(opcode, -1, 0, a, b, c));

    /// <summary>Opens a new <c>try_table</c> of <paramref name="blockType"/> with one <c>catch tag label</c> clause.</summary>
    public void TryTableCatching(long blockType, int tag, int label)
    {
        _instructions.Add(new Instruction(Opcode.TryTable, -1, 0, blockType, _pool.Count, 1));
        _pool.Add((long)CatchKind.Catch << 32 | (uint)tag);
        _pool.Add(label);
    }

    /// <summary>Emits a new instruction that maps to original pc <paramref name="pc"/>: a trap in it is reported there.</summary>
    public void EmitAt(Opcode opcode, int pc, long a = 0) => _instructions.Add(new Instruction(opcode, pc, 0, a));

    public void I32Const(int value) => Emit(Opcode.I32Const, value);
    public void LocalGet(int local) => Emit(Opcode.LocalGet, local);
    public void LocalSet(int local) => Emit(Opcode.LocalSet, local);
    public void GlobalGet(int global) => Emit(Opcode.GlobalGet, global);
    public void GlobalSet(int global) => Emit(Opcode.GlobalSet, global);
    public void Call(int function) => Emit(Opcode.Call, function);

    /// <summary>A load or store with a memarg.</summary>
    public void Memory(Opcode opcode, int memory, ulong offset, uint alignExponent) => Emit(opcode, (long)offset, alignExponent, memory);

    /// <summary>The new body keeps the original body's <see cref="FunctionBody.Offset"/>, so pcs still find their function.</summary>
    internal FunctionBody Build() => new([.. _locals], new Expression([.. _instructions], [.. _pool])) { Offset = _sourceOffset };

    /// <summary>The new body, encoded straight from the builder's instructions.</summary>
    internal FunctionBody BuildEncoded(BodyEncoder encoder) => encoder.Encode([.. _locals], Compat.AsSpan(_instructions), [.. _pool], _sourceOffset);
}
