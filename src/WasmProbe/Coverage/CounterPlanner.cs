using WasmProbe.Wasm.Instructions;

namespace WasmProbe.Coverage;

/// <summary>Where the coverage pass counts one function and how the other counts follow.
/// <para>Counters sit on the edges of the function's flow graph that are <em>not</em> in a spanning tree; the tree's edges
/// are derived after the run from flow conservation (what enters a node leaves it), as gcov does. The tree is a maximum
/// spanning tree by estimated frequency (10^loop depth), so hot edges are derived and counters land on cold ones; a loop
/// costs one increment per iteration. Edges that cannot be counted without splitting them (a conditional branch's taken
/// side into a join point) go into the tree first: each branching node has at most one such edge, except br_table, so
/// only br_table edges can ever be left out, and those are counted in a small stub block.</para></summary>
internal sealed class FunctionPlan
{
    public required int Function { get; init; }
    public required ControlFlow Flow { get; init; }

    /// <summary>Per edge: the counter that counts it, or -1 when it is derived.</summary>
    public required int[] EdgeCounter { get; init; }

    /// <summary>Counters incremented at the start of a block (before its first instruction), per block.</summary>
    public Dictionary<int, List<int>> StartCounters { get; } = [];

    /// <summary>Counters incremented before the last instruction of a block, per block.</summary>
    public Dictionary<int, List<int>> EndCounters { get; } = [];

    /// <summary>Counters incremented in a try_table clause's landing code, per landing.</summary>
    public Dictionary<int, List<int>> LandingCounters { get; } = [];

    /// <summary>br_table edges counted in stubs: per block ending in a br_table, target instruction (-1: exit) to counters.</summary>
    public Dictionary<int, Dictionary<int, List<int>>> StubCounters { get; } = [];

    /// <summary>Per select instruction: the counter of "first operand chosen" (condition non-zero).</summary>
    public Dictionary<int, int> SelectCounters { get; } = [];

    public BranchSpec[] Branches { get; set; } = [];
}

internal enum OutcomeSource : byte
{
    /// <summary>The count of edge <see cref="OutcomeSpec.Index"/>.</summary>
    Edge,
    /// <summary>Select's first operand: counter <see cref="OutcomeSpec.Index"/>.</summary>
    SelectFirst,
    /// <summary>Select's second operand: the select's executions minus counter <see cref="OutcomeSpec.Index"/>.</summary>
    SelectSecond,
}

internal readonly record struct OutcomeSpec(string Label, OutcomeSource Source, int Index);

/// <summary>A branch point: the instruction, its pc and its outcomes.</summary>
internal sealed record BranchSpec(int Instruction, int Pc, Opcode Opcode, OutcomeSpec[] Outcomes);

