using System.Globalization;
using WasmProbe.Wasm.Analysis;

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
    /// <remarks>Counter numbers in a plan and its <see cref="CounterPlacement"/> are the function's own, from 0: the
    /// module's counter is <see cref="FirstCounter"/> plus it (functions are planned in parallel, numbered after).</remarks>
    public required int[] EdgeCounter { get; init; }

    /// <summary>The module's number of this function's counter 0.</summary>
    public int FirstCounter { get; set; }

    /// <summary>How many counters the function has.</summary>
    public int CounterCount { get; set; }

    /// <summary>The branch points, in code order; each names its outcomes' range in <see cref="Outcomes"/>.</summary>
    public BranchSpec[] Branches { get; set; } = [];

    public OutcomeSpec[] Outcomes { get; set; } = [];

    /// <summary>How many br_tables got stub blocks to count some of their edges.</summary>
    public int StubbedBrTables { get; set; }

    public ReadOnlySpan<OutcomeSpec> OutcomesOf(in BranchSpec branch) => Outcomes.AsSpan(branch.FirstOutcome, branch.OutcomeCount);
}

/// <summary>A counter incremented where a block starts (before its first instruction) or before its last instruction.</summary>
internal readonly record struct CounterSite(int Block, bool AtEnd, int Counter);

/// <summary>Where the rewritten body increments each counter of a <see cref="FunctionPlan"/>: needed while the body is
/// written, not for the results.</summary>
internal sealed class CounterPlacement
{
    /// <summary>Counters at block starts and ends, by block, a block's start counters before its end counters.</summary>
    public CounterSite[] BlockCounters { get; set; } = [];

    /// <summary>Counters incremented in a try_table clause's landing code, per landing.</summary>
    public Dictionary<int, List<int>> LandingCounters { get; } = [];

    /// <summary>br_table edges counted in stubs: per block ending in a br_table, target instruction (-1: exit) to counters.</summary>
    public Dictionary<int, Dictionary<int, List<int>>> StubCounters { get; } = [];

    /// <summary>Per select instruction: the counter of "first operand chosen" (condition non-zero).</summary>
    public Dictionary<int, int> SelectCounters { get; } = [];
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

/// <summary>A branch point: the instruction, its pc and where its outcomes are in <see cref="FunctionPlan.Outcomes"/>.</summary>
internal readonly record struct BranchSpec(int Instruction, int Pc, Opcode Opcode, int FirstOutcome, int OutcomeCount);

internal static class CounterPlanner
{
    /// <param name="countEverything">Count every edge that can be counted (all but a conditional branch's uncountable
    /// side), for tests that check derived counts against counted ones.</param>
    public static (FunctionPlan Plan, CounterPlacement Placement) Plan(int function, ControlFlow flow, BlockStructure structure, bool countEverything = false)
    {
        int nextCounter = 0;
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
            return block >= 0 && OpcodeTable.Get(flow.Code[flow.BlockLast[block]].Opcode).Control == ControlKind.BranchTable;
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
        var placement = new CounterPlacement();
        var blockCounters = new List<CounterSite>();
        foreach (long key in order)
        {
            int i = (int)key;
            var e = edges[i];
            if (countEverything ? priority[i] == 0 && sets.Union(e.From, e.To) : sets.Union(e.From, e.To)) continue;
            int id = nextCounter++;
            counter[i] = id;
            Place(flow, placement, blockCounters, e, id, CountableAtTarget(e), CountableAtSource(e));
        }
        // By block, start counters first; a block's counters keep the order they were planned in.
        var sites = blockCounters.ToArray();
        var siteOrder = new long[sites.Length];
        for (int k = 0; k < sites.Length; k++) siteOrder[k] = ((long)(sites[k].Block * 2 + (sites[k].AtEnd ? 1 : 0)) << 32) | (uint)k;
        Array.Sort(siteOrder);
        placement.BlockCounters = [.. siteOrder.Select(key => sites[(int)key])];
        plan.StubbedBrTables = placement.StubCounters.Count;

        var instructions = flow.Code.Instructions;
        for (int b = 0; b < flow.BlockCount; b++)
        {
            for (int i = flow.BlockStart[b]; i <= flow.BlockLast[b]; i++)
            {
                if (instructions[i].Opcode is Opcode.Select or Opcode.SelectTyped) placement.SelectCounters[i] = nextCounter++;
            }
        }
        plan.CounterCount = nextCounter;
        BranchPoints(plan, placement, structure);
        return (plan, placement);
    }

