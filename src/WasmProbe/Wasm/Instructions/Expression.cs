namespace WasmProbe.Wasm.Instructions;

/// <summary>A sequence of instructions ending with its final <c>end</c>: a function body's code or a constant
/// expression.</summary>
public sealed class Expression(Instruction[] instructions, long[] pool)
{
    public Instruction[] Instructions { get; } = instructions;

    /// <summary>Variable-length immediates referenced by <see cref="Instruction.PoolStart"/>.</summary>
    public long[] Pool { get; } = pool;

    public int Count => Instructions.Length;

    public Instruction this[int index] => Instructions[index];

    /// <summary>br_table: the labels without the default (<see cref="Instruction.Index"/> is the default).</summary>
    public int BrTableLabel(in Instruction instruction, int i) => (int)Pool[instruction.PoolStart + i];

    public CatchClause Catch(in Instruction tryTable, int i)
    {
        long head = Pool[tryTable.PoolStart + 2 * i];
        return new CatchClause((CatchKind)(head >> 32), (int)(uint)head, (int)Pool[tryTable.PoolStart + 2 * i + 1]);
    }

    public ValType SelectType(in Instruction select, int i) => ValType.FromBits(Pool[select.PoolStart + i]);

    /// <summary>One of this expression's instructions for a body built from it: its pool entries appended to that
    /// body's <paramref name="pool"/>, and pointing there.</summary>
    public Instruction WithPoolIn(in Instruction instruction, List<long> pool)
    {
        int width = instruction.Info.PoolWidth;
        if (width == 0) return instruction;
        int start = pool.Count;
        for (int i = 0; i < instruction.PoolCount * width; i++) pool.Add(Pool[instruction.PoolStart + i]);
        return new Instruction(instruction.Opcode, instruction.Offset, instruction.Length, instruction.A, start, instruction.C);
    }

    private int[]? _originalIndices;

    /// <summary>The index of the instruction whose opcode starts at <paramref name="pc"/>, or -1. Instructions a
    /// transformation inserted (offset -1) have no pc and are skipped.</summary>
    public int IndexOfOffset(int pc)
    {
        var indices = _originalIndices ??= OriginalIndices();
        int lo = 0, hi = indices.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int offset = Instructions[indices[mid]].Offset;
            if (offset == pc) return indices[mid];
            if (offset < pc) lo = mid + 1;
            else hi = mid - 1;
        }
        return -1;
    }

    private int[] OriginalIndices()
    {
        var indices = new List<int>(Instructions.Length);
        for (int i = 0; i < Instructions.Length; i++)
        {
            if (Instructions[i].Offset >= 0) indices.Add(i);
        }
        return indices.ToArray();
    }
}