internal static class CounterPlanner
{
    /// <param name="countEverything">Count every edge that can be counted (all but a conditional branch's uncountable
    /// side), for tests that check derived counts against counted ones.</param>
    public static FunctionPlan Plan(int function, ControlFlow flow, ref int nextCounter, bool countEverything = false)
    {
        var edges = flow.Edges;
        int nodes = flow.NodeCount;
        var inDegree = new int[nodes];
        var outDegree = new int[nodes];
        foreach (var e in edges)
        {
            outDegree[e.From]++;
            inDegree[e.To]++;
        }

        bool CountableAtTarget(FlowEdge e) => e.Kind == EdgeKind.Internal || (flow.IsInNode(e.To) && inDegree[e.To] == 1);
        bool CountableAtSource(FlowEdge e) => e.Kind == EdgeKind.Internal || (flow.IsOutNode(e.From) && outDegree[e.From] == 1);
        bool IsBrTableEdge(FlowEdge e)
        {
            int block = flow.IsOutNode(e.From) ? flow.BlockOfNode(e.From) : -1;
            return block >= 0 && flow.Code[flow.BlockLast[block]].Opcode == Opcode.BrTable;
        }

        // Priority: uncountable edges first (br_table ones after the others), then by estimated frequency, hottest
        // first; among equals, edges only countable at their source's end go into the tree before the rest, so counters
        // rather sit where a block starts. The entry edge comes last, so a function's calls are counted directly.
        // One sort key per edge: priority, then weight rank (descending), then preference, then the edge index.
        var order = new long[edges.Length];
        var priority = new int[edges.Length];
        for (int i = 0; i < edges.Length; i++)
        {
            var e = edges[i];
            bool critical = !CountableAtTarget(e) && !CountableAtSource(e);
            priority[i] = critical ? (IsBrTableEdge(e) ? 1 : 0) : 2;
            int depth = Math.Min(flow.NodeDepth(e.From), flow.NodeDepth(e.To));
            int coldness = e.Kind == EdgeKind.Entry ? 10 : 9 - Math.Min(depth, 9);
            int preference = CountableAtTarget(e) ? 1 : 0;
            order[i] = ((long)((priority[i] * 16 + coldness) * 2 + preference) << 32) | (uint)i;
        }
        Array.Sort(order);

        var sets = new UnionFind(nodes);
        var counter = new int[edges.Length];
        Array.Fill(counter, -1);
        var plan = new FunctionPlan { Function = function, Flow = flow, EdgeCounter = counter };
        foreach (long key in order)
        {
            int i = (int)key;
            var e = edges[i];
            if (countEverything ? priority[i] == 0 && sets.Union(e.From, e.To) : sets.Union(e.From, e.To)) continue;
            int id = nextCounter++;
            counter[i] = id;
            Place(plan, e, id, CountableAtTarget(e), CountableAtSource(e));
        }

        for (int i = 0; i < flow.Code.Count; i++)
        {
            if (flow.BlockOf[i] >= 0 && flow.Code[i].Opcode is Opcode.Select or Opcode.SelectTyped) plan.SelectCounters[i] = nextCounter++;
        }
        plan.Branches = BranchPoints(plan);
        return plan;
    }

    private static void Place(FunctionPlan plan, FlowEdge e, int id, bool atTarget, bool atSource)
    {
        var flow = plan.Flow;
        if (e.Kind == EdgeKind.Internal)
        {
            int block = flow.BlockOfNode(e.From);
            if (block >= 0) Add(plan.StartCounters, block, id);
            else Add(plan.LandingCounters, flow.LandingOfNode(e.From), id);
            return;
        }
        if (atTarget)
        {
            int block = flow.BlockOfNode(e.To);
            if (block >= 0) Add(plan.StartCounters, block, id);
            else Add(plan.LandingCounters, flow.LandingOfNode(e.To), id);
            return;
        }
        if (atSource)
        {
            int block = flow.BlockOfNode(e.From);
            if (block >= 0) Add(plan.EndCounters, block, id);
            else Add(plan.LandingCounters, flow.LandingOfNode(e.From), id);
            return;
        }
        int source = flow.BlockOfNode(e.From);
        if (source < 0 || flow.Code[flow.BlockLast[source]].Opcode != Opcode.BrTable)
            throw new InvalidOperationException($"coverage planning left an uncountable edge {e} out of the spanning tree");
        int target = e.To == ControlFlow.Exit ? -1 : flow.BlockStart[flow.BlockOfNode(e.To)];
        if (!plan.StubCounters.TryGetValue(source, out var stubs)) plan.StubCounters[source] = stubs = [];
        Add(stubs, target, id);
    }