    private static void Place(ControlFlow flow, CounterPlacement placement, List<CounterSite> blockCounters, FlowEdge e, int id, bool atTarget, bool atSource)
    {
        // A block's own count, or an edge counted where it enters its target or leaves its source.
        var (node, atEnd) = e.Kind == EdgeKind.Internal ? (e.From, false) : atTarget ? (e.To, false) : atSource ? (e.From, true) : (-1, false);
        if (node >= 0)
        {
            int block = flow.BlockOfNode(node);
            if (block >= 0) blockCounters.Add(new CounterSite(block, atEnd, id));
            else Add(placement.LandingCounters, flow.LandingOfNode(node), id);
            return;
        }
        int source = flow.BlockOfNode(e.From);
        if (source < 0 || OpcodeTable.Get(flow.Code[flow.BlockLast[source]].Opcode).Control != ControlKind.BranchTable)
            throw new InvalidOperationException($"coverage planning left an uncountable edge {e} out of the spanning tree");
        int target = e.To == ControlFlow.Exit ? -1 : flow.BlockStart[flow.BlockOfNode(e.To)];
        if (!placement.StubCounters.TryGetValue(source, out var stubs)) placement.StubCounters[source] = stubs = [];
        Add(stubs, target, id);
    }

    private static void Add(Dictionary<int, List<int>> map, int key, int id)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(id);
    }

    /// <summary>The branch points of the function and how each outcome's count is found.</summary>
    private static void BranchPoints(FunctionPlan plan, CounterPlacement placement, BlockStructure structure)
    {
        var flow = plan.Flow;
        var code = flow.Code;
        var edges = flow.Edges;
        var outStart = OutEdgeStarts(edges, flow.NodeCount, out var outEdges);
        int EdgeTo(int from, int targetInstruction)
        {
            int to = targetInstruction < 0 ? ControlFlow.Exit : ControlFlow.BlockIn(flow.BlockOf(targetInstruction));
            for (int k = outStart[from]; k < outStart[from + 1]; k++)
            {
                int i = outEdges[k];
                if (edges[i].To == to && edges[i].Kind != EdgeKind.Unwind) return i;
            }
            throw new InvalidOperationException($"no edge from node {from} to instruction {targetInstruction}");
        }
        int OtherEdge(int from, int edge, bool skipUnwind)
        {
            for (int k = outStart[from]; k < outStart[from + 1]; k++)
            {
                int i = outEdges[k];
                if (i != edge && !(skipUnwind && edges[i].Kind == EdgeKind.Unwind)) return i;
            }
            return -1;
        }

        var branches = new List<BranchSpec>();
        var outcomes = new List<OutcomeSpec>();
        void Add(int instruction, Opcode opcode, params ReadOnlySpan<OutcomeSpec> specs)
        {
            branches.Add(new BranchSpec(instruction, code[instruction].Offset, opcode, outcomes.Count, specs.Length));
            foreach (var spec in specs) outcomes.Add(spec);
        }

        Dictionary<int, List<int>>? landingsOf = null;
        Dictionary<int, int>? catchEdges = null;
        Dictionary<int, List<int>>? catchArms = null;
        Dictionary<int, int> CatchEdges()
        {
            var result = new Dictionary<int, int>();
            for (int i = 0; i < edges.Length; i++)
            {
                if (edges[i].Kind == EdgeKind.Catch) result[edges[i].To] = i;
            }
            return result;
        }
        if (flow.Landings.Length > 0)
        {
            landingsOf = [];
            for (int l = 0; l < flow.Landings.Length; l++)
            {
                if (!landingsOf.TryGetValue(flow.Landings[l].TryTable, out var list)) landingsOf[flow.Landings[l].TryTable] = list = [];
                list.Add(l);
            }
        }

        for (int block = 0; block < flow.BlockCount; block++)
        {
            int from = ControlFlow.BlockOut(block);
            for (int i = flow.BlockStart[block]; i <= flow.BlockLast[block]; i++)
            {
                var ins = code[i];
                switch (OpcodeTable.Get(ins.Opcode).Control)
                {
                    case ControlKind.BranchIf:
                    {
                        int fall = EdgeTo(from, i + 1);
                        Add(i, ins.Opcode, new("taken", OutcomeSource.Edge, OtherEdge(from, fall, skipUnwind: true)), new("not taken", OutcomeSource.Edge, fall));
                        break;
                    }
                    case ControlKind.If:
                    {
                        int then = EdgeTo(from, i + 1);
                        Add(i, ins.Opcode, new("then", OutcomeSource.Edge, then), new(structure.ElseOf(i) >= 0 ? "else" : "else (implicit)", OutcomeSource.Edge, OtherEdge(from, then, skipUnwind: false)));
                        break;
                    }
                    case ControlKind.BranchTable:
                    {
                        // One outcome per distinct target, named by the table entries that lead there.
                        var targets = flow.BrTableTargets[i];
                        var labels = new List<(int Edge, List<int> Entries)>();
                        var labelOfEdge = new Dictionary<int, int>();
                        for (int k = 0; k < targets.Length; k++)
                        {
                            int edge = EdgeTo(from, targets[k]);
                            if (!labelOfEdge.TryGetValue(edge, out int found))
                            {
                                labels.Add((edge, []));
                                labelOfEdge[edge] = found = labels.Count - 1;
                            }
                            labels[found].Entries.Add(k);
                        }
                        if (labels.Count < 2) break;
                        Add(i, ins.Opcode, [.. labels.Select(l => new OutcomeSpec(Describe(l.Entries, defaultEntry: targets.Length - 1), OutcomeSource.Edge, l.Edge))]);
                        break;
                    }
                    case ControlKind.None when ins.Opcode is Opcode.Select or Opcode.SelectTyped:
                    {
                        int counter = placement.SelectCounters[i];
                        Add(i, ins.Opcode, new("first", OutcomeSource.SelectFirst, counter), new("second", OutcomeSource.SelectSecond, counter));
                        break;
                    }
                    case ControlKind.TryTable when landingsOf is not null && landingsOf.TryGetValue(i, out var landings):
                    {
                        catchEdges ??= CatchEdges();
                        // A loop, not a lambda: one capturing ins would allocate a closure for every instruction.
                        var clauses = new OutcomeSpec[landings.Count];
                        for (int k = 0; k < clauses.Length; k++)
                        {
                            int l = landings[k];
                            clauses[k] = new OutcomeSpec(ClauseName(code, ins, flow.Landings[l].Clause), OutcomeSource.Edge, catchEdges[flow.LandingIn(l)]);
                        }
                        Add(i, ins.Opcode, clauses);
                        break;
                    }
                    case ControlKind.Try when (catchArms ??= CatchArms(code, structure)).TryGetValue(i, out var catches):
                    {
                        catchEdges ??= CatchEdges();
                        var arms = new List<OutcomeSpec>();
                        foreach (int j in catches)
                        {
                            if (flow.BlockOf(j + 1) is int arm and >= 0 && catchEdges.TryGetValue(ControlFlow.BlockIn(arm), out int edge))
                                arms.Add(new OutcomeSpec(code[j].Opcode == Opcode.CatchAll ? "catch_all" : $"catch tag {code[j].Index}", OutcomeSource.Edge, edge));
                        }
                        if (arms.Count > 0) Add(i, ins.Opcode, [.. arms]);
                        break;
                    }
                }
            }
        }
        plan.Branches = [.. branches];
        plan.Outcomes = [.. outcomes];
    }

