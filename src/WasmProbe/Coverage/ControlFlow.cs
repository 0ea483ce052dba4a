using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Instructions;

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
/// catch exceptions, where an exception may unwind through them). Code no path reaches belongs to no block. The graph
/// keeps no reference to the stack analysis it was built from: coverage keeps every function's graph for as long as
/// its results are read, and the analyses of all functions together are many times the module's size.</summary>
internal sealed class ControlFlow
{
    public const int Exit = 0;
    private const int ExitTarget = -1;

    private ControlFlow(Expression code)
    {
        Code = code;
    }

    public Expression Code { get; }

    /// <summary>First and last instruction index of each block, in code order.</summary>
    public int[] BlockStart { get; private set; } = [];
    public int[] BlockLast { get; private set; } = [];

    /// <summary>The block of each instruction, or -1 for code no path reaches.</summary>
    public int[] BlockOf { get; private set; } = [];

    public Landing[] Landings { get; private set; } = [];

    /// <summary>Per br_table: the instruction each table entry lands on (-1: the function's exit), the default last.</summary>
    public Dictionary<int, int[]> BrTableTargets { get; } = [];

    public FlowEdge[] Edges { get; private set; } = [];

    /// <summary>How many loops enclose each instruction (see <see cref="NodeDepth"/>).</summary>
    private int[] _instructionLoopDepth = [];

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

    /// <summary>Loop nesting depth where a node's code runs (0 for EXIT).</summary>
    public int NodeDepth(int node)
    {
        if (node == Exit) return 0;
        int block = BlockOfNode(node);
        if (block >= 0) return _instructionLoopDepth[BlockStart[block]];
        return _instructionLoopDepth[Landings[LandingOfNode(node)].TryTable];
    }

    /// <summary>The instruction index a branch at <paramref name="index"/> with relative label <paramref name="label"/>
    /// lands on (-1: the function's exit), given the control stack there. Labels of try_table clauses resolve in the
    /// context outside the try_table.</summary>
    private int Resolve(FunctionAnalysis analysis, List<int> openers, int label)
    {
        int opener = openers[openers.Count - 1 - label];
        if (opener < 0) return ExitTarget;
        var opcode = Code[opener].Opcode;
        if (opcode == Opcode.Loop) return opener + 1;
        return analysis.Partner(opener) + 1;
    }

    /// <summary>Builds the graph. <paramref name="catching"/>: the module has catch clauses, so calls may unwind.</summary>
    public static ControlFlow Build(FunctionAnalysis analysis, bool catching)
    {
        var flow = new ControlFlow(analysis.Code);
        flow.Compute(analysis, catching);
        return flow;
    }

