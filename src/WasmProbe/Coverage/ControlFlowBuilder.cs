using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Coverage;

/// <summary>Builds the <see cref="ControlFlow"/> of function after function. Its per-instruction working arrays
/// (successors, reachability, predecessor counts, blocks, loop depths) are reused from one function to the next and
/// sized for the largest so far, so a pass over a module does not leave a large-object-heap array behind per big
/// function. Not thread-safe: one builder per pass.</summary>
internal sealed class ControlFlowBuilder
{
    private const int ExitTarget = -1;

    private int[] _successorStart = [];
    private int[] _loopDepth = [];
    private int[] _predecessors = [];
    private int[] _blockOf = [];
    private bool[] _reached = [];
    private readonly List<int> _successors = [];
    private readonly List<int> _openers = [];
    private readonly List<int> _targets = [];
    private readonly HashSet<int> _distinct = [];
    private readonly Queue<int> _queue = new();

    /// <summary>Builds the graph. <paramref name="catching"/>: the module has catch clauses, so calls may unwind.</summary>
    public ControlFlow Build(Expression code, BlockStructure structure, bool catching)
    {
        int n = code.Count;
        if (_reached.Length < n)
        {
            _successorStart = new int[n + 1];
            _loopDepth = new int[n];
            _predecessors = new int[n];
            _blockOf = new int[n];
            _reached = new bool[n];
        }
        var instructions = code.Instructions;
        var successorStart = _successorStart;
        var successors = _successors;
        var openers = _openers;
        var targets = _targets;
        successors.Clear();
        openers.Clear();
        openers.Add(-1);

        // Successors of every instruction in compressed rows (ExitTarget = the function's exit). Handler entries are
        // recorded per opener: try_table landings, legacy catch arms.
        var landings = new List<Landing>();
        var landingsOf = new Dictionary<int, (int First, int Count)>();
        var handlersOf = new Dictionary<int, List<int>>();
        var brTableTargets = new Dictionary<int, int[]>();
        int loopDepth = 0;

        int Resolve(int label)
        {
            int opener = openers[openers.Count - 1 - label];
            if (opener < 0) return ExitTarget;
            return OpcodeTable.Get(instructions[opener].Opcode).Control == ControlKind.Loop ? opener + 1 : structure.EndOf(opener) + 1;
        }

        for (int i = 0; i < n; i++)
        {
            var ins = instructions[i];
            successorStart[i] = successors.Count;
            _loopDepth[i] = loopDepth;
            targets.Clear();
            var info = OpcodeTable.Get(ins.Opcode);
            bool fallsThrough = !info.EndsFallthrough;
            switch (info.Control)
            {
                case ControlKind.If:
                {
                    // Then arm, and the else arm or (without one) past the end.
                    int elseIndex = structure.ElseOf(i);
                    targets.Add(elseIndex >= 0 ? elseIndex + 1 : structure.EndOf(i) + 1);
                    break;
                }
                case ControlKind.TryTable:
                {
                    int first = landings.Count;
                    for (int k = 0; k < ins.PoolCount; k++) landings.Add(new Landing(i, k, Resolve(code.Catch(ins, k).Label)));
                    if (ins.PoolCount > 0) landingsOf[i] = (first, ins.PoolCount);
                    break;
                }
                case ControlKind.Else:
                    fallsThrough = false;
                    targets.Add(structure.EndOf(i) + 1);
                    break;
                case ControlKind.Catch:
                {
                    // Reached by falling out of the try body (or the previous arm): leave the try.
                    int tryIndex = openers[^1];
                    if (!handlersOf.TryGetValue(tryIndex, out var arms)) handlersOf[tryIndex] = arms = [];
                    arms.Add(i + 1);
                    fallsThrough = false;
                    targets.Add(structure.EndOf(tryIndex) + 1);
                    break;
                }
                case ControlKind.End or ControlKind.Delegate:
                    if (openers.Count == 1)
                    {
                        fallsThrough = false;
                        targets.Add(ExitTarget);
                    }
                    break;
                case ControlKind.Branch or ControlKind.BranchIf:
                    targets.Add(Resolve(ins.Label));
                    break;
                case ControlKind.BranchTable:
                    for (int k = 0; k < ins.PoolCount; k++) targets.Add(Resolve(code.BrTableLabel(ins, k)));
                    targets.Add(Resolve(ins.Index));
                    brTableTargets[i] = [.. targets];
                    break;
                case ControlKind.Return or ControlKind.TailCall or ControlKind.Throw or ControlKind.Unreachable:
                    targets.Add(ExitTarget);
                    break;
                case ControlKind.Call when catching:
                    targets.Add(ExitTarget);
                    break;
            }

            if (fallsThrough && i + 1 < n) successors.Add(i + 1);
            if (targets.Count > 0) AddDistinct(successorStart[i], targets);

            // Control stack after the instruction.
            if (info.OpensBlock)
            {
                openers.Add(i);
                if (info.Control == ControlKind.Loop) loopDepth++;
            }
            else if (info.ClosesBlock)
            {
                int closed = openers[^1];
                openers.RemoveAt(openers.Count - 1);
                if (closed >= 0 && OpcodeTable.Get(instructions[closed].Opcode).Control == ControlKind.Loop) loopDepth--;
            }
        }
        successorStart[n] = successors.Count;

        // Reachability from the entry; a reachable try_table or try makes its handlers reachable (through EXIT).
        var reached = _reached;
        Array.Clear(reached, 0, n);
        var landingReached = new bool[landings.Count];
        var handlerStarts = new HashSet<int>();
        var queue = _queue;
        void Reach(int index)
        {
            if (index < 0 || index >= n || reached[index]) return;
            reached[index] = true;
            queue.Enqueue(index);
        }
        Reach(0);
        while (queue.Count > 0)
        {
            int i = queue.Dequeue();
            for (int s = successorStart[i]; s < successorStart[i + 1]; s++) Reach(successors[s]);
            if (landingsOf.Count > 0 && landingsOf.TryGetValue(i, out var range))
            {
                for (int l = range.First; l < range.First + range.Count; l++)
                {
                    landingReached[l] = true;
                    Reach(landings[l].Target);
                }
            }
            if (handlersOf.Count > 0 && handlersOf.TryGetValue(i, out var arms))
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
        var predecessors = _predecessors;
        Array.Clear(predecessors, 0, n);
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

        var blockOf = _blockOf;
        var starts = new List<int>();
        var lasts = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (!reached[i])
            {
                blockOf[i] = -1;
                continue;
            }
            bool leader = i == 0 || predecessors[i] != 1 || !reached[i - 1]
                || successorStart[i] - successorStart[i - 1] != 1 || successors[successorStart[i - 1]] != i
                || (handlerStarts.Count > 0 && handlerStarts.Contains(i));
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
        var blockLoopDepth = new int[starts.Count];
        for (int b = 0; b < starts.Count; b++) blockLoopDepth[b] = _loopDepth[starts[b]];

        // Only reachable landings become nodes.
        var keptLandings = new List<Landing>();
        for (int l = 0; l < landings.Count; l++)
        {
            if (landingReached[l]) keptLandings.Add(landings[l]);
        }
        var landingLoopDepth = new int[keptLandings.Count];
        for (int l = 0; l < keptLandings.Count; l++) landingLoopDepth[l] = _loopDepth[keptLandings[l].TryTable];

        int blockCount = starts.Count;
        int BlockIn(int block) => ControlFlow.BlockIn(block);
        int LandingIn(int landing) => 1 + 2 * (blockCount + landing);
        var edges = new List<FlowEdge>(blockCount * 3 + 1);
        if (n > 0) edges.Add(new FlowEdge(ControlFlow.Exit, BlockIn(0), EdgeKind.Entry));
        for (int b = 0; b < blockCount; b++)
        {
            edges.Add(new FlowEdge(BlockIn(b), ControlFlow.BlockOut(b), EdgeKind.Internal));
            int last = lasts[b];
            bool call = OpcodeTable.Get(instructions[last].Opcode).Control == ControlKind.Call;
            for (int s = successorStart[last]; s < successorStart[last + 1]; s++)
            {
                int target = successors[s];
                var kind = target == ExitTarget && catching && call ? EdgeKind.Unwind : EdgeKind.Flow;
                edges.Add(new FlowEdge(ControlFlow.BlockOut(b), target == ExitTarget ? ControlFlow.Exit : BlockIn(blockOf[target]), kind));
            }
        }
        foreach (int h in handlerStarts.Order()) edges.Add(new FlowEdge(ControlFlow.Exit, BlockIn(blockOf[h]), EdgeKind.Catch));
        for (int l = 0; l < keptLandings.Count; l++)
        {
            edges.Add(new FlowEdge(ControlFlow.Exit, LandingIn(l), EdgeKind.Catch));
            edges.Add(new FlowEdge(LandingIn(l), LandingIn(l) + 1, EdgeKind.Internal));
            int target = keptLandings[l].Target;
            edges.Add(new FlowEdge(LandingIn(l) + 1, target == ExitTarget ? ControlFlow.Exit : BlockIn(blockOf[target]), EdgeKind.Flow));
        }
        return new ControlFlow(code, [.. starts], [.. lasts], blockLoopDepth, [.. keptLandings], landingLoopDepth, brTableTargets, [.. edges]);
    }

    /// <summary>Appends the targets not yet among the successors added since <paramref name="rowStart"/>.</summary>
    private void AddDistinct(int rowStart, List<int> targets)
    {
        var successors = _successors;
        if (targets.Count <= 8)
        {
            foreach (int t in targets)
            {
                bool seen = false;
                for (int s = rowStart; s < successors.Count && !seen; s++) seen = successors[s] == t;
                if (!seen) successors.Add(t);
            }
            return;
        }
        _distinct.Clear();
        for (int s = rowStart; s < successors.Count; s++) _distinct.Add(successors[s]);
        foreach (int t in targets)
        {
            if (_distinct.Add(t)) successors.Add(t);
        }
    }
}