    private static void Add(Dictionary<int, List<int>> map, int key, int id)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(id);
    }

    /// <summary>The branch points of the function and how each outcome's count is found.</summary>
    private static BranchSpec[] BranchPoints(FunctionPlan plan)
    {
        var flow = plan.Flow;
        var code = flow.Code;
        var edges = flow.Edges;
        var outEdges = OutEdges(edges, flow.NodeCount);
        int EdgeTo(int from, int targetInstruction)
        {
            int to = targetInstruction < 0 ? ControlFlow.Exit : ControlFlow.BlockIn(flow.BlockOf[targetInstruction]);
            foreach (int i in outEdges[from])
            {
                if (edges[i].To == to && edges[i].Kind != EdgeKind.Unwind) return i;
            }
            throw new InvalidOperationException($"no edge from node {from} to instruction {targetInstruction}");
        }

        var result = new List<BranchSpec>();
        var landingsOf = new Dictionary<int, List<int>>();
        for (int l = 0; l < flow.Landings.Length; l++)
        {
            if (!landingsOf.TryGetValue(flow.Landings[l].TryTable, out var list)) landingsOf[flow.Landings[l].TryTable] = list = [];
            list.Add(l);
        }
        var catchEdges = new Dictionary<int, int>();
        for (int i = 0; i < edges.Length; i++)
        {
            if (edges[i].Kind == EdgeKind.Catch) catchEdges[edges[i].To] = i;
        }

        var catchArms = CatchArms(code);
        for (int i = 0; i < code.Count; i++)
        {
            int block = flow.BlockOf[i];
            if (block < 0) continue;
            var ins = code[i];
            int pc = ins.Offset;
            int from = ControlFlow.BlockOut(block);
            switch (ins.Opcode)
            {
                case Opcode.BrIf or Opcode.BrOnNull or Opcode.BrOnNonNull or Opcode.BrOnCast or Opcode.BrOnCastFail:
                {
                    int fall = EdgeTo(from, i + 1);
                    int taken = -1;
                    foreach (int e in outEdges[from])
                    {
                        if (e != fall && edges[e].Kind != EdgeKind.Unwind)
                        {
                            taken = e;
                            break;
                        }
                    }
                    result.Add(new BranchSpec(i, pc, ins.Opcode, [new("taken", OutcomeSource.Edge, taken), new("not taken", OutcomeSource.Edge, fall)]));
                    break;
                }
                case Opcode.If:
                {
                    int then = EdgeTo(from, i + 1);
                    int otherwise = -1;
                    foreach (int e in outEdges[from])
                    {
                        if (e != then)
                        {
                            otherwise = e;
                            break;
                        }
                    }
                    result.Add(new BranchSpec(i, pc, ins.Opcode, [new("then", OutcomeSource.Edge, then), new(flow.ElseOf(i) >= 0 ? "else" : "else (implicit)", OutcomeSource.Edge, otherwise)]));
                    break;
                }
                case Opcode.BrTable:
                {
                    // One outcome per distinct target, named by the table entries that lead there.
                    var targets = flow.BrTableTargets[i];
                    var labels = new List<(int Edge, List<string> Entries)>();
                    var labelOfEdge = new Dictionary<int, int>();
                    for (int k = 0; k < targets.Length; k++)
                    {
                        int edge = EdgeTo(from, targets[k]);
                        if (!labelOfEdge.TryGetValue(edge, out int found))
                        {
                            labels.Add((edge, []));
                            labelOfEdge[edge] = found = labels.Count - 1;
                        }
                        labels[found].Entries.Add(k == targets.Length - 1 ? "default" : k.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                    if (labels.Count < 2) break;
                    result.Add(new BranchSpec(i, pc, ins.Opcode, [.. labels.Select(l => new OutcomeSpec(Describe(l.Entries), OutcomeSource.Edge, l.Edge))]));
                    break;
                }
                case Opcode.Select or Opcode.SelectTyped:
                    result.Add(new BranchSpec(i, pc, ins.Opcode, [new("first", OutcomeSource.SelectFirst, plan.SelectCounters[i]), new("second", OutcomeSource.SelectSecond, plan.SelectCounters[i])]));
                    break;
                case Opcode.TryTable when landingsOf.TryGetValue(i, out var landings):
                    result.Add(new BranchSpec(i, pc, ins.Opcode, [.. landings.Select(l => new OutcomeSpec(ClauseName(code, ins, flow.Landings[l].Clause), OutcomeSource.Edge, catchEdges[flow.LandingIn(l)]))]));
                    break;
                case Opcode.Try when catchArms.TryGetValue(i, out var catches):
                {
                    var arms = new List<OutcomeSpec>();
                    foreach (int j in catches)
                    {
                        if (flow.BlockOf[j + 1] >= 0 && catchEdges.TryGetValue(ControlFlow.BlockIn(flow.BlockOf[j + 1]), out int edge))
                            arms.Add(new OutcomeSpec(code[j].Opcode == Opcode.CatchAll ? "catch_all" : $"catch tag {code[j].Index}", OutcomeSource.Edge, edge));
                    }
                    if (arms.Count > 0) result.Add(new BranchSpec(i, pc, ins.Opcode, [.. arms]));
                    break;
                }
            }
        }
        return [.. result];
    }

    /// <summary>Each node's outgoing edges, in edge order.</summary>
    private static ArraySegment<int>[] OutEdges(FlowEdge[] edges, int nodes)
    {
        var start = new int[nodes + 1];
        foreach (var e in edges) start[e.From + 1]++;
        for (int n = 0; n < nodes; n++) start[n + 1] += start[n];
        var list = new int[edges.Length];
        var next = (int[])start.Clone();
        for (int i = 0; i < edges.Length; i++) list[next[edges[i].From]++] = i;
        var result = new ArraySegment<int>[nodes];
        for (int n = 0; n < nodes; n++) result[n] = new ArraySegment<int>(list, start[n], start[n + 1] - start[n]);
        return result;
    }

    /// <summary>Per legacy try: its catch and catch_all instructions, in order.</summary>
    private static Dictionary<int, List<int>> CatchArms(Expression code)
    {
        var result = new Dictionary<int, List<int>>();
        var openers = new Stack<int>();
        for (int j = 0; j < code.Count; j++)
        {
            switch (code[j].Opcode)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If or Opcode.TryTable or Opcode.Try:
                    openers.Push(j);
                    break;
                case Opcode.End or Opcode.Delegate when openers.Count > 0:
                    openers.Pop();
                    break;
                case Opcode.Catch or Opcode.CatchAll when openers.Count > 0:
                    if (!result.TryGetValue(openers.Peek(), out var arms)) result[openers.Peek()] = arms = [];
                    arms.Add(j);
                    break;
            }
        }
        return result;
    }

    private static string Describe(List<string> entries)
    {
        if (entries.Count == 1) return entries[0] == "default" ? "default" : $"case {entries[0]}";
        const int shown = 6;
        string list = string.Join(",", entries.Where(e => e != "default").Take(shown));
        int more = entries.Count(e => e != "default") - shown;
        if (more > 0) list += $",+{more}";
        return entries.Contains("default") ? $"cases {list} and default" : $"cases {list}";
    }

    private static string ClauseName(Expression code, in Instruction tryTable, int clause)
    {
        var c = code.Catch(tryTable, clause);
        return c.Kind switch
        {
            CatchKind.Catch => $"catch tag {c.Tag}",
            CatchKind.CatchRef => $"catch_ref tag {c.Tag}",
            CatchKind.CatchAll => "catch_all",
            _ => "catch_all_ref",
        };
    }

    private sealed class UnionFind
    {
        private readonly int[] _parent;

        public UnionFind(int count)
        {
            _parent = new int[count];
            for (int i = 0; i < count; i++) _parent[i] = i;
        }

        private int Find(int x)
        {
            while (_parent[x] != x)
            {
                _parent[x] = _parent[_parent[x]];
                x = _parent[x];
            }
            return x;
        }

        /// <summary>Joins the sets of a and b; false when they were already one set.</summary>
        public bool Union(int a, int b)
        {
            int ra = Find(a), rb = Find(b);
            if (ra == rb) return false;
            _parent[ra] = rb;
            return true;
        }
    }
}