    private void Compute(FunctionAnalysis analysis, bool catching)
    {
        var code = Code;
        int n = code.Count;
        _instructionLoopDepth = new int[n];

        // Successors of every instruction in compressed rows (ExitTarget = the function's exit). Handler entries are
        // recorded per opener: try_table landings, legacy catch arms.
        var successorStart = new int[n + 1];
        var successors = new List<int>(n + n / 4);
        var landings = new List<Landing>();
        var landingsOf = new Dictionary<int, (int First, int Count)>();
        var handlersOf = new Dictionary<int, List<int>>();

        _elseOf = ElseIndices(code);
        var openers = new List<int> { -1 };
        int loopDepth = 0;
        var targets = new List<int>(4);
        var distinct = new HashSet<int>();

        for (int i = 0; i < n; i++)
        {
            var ins = code[i];
            successorStart[i] = successors.Count;
            _instructionLoopDepth[i] = loopDepth;
            bool reachable = analysis.IsReachable(i);
            targets.Clear();
            bool fallsThrough = true;
            switch (ins.Opcode)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If or Opcode.Try:
                    break;
                case Opcode.TryTable:
                {
                    int first = landings.Count;
                    for (int k = 0; k < ins.PoolCount; k++) landings.Add(new Landing(i, k, Resolve(analysis, openers, code.Catch(ins, k).Label)));
                    if (ins.PoolCount > 0) landingsOf[i] = (first, ins.PoolCount);
                    break;
                }
                case Opcode.Else:
                    fallsThrough = false;
                    targets.Add(analysis.Partner(i) + 1);
                    break;
                case Opcode.Catch or Opcode.CatchAll:
                {
                    // Reached by falling out of the try body (or the previous arm): leave the try.
                    int tryIndex = openers[^1];
                    if (!handlersOf.TryGetValue(tryIndex, out var arms)) handlersOf[tryIndex] = arms = [];
                    arms.Add(i + 1);
                    fallsThrough = false;
                    targets.Add(analysis.Partner(tryIndex) + 1);
                    break;
                }
                case Opcode.End or Opcode.Delegate:
                    if (openers.Count == 1)
                    {
                        fallsThrough = false;
                        targets.Add(ExitTarget);
                    }
                    break;
                case Opcode.Br:
                    fallsThrough = false;
                    targets.Add(Resolve(analysis, openers, ins.Index));
                    break;
                case Opcode.BrIf or Opcode.BrOnNull or Opcode.BrOnNonNull:
                    targets.Add(Resolve(analysis, openers, ins.Index));
                    break;
                case Opcode.BrOnCast or Opcode.BrOnCastFail:
                    targets.Add(Resolve(analysis, openers, ins.CastLabel));
                    break;
                case Opcode.BrTable:
                    fallsThrough = false;
                    for (int k = 0; k < ins.PoolCount; k++) targets.Add(Resolve(analysis, openers, code.BrTableLabel(ins, k)));
                    targets.Add(Resolve(analysis, openers, ins.Index));
                    BrTableTargets[i] = [.. targets];
                    break;
                case Opcode.Return or Opcode.ReturnCall or Opcode.ReturnCallIndirect or Opcode.ReturnCallRef
                    or Opcode.Throw or Opcode.ThrowRef or Opcode.Rethrow or Opcode.Unreachable:
                    fallsThrough = false;
                    targets.Add(ExitTarget);
                    break;
                case Opcode.Call or Opcode.CallIndirect or Opcode.CallRef when catching:
                    targets.Add(ExitTarget);
                    break;
            }

            if (ins.Opcode == Opcode.If)
            {
                // Then arm, and the else arm or (without one) past the end.
                int elseIndex = _elseOf[i];
                targets.Add(elseIndex >= 0 ? elseIndex + 1 : analysis.Partner(i) + 1);
            }

            if (reachable)
            {
                distinct.Clear();
                if (fallsThrough && i + 1 < n && distinct.Add(i + 1)) successors.Add(i + 1);
                foreach (int t in targets)
                {
                    if (distinct.Add(t)) successors.Add(t);
                }
            }

            // Control stack after the instruction.
            switch (ins.Opcode)
            {
                case Opcode.Block or Opcode.If or Opcode.TryTable or Opcode.Try:
                    openers.Add(i);
                    break;
                case Opcode.Loop:
                    openers.Add(i);
                    loopDepth++;
                    break;
                case Opcode.End or Opcode.Delegate:
                    int closed = openers[^1];
                    openers.RemoveAt(openers.Count - 1);
                    if (closed >= 0 && code[closed].Opcode == Opcode.Loop) loopDepth--;
                    break;
            }
        }
        successorStart[n] = successors.Count;

        // Reachability from the entry; a reachable try_table or try makes its handlers reachable (through EXIT).
        var reached = new bool[n];
        var landingReached = new bool[landings.Count];
        var handlerStarts = new HashSet<int>();
        var queue = new Queue<int>();
        void Reach(int index)
        {
            if (index < 0 || index >= n || reached[index] || !analysis.IsReachable(index)) return;
            reached[index] = true;
            queue.Enqueue(index);
        }
        Reach(0);
        while (queue.Count > 0)
        {
            int i = queue.Dequeue();
            for (int s = successorStart[i]; s < successorStart[i + 1]; s++) Reach(successors[s]);
            if (landingsOf.TryGetValue(i, out var range))
            {
                for (int l = range.First; l < range.First + range.Count; l++)
                {
                    landingReached[l] = true;
                    Reach(landings[l].Target);
                }
            }
            if (handlersOf.TryGetValue(i, out var arms))
            {
                foreach (int h in arms)
                {
                    handlerStarts.Add(h);
                    Reach(h);
                }
            }
        }

