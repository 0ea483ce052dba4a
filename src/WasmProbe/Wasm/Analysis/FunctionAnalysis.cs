namespace WasmProbe.Wasm.Analysis;

/// <summary>What is known before each instruction of one function body executes: the operand stack types (bottom
/// first), the control-frame depth, and whether the instruction is reachable. Stacks share structure: each
/// instruction points at a node of a persistent stack, so the analysis takes O(instructions) memory.</summary>
public sealed class FunctionAnalysis
{
    private readonly int[] _stackNode, _height, _depth, _blockBase, _partner, _nodeParent;
    private readonly bool[] _reachable;
    private readonly ValType[] _nodeType;

    internal FunctionAnalysis(int functionIndex, FunctionType type, FunctionBody body, LocalTypes locals,
        int[] stackNode, int[] height, int[] depth, int[] blockBase, bool[] reachable, int[] partner, int[] nodeParent, ValType[] nodeType)
    {
        (FunctionIndex, Type, Body, Locals) = (functionIndex, type, body, locals);
        (_stackNode, _height, _depth, _blockBase) = (stackNode, height, depth, blockBase);
        (_reachable, _partner, _nodeParent, _nodeType) = (reachable, partner, nodeParent, nodeType);
    }

    /// <summary>Index in the module's function index space (imports first).</summary>
    public int FunctionIndex { get; }

    public FunctionType Type { get; }
    public FunctionBody Body { get; }
    public Expression Code => Body.Code;
    public LocalTypes Locals { get; }
    public int InstructionCount => Code.Count;

    /// <summary>Operand stack height before instruction <paramref name="index"/> executes.</summary>
    public int StackHeight(int index) => _height[index];

    /// <summary>Number of enclosing control frames before the instruction (1 = only the function's own frame).</summary>
    public int ControlDepth(int index) => _depth[index];

    /// <summary>The stack height at which the innermost enclosing block began: values below it belong to outer blocks
    /// and cannot be touched by this instruction.</summary>
    public int BlockBase(int index) => _blockBase[index];

    /// <summary>False for code that follows unreachable, br, br_table, return, throw and the like within its block.</summary>
    public bool IsReachable(int index) => _reachable[index];

    /// <summary>For block, loop, if, try_table (and legacy try): the index of the matching end. For else: the index of
    /// the matching end. For end: the index of the instruction that opened the frame (-1 for the function's end).
    /// Otherwise -1.</summary>
    public int Partner(int index) => _partner[index];

    /// <summary>The type of stack slot <paramref name="slot"/> before instruction <paramref name="index"/>, slot 0 being
    /// the bottom. <see cref="ValType.Unknown"/> for values of unreachable code whose type is not determined.</summary>
    public ValType StackSlot(int index, int slot)
    {
        int height = _height[index];
        if ((uint)slot >= (uint)height) throw new ArgumentOutOfRangeException(nameof(slot), $"stack slot {slot} does not exist: the stack holds {height} values");
        int node = _stackNode[index];
        for (int i = height - 1; i > slot; i--) node = _nodeParent[node];
        return _nodeType[node];
    }

    /// <summary>The operand stack types before instruction <paramref name="index"/>, bottom first.</summary>
    public ValType[] StackBefore(int index)
    {
        int height = _height[index];
        var result = new ValType[height];
        int node = _stackNode[index];
        for (int i = height - 1; i >= 0; i--)
        {
            result[i] = _nodeType[node];
            node = _nodeParent[node];
        }
        return result;
    }

    /// <summary>A hash of the operand stack types before instruction <paramref name="index"/> (see
    /// <see cref="StackEquals"/>), computed without materializing the stack.</summary>
    public int StackHash(int index)
    {
        int hash = _height[index];
        for (int node = _stackNode[index], i = 0; i < _height[index]; i++, node = _nodeParent[node]) hash = hash * 31 + _nodeType[node].GetHashCode();
        return hash;
    }

    /// <summary>Whether the operand stack before instruction <paramref name="index"/> is <paramref name="types"/>
    /// (bottom first).</summary>
    public bool StackEquals(int index, ReadOnlySpan<ValType> types)
    {
        if (types.Length != _height[index]) return false;
        int node = _stackNode[index];
        for (int i = types.Length - 1; i >= 0; i--, node = _nodeParent[node])
        {
            if (!types[i].Equals(_nodeType[node])) return false;
        }
        return true;
    }

    /// <summary>The index of the instruction at module offset <paramref name="pc"/>, or -1.</summary>
    public int IndexOfPc(int pc) => Code.IndexOfOffset(pc);
}

/// <summary>The types of a function's locals: parameters first, then the declared locals, looked up through the
/// run-length groups so huge declared counts cost nothing.</summary>
public sealed class LocalTypes
{
    private readonly ValType[] _parameters;
    private readonly LocalGroup[] _groups;
    private readonly long[] _groupEnds;

    public LocalTypes(ValType[] parameters, LocalGroup[] groups)
    {
        _parameters = parameters;
        _groups = groups;
        _groupEnds = new long[groups.Length];
        long end = parameters.Length;
        for (int i = 0; i < groups.Length; i++)
        {
            end += groups[i].Count;
            _groupEnds[i] = end;
        }
        Count = end;
    }

    public long Count { get; }
    public int ParameterCount => _parameters.Length;

    public bool TryGet(long index, out ValType type)
    {
        type = default;
        if (index < 0 || index >= Count) return false;
        if (index < _parameters.Length)
        {
            type = _parameters[index];
            return true;
        }
        int lo = 0, hi = _groups.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_groupEnds[mid] > index) hi = mid;
            else lo = mid + 1;
        }
        type = _groups[lo].Type;
        return true;
    }

    public ValType this[long index] => TryGet(index, out var type) ? type : throw new ArgumentOutOfRangeException(nameof(index), $"local {index} does not exist (the function has {Count} locals)");
}
