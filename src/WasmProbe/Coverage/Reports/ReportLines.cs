namespace WasmProbe.Coverage.Reports;

/// <summary>A source line's coverage: the hits (the most any of its instructions ran) and the branch points on it.</summary>
public readonly record struct ReportLine(int Number, long Hits, IReadOnlyList<BranchCoverage> Branches)
{
    public int BranchesCovered => Branches.Sum(b => b.Covered);
    public int BranchesValid => Branches.Sum(b => b.Outcomes.Count);
}

/// <summary>A function's lines within one file, in line order (at least one).</summary>
public sealed class ReportMethod(FunctionCoverage function, string signature, IReadOnlyList<ReportLine> lines)
{
    public FunctionCoverage Function { get; } = function;
    public string Signature { get; } = signature;
    public IReadOnlyList<ReportLine> Lines { get; } = lines;
}

/// <summary>Line coverage of one source file of one module: the functions with code in the file and the file's lines,
/// merged from theirs (several functions can share a line through inlining: the most hits, all the branch points).</summary>
public sealed class ReportFile
{
    private readonly ReportMethod[]? _inLineOrder;

    public ReportFile(string path, IReadOnlyList<ReportMethod> methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        Path = path;
        Methods = methods;
        _inLineOrder = Disjoint(methods);
        foreach (var line in Lines)
        {
            LineCount++;
            if (line.Hits > 0) LinesCovered++;
            BranchesCovered += line.BranchesCovered;
            BranchesValid += line.BranchesValid;
        }
    }

    /// <summary>Absolute, or relative to the report directory (a generated listing).</summary>
    public string Path { get; }
    public IReadOnlyList<ReportMethod> Methods { get; }

    public int LineCount { get; }
    public int LinesCovered { get; }
    public int BranchesCovered { get; }
    public int BranchesValid { get; }

    /// <summary>The file's lines in line order. Merged anew on each enumeration rather than kept: a listing has a line
    /// per instruction, and its methods already hold them.</summary>
    public IEnumerable<ReportLine> Lines => _inLineOrder is { } ordered ? ordered.SelectMany(m => m.Lines) : Merged();

    /// <summary>The methods in line order when no two share a line (always so in a listing), else null.</summary>
    private static ReportMethod[]? Disjoint(IReadOnlyList<ReportMethod> methods)
    {
        var ordered = methods.OrderBy(m => m.Lines[0].Number).ToArray();
        for (int m = 1; m < ordered.Length; m++)
        {
            if (ordered[m - 1].Lines[^1].Number >= ordered[m].Lines[0].Number) return null;
        }
        return ordered;
    }

    /// <summary>A k-way merge of the methods' lines; lines of the same number combine in method order.</summary>
    private IEnumerable<ReportLine> Merged()
    {
        var next = new int[Methods.Count];
        var queue = new PriorityQueue<int, (int Number, int Method)>();
        for (int m = 0; m < Methods.Count; m++) queue.Enqueue(m, (Methods[m].Lines[0].Number, m));
        ReportLine Take(int m)
        {
            var line = Methods[m].Lines[next[m]++];
            if (next[m] < Methods[m].Lines.Count) queue.Enqueue(m, (Methods[m].Lines[next[m]].Number, m));
            return line;
        }
        while (queue.TryDequeue(out int method, out _))
        {
            var line = Take(method);
            long hits = line.Hits;
            var branches = line.Branches;
            List<BranchCoverage>? combined = null;
            while (queue.TryPeek(out int other, out var key) && key.Number == line.Number)
            {
                queue.Dequeue();
                var shared = Take(other);
                hits = Math.Max(hits, shared.Hits);
                if (shared.Branches.Count == 0) continue;
                if (branches.Count == 0) branches = shared.Branches;
                else
                {
                    combined ??= [.. branches];
                    combined.AddRange(shared.Branches);
                    branches = combined;
                }
            }
            yield return line with { Hits = hits, Branches = branches };
        }
    }
}