    /// <summary>Each node's outgoing edges, in edge order: node n's are <c>list[start[n]..start[n + 1]]</c>.</summary>
    private static int[] OutEdgeStarts(FlowEdge[] edges, int nodes, out int[] list)
    {
        var start = new int[nodes + 1];
        foreach (var e in edges) start[e.From + 1]++;
        for (int n = 0; n < nodes; n++) start[n + 1] += start[n];
        list = new int[edges.Length];
        var next = (int[])start.Clone();
        for (int i = 0; i < edges.Length; i++) list[next[edges[i].From]++] = i;
        return start;
    }

    /// <summary>Per legacy try: its catch and catch_all instructions, in order.</summary>
    private static Dictionary<int, List<int>> CatchArms(Expression code, BlockStructure structure)
    {
        var result = new Dictionary<int, List<int>>();
        for (int j = 0; j < code.Count; j++)
        {
            if (OpcodeTable.Get(code[j].Opcode).Control != ControlKind.Catch || structure.EnclosingBlock(j) is not (>= 0 and var tryIndex)) continue;
            if (!result.TryGetValue(tryIndex, out var arms)) result[tryIndex] = arms = [];
            arms.Add(j);
        }
        return result;
    }

    /// <summary>A br_table outcome's name from its table entries (ascending; the default entry is the last).</summary>
    private static string Describe(List<int> entries, int defaultEntry)
    {
        bool toDefault = entries[^1] == defaultEntry;
        if (entries.Count == 1) return toDefault ? "default" : $"case {entries[0]}";
        const int shown = 6;
        int cases = entries.Count - (toDefault ? 1 : 0);
        string list = string.Join(",", entries.Take(Math.Min(cases, shown)).Select(e => e.ToString(CultureInfo.InvariantCulture)));
        if (cases > shown) list += $",+{cases - shown}";
        return toDefault ? $"cases {list} and default" : $"cases {list}";
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
