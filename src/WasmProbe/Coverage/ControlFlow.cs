namespace WasmProbe.Coverage;

internal enum EdgeKind : byte
{
    /// <summary>From a node's "in" half to its "out" half: the node's own execution count.</summary>
    Internal,
    /// <summary>EXIT to the entry block: the function's invocations.</summary>
    Entry,
    /// <summary>A normal transfer: fallthrough, branch, return, throw, trap at <c>unreachable</c>.</summary>
    Flow,
    /// <summary>An exception unwinding through a call (only in modules that can catch exceptions).</summary>
    Unwind,
    /// <summary>EXIT to a catch landing: an exception caught by a try_table clause or a legacy catch.</summary>
    Catch,
}

/// <summary>One edge of a function's flow graph. Node 0 is EXIT (function exit and entry, also where exceptions leave
/// and enter); every block and landing is split into an "in" node and an "out" node joined by an
/// <see cref="EdgeKind.Internal"/> edge, so a block's count is an edge count like the others.</summary>
internal readonly record struct FlowEdge(int From, int To, EdgeKind Kind);

/// <summary>A try_table catch clause's landing: an exception caught by clause <see cref="Clause"/> of the try_table at
/// instruction <see cref="TryTable"/> branches to <see cref="Target"/> (an instruction index, or -1 for the function's
/// exit).</summary>
internal readonly record struct Landing(int TryTable, int Clause, int Target);

/// <summary>The flow graph of one function body over basic blocks, as the coverage pass sees it. Blocks are maximal runs
/// of instructions entered only at the first and left only after the last (calls end blocks only in modules that can
/// catch exceptions, where an exception may unwind through them). Code no path reaches belongs to no block. Coverage
/// keeps every function's graph for as long as its results are read, so the graph holds per-block data only: nothing
/// per instruction (see <see cref="ControlFlowBuilder"/> for what building it needs).</summary>
internal sealed class ControlFlow
{
    public const int Exit = 0;

    internal ControlFlow(Expression code, int[] blockStart, int[] blockLast, int[] blockLoopDepth, Landing[] landings,
        int[] landingLoopDepth, Dictionary<int, int[]> brTableTargets, FlowEdge[] edges)
    {
        (Code, BlockStart, BlockLast, _blockLoopDepth) = (code, blockStart, blockLast, blockLoopDepth);
        (Landings, _landingLoopDepth, BrTableTargets, Edges) = (landings, landingLoopDepth, brTableTargets, edges);
    }

    public Expression Code { get; }

    /// <summary>First and last instruction index of each block, in code order. A block's instructions are contiguous.</summary>
    public int[] BlockStart { get; }
    public int[] BlockLast { get; }

    public Landing[] Landings { get; }

    /// <summary>Per br_table: the instruction each table entry lands on (-1: the function's exit), the default last.</summary>
    public Dictionary<int, int[]> BrTableTargets { get; }

    public FlowEdge[] Edges { get; }

    private readonly int[] _blockLoopDepth;
    private readonly int[] _landingLoopDepth;

    public int BlockCount => BlockStart.Length;
    public int NodeCount => 1 + 2 * (BlockStart.Length + Landings.Length);

    public static int BlockIn(int block) => 1 + 2 * block;
    public static int BlockOut(int block) => 2 + 2 * block;
    public int LandingIn(int landing) => 1 + 2 * (BlockStart.Length + landing);
    public int LandingOut(int landing) => 2 + 2 * (BlockStart.Length + landing);

    public bool IsOutNode(int node) => node != Exit && node % 2 == 0;
    public bool IsInNode(int node) => node % 2 == 1;

    /// <summary>For a block node, its block index; otherwise -1.</summary>
    public int BlockOfNode(int node) => node == Exit ? -1 : (node - 1) / 2 < BlockStart.Length ? (node - 1) / 2 : -1;

    /// <summary>For a landing node, its landing index; otherwise -1.</summary>
    public int LandingOfNode(int node) => node == Exit ? -1 : (node - 1) / 2 >= BlockStart.Length ? (node - 1) / 2 - BlockStart.Length : -1;

    /// <summary>The block of instruction <paramref name="index"/>, or -1 for code no path reaches.</summary>
    public int BlockOf(int index)
    {
        int b = Array.BinarySearch(BlockStart, index);
        if (b < 0) b = ~b - 1;
        return b >= 0 && index <= BlockLast[b] ? b : -1;
    }

    /// <summary>Loop nesting depth where a node's code runs (0 for EXIT).</summary>
    public int NodeDepth(int node)
    {
        if (node == Exit) return 0;
        int block = BlockOfNode(node);
        return block >= 0 ? _blockLoopDepth[block] : _landingLoopDepth[LandingOfNode(node)];
    }
}
