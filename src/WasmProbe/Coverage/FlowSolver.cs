namespace WasmProbe.Coverage;

/// <summary>Derives every edge count of a function from its counters by flow conservation: at every node, what comes in
/// goes out. Counted edges are known; the rest form a spanning tree, solved leaf by leaf. Runs that ended inside a
/// block (a trap, an interruption, a host error, a session disposed while paused) left it without taking any edge:
/// those abnormal exits, known from the run's backtrace, are extra outflow of their block (and inflow of EXIT).</summary>
internal static class FlowSolver
{
    /// <param name="abnormal">Abnormal exits per block.</param>
    public static long[] Solve(FunctionPlan plan, long[] counters, IReadOnlyDictionary<int, long> abnormal)
    {
        var flow = plan.Flow;
        var edges = flow.Edges;
        int nodes = flow.NodeCount;
        var counts = new long[edges.Length];
        var known = new bool[edges.Length];
        var excess = new long[nodes]; // known inflow minus known outflow
        foreach (var (block, exits) in abnormal)
        {
            excess[ControlFlow.BlockOut(block)] -= exits;
            excess[ControlFlow.Exit] += exits;
        }

        var unknownDegree = new int[nodes];
        var incident = new List<int>[nodes];
        for (int i = 0; i < edges.Length; i++)
        {
            var e = edges[i];
            int counter = plan.EdgeCounter[i];
            if (counter >= 0)
            {
                known[i] = true;
                counts[i] = counters[plan.FirstCounter + counter];
                excess[e.To] += counts[i];
                excess[e.From] -= counts[i];
                continue;
            }
            unknownDegree[e.From]++;
            unknownDegree[e.To]++;
            (incident[e.From] ??= []).Add(i);
            (incident[e.To] ??= []).Add(i);
        }

        var leaves = new Stack<int>();
        for (int n = 0; n < nodes; n++)
        {
            if (unknownDegree[n] == 1) leaves.Push(n);
        }
        while (leaves.Count > 0)
        {
            int node = leaves.Pop();
            if (unknownDegree[node] != 1) continue;
            int edge = incident[node].First(i => !known[i]);
            var e = edges[edge];
            // At this node: excess + (edge if it enters) - (edge if it leaves) = 0.
            long value = e.To == node ? -excess[node] : excess[node];
            counts[edge] = value;
            known[edge] = true;
            excess[e.To] += value;
            excess[e.From] -= value;
            unknownDegree[e.From]--;
            unknownDegree[e.To]--;
            int other = e.To == node ? e.From : e.To;
            if (unknownDegree[other] == 1) leaves.Push(other);
        }
        return counts;
    }
}