        // Predecessor counts: how many edges enter each instruction, and whether the only one is the fallthrough of a
        // previous instruction that has no other successor.
        var predecessors = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!reached[i]) continue;
            for (int s = successorStart[i]; s < successorStart[i + 1]; s++)
            {
                if (successors[s] >= 0) predecessors[successors[s]]++;
            }
        }
        for (int l = 0; l < landings.Count; l++)
        {
            if (landingReached[l] && landings[l].Target >= 0) predecessors[landings[l].Target]++;
        }

        var blockOf = new int[n];
        var starts = new List<int>();
        var lasts = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (!reached[i])
            {
                blockOf[i] = -1;
                continue;
            }
            bool leader = i == 0 || handlerStarts.Contains(i) || predecessors[i] != 1 || !reached[i - 1]
                || successorStart[i] - successorStart[i - 1] != 1 || successors[successorStart[i - 1]] != i;
            if (leader)
            {
                starts.Add(i);
                lasts.Add(i);
            }
            else
            {
                lasts[^1] = i;
            }
            blockOf[i] = starts.Count - 1;
        }
        BlockStart = [.. starts];
        BlockLast = [.. lasts];
        BlockOf = blockOf;

        // Only reachable landings become nodes.
        var keptLandings = new List<Landing>();
        for (int l = 0; l < landings.Count; l++)
        {
            if (landingReached[l]) keptLandings.Add(landings[l]);
        }
        Landings = [.. keptLandings];

        var edges = new List<FlowEdge>(starts.Count * 3 + 1);
        if (n > 0) edges.Add(new FlowEdge(Exit, BlockIn(0), EdgeKind.Entry));
        for (int b = 0; b < starts.Count; b++)
        {
            edges.Add(new FlowEdge(BlockIn(b), BlockOut(b), EdgeKind.Internal));
            int last = lasts[b];
            var opcode = code[last].Opcode;
            for (int s = successorStart[last]; s < successorStart[last + 1]; s++)
            {
                int target = successors[s];
                var kind = target == ExitTarget && catching && opcode is Opcode.Call or Opcode.CallIndirect or Opcode.CallRef ? EdgeKind.Unwind : EdgeKind.Flow;
                edges.Add(new FlowEdge(BlockOut(b), target == ExitTarget ? Exit : BlockIn(blockOf[target]), kind));
            }
        }
        foreach (int h in handlerStarts.Order()) edges.Add(new FlowEdge(Exit, BlockIn(blockOf[h]), EdgeKind.Catch));
        for (int l = 0; l < Landings.Length; l++)
        {
            edges.Add(new FlowEdge(Exit, LandingIn(l), EdgeKind.Catch));
            edges.Add(new FlowEdge(LandingIn(l), LandingOut(l), EdgeKind.Internal));
            int target = Landings[l].Target;
            edges.Add(new FlowEdge(LandingOut(l), target == ExitTarget ? Exit : BlockIn(blockOf[target]), EdgeKind.Flow));
        }
        Edges = [.. edges];
    }

    private int[] _elseOf = [];

    /// <summary>The else of the if at <paramref name="ifIndex"/>, or -1 when it has none.</summary>
    public int ElseOf(int ifIndex) => _elseOf[ifIndex];

    private static int[] ElseIndices(Expression code)
    {
        var result = new int[code.Count];
        Array.Fill(result, -1);
        var open = new Stack<int>();
        for (int i = 0; i < code.Count; i++)
        {
            switch (code[i].Opcode)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If or Opcode.TryTable or Opcode.Try:
                    open.Push(i);
                    break;
                case Opcode.End or Opcode.Delegate when open.Count > 0:
                    open.Pop();
                    break;
                case Opcode.Else when open.Count > 0:
                    result[open.Peek()] = i;
                    break;
            }
        }
        return result;
    }
}
