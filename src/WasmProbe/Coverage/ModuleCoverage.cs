using System.Globalization;

namespace WasmProbe.Coverage;

/// <summary>The raw result of one or more runs of a module: the counter values, the abnormal exits (pc → how many runs
/// ended with a frame at that instruction: traps, interruptions, host errors, disposal while paused) and the number of
/// runs. Merging adds them up; everything else is derived from them.</summary>
public sealed class CoverageCounts
{
    public CoverageCounts(long[] counters, IReadOnlyDictionary<int, long> abnormalExits, long runs)
    {
        Counters = counters;
        AbnormalExits = abnormalExits;
        Runs = runs;
    }

    public long[] Counters { get; }
    public IReadOnlyDictionary<int, long> AbnormalExits { get; }
    public long Runs { get; }

    public static CoverageCounts Sum(CoverageCounts a, CoverageCounts b)
    {
        if (a.Counters.Length != b.Counters.Length) throw new ArgumentException("the counts are of different modules");
        var counters = new long[a.Counters.Length];
        for (int i = 0; i < counters.Length; i++) counters[i] = a.Counters[i] + b.Counters[i];
        var exits = new Dictionary<int, long>(a.AbnormalExits);
        foreach (var (pc, count) in b.AbnormalExits) exits[pc] = exits.GetValueOrDefault(pc) + count;
        return new CoverageCounts(counters, exits, a.Runs + b.Runs);
    }
}

/// <summary>Coverage of one module (identified by the SHA-256 of its bytes), merged over any number of runs: hits per
/// function, per instruction and per branch outcome. Instructions no path reaches are not coverable and not listed.</summary>
public sealed class ModuleCoverage
{
    private readonly CoverageInstrumentation _instrumentation;
    private FunctionCoverage[]? _functions;
    private Dictionary<int, long>? _hitsByPc;

    internal ModuleCoverage(CoverageInstrumentation instrumentation, string name, CoverageCounts counts)
    {
        _instrumentation = instrumentation;
        Name = name;
        Counts = counts;
    }

    /// <summary>Builds coverage from counters read out of an instrumented module's counter memory.</summary>
    public static ModuleCoverage FromCounters(CoverageInstrumentation instrumentation, string name, long[] counters, IReadOnlyDictionary<int, long>? abnormalExits = null, long runs = 1)
    {
        ArgumentNullException.ThrowIfNull(instrumentation);
        if (counters.Length != instrumentation.CounterCount)
            throw new ArgumentException($"expected {instrumentation.CounterCount} counters, got {counters.Length}", nameof(counters));
        return new ModuleCoverage(instrumentation, name, new CoverageCounts(counters, abnormalExits ?? new Dictionary<int, long>(), runs));
    }

    /// <summary>SHA-256 of the module's bytes, lower-case hex.</summary>
    public string ModuleId => _instrumentation.ModuleId;

    /// <summary>A name for reports: the file name the module was loaded from, its name-section name, or module_&lt;id&gt;.</summary>
    public string Name { get; }

    public Module Module => _instrumentation.Original;
    public CoverageCounts Counts { get; }
    public long Runs => Counts.Runs;

    internal CoverageInstrumentation Instrumentation => _instrumentation;

    public IReadOnlyList<FunctionCoverage> Functions => _functions ??= Derive();

    public FunctionCoverage Function(int index) =>
        Functions.FirstOrDefault(f => f.Index == index) ?? throw new ArgumentException($"function {index} has no code in this module", nameof(index));

    public FunctionCoverage Function(string nameOrIndex) => Function(Module.Names.ResolveFunction(nameOrIndex));

    /// <summary>How often the instruction at <paramref name="pc"/> ran (0 for unknown pcs and unreachable code).</summary>
    public long HitsAt(int pc)
    {
        _hitsByPc ??= Functions.SelectMany(f => f.Instructions).ToDictionary(i => i.Pc, i => i.Hits);
        return _hitsByPc.GetValueOrDefault(pc);
    }

    /// <summary>The branch point at <paramref name="pc"/>, or null.</summary>
    public BranchCoverage? BranchAt(int pc) => Functions.SelectMany(f => f.Branches).FirstOrDefault(b => b.Pc == pc);

    public CoverageTotals Totals
    {
        get
        {
            var functions = Functions;
            return new CoverageTotals(
                functions.Count(f => f.Calls > 0), functions.Count,
                functions.Sum(f => f.Instructions.Count(i => i.Hits > 0)), functions.Sum(f => f.Instructions.Count),
                functions.Sum(f => f.Branches.Sum(b => b.Covered)), functions.Sum(f => f.Branches.Sum(b => b.Outcomes.Count)));
        }
    }

    /// <summary>This coverage plus <paramref name="other"/>'s (same module), as if all their runs were one.</summary>
    public ModuleCoverage Merge(ModuleCoverage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.ModuleId != ModuleId) throw new ArgumentException($"cannot merge coverage of different modules ({Name} {ModuleId[..12]} and {other.Name} {other.ModuleId[..12]})", nameof(other));
        return new ModuleCoverage(_instrumentation, PreferredName(Name, other.Name), CoverageCounts.Sum(Counts, other.Counts));
    }

    internal static string PreferredName(string a, string b) => a.StartsWith("module_", StringComparison.Ordinal) && !b.StartsWith("module_", StringComparison.Ordinal) ? b : a;

    private FunctionCoverage[] Derive()
    {
        // Abnormal exits per function and instruction.
        var abnormal = new Dictionary<FunctionPlan, Dictionary<int, long>>();
        foreach (var (pc, count) in Counts.AbnormalExits)
        {
            var plan = _instrumentation.FunctionAt(pc);
            if (plan is null) continue;
            int index = plan.Flow.Code.IndexOfOffset(pc);
            if (index < 0 || plan.Flow.BlockOf(index) < 0) continue;
            if (!abnormal.TryGetValue(plan, out var map)) abnormal[plan] = map = [];
            map[index] = map.GetValueOrDefault(index) + count;
        }
        var result = new FunctionCoverage[_instrumentation.Functions.Length];
        for (int d = 0; d < result.Length; d++)
        {
            var plan = _instrumentation.Functions[d];
            result[d] = DeriveFunction(plan, abnormal.GetValueOrDefault(plan) ?? []);
        }
        return result;
    }

    private FunctionCoverage DeriveFunction(FunctionPlan plan, Dictionary<int, long> abnormalByInstruction)
    {
        var flow = plan.Flow;
        var byBlock = new Dictionary<int, long>();
        foreach (var (index, count) in abnormalByInstruction)
        {
            int block = flow.BlockOf(index);
            byBlock[block] = byBlock.GetValueOrDefault(block) + count;
        }
        var edges = FlowSolver.Solve(plan, Counts.Counters, byBlock);
        var blockCounts = new long[flow.BlockCount];
        for (int i = 0; i < flow.Edges.Length; i++)
        {
            var e = flow.Edges[i];
            if (e.Kind == EdgeKind.Internal && flow.BlockOfNode(e.From) is int b && b >= 0) blockCounts[b] = edges[i];
        }

        var code = flow.Code;
        var instructions = new List<InstructionCoverage>(code.Count);
        var hits = new long[code.Count];
        for (int b = 0; b < flow.BlockCount; b++)
        {
            long count = blockCounts[b];
            for (int i = flow.BlockStart[b]; i <= flow.BlockLast[b]; i++)
            {
                hits[i] = count;
                instructions.Add(new InstructionCoverage(code[i].Offset, Math.Max(0, count)));
                // Runs that ended at this instruction did not get to the next one.
                if (abnormalByInstruction.TryGetValue(i, out long ended)) count -= ended;
            }
        }
        instructions.Sort((a, b) => a.Pc.CompareTo(b.Pc));

        var branches = new List<BranchCoverage>(plan.Branches.Length);
        foreach (var spec in plan.Branches)
        {
            var specs = plan.OutcomesOf(spec);
            var outcomes = new BranchOutcome[specs.Length];
            for (int k = 0; k < specs.Length; k++)
            {
                var o = specs[k];
                outcomes[k] = new BranchOutcome(o.Label, Math.Max(0, o.Source switch
                {
                    OutcomeSource.Edge => edges[o.Index],
                    OutcomeSource.SelectFirst => Counts.Counters[plan.FirstCounter + o.Index],
                    _ => hits[spec.Instruction] - Counts.Counters[plan.FirstCounter + o.Index],
                }));
            }
            branches.Add(new BranchCoverage(spec.Pc, OpcodeTable.Get(spec.Opcode).Name, outcomes, Math.Max(0, hits[spec.Instruction])));
        }

        long calls = flow.BlockCount > 0 ? Math.Max(0, blockCounts[0]) : 0;
        string name = Module.Names.Function(plan.Function) ?? $"func[{plan.Function.ToString(CultureInfo.InvariantCulture)}]";
        return new FunctionCoverage(plan.Function, name, calls, instructions, branches);
    }

    public override string ToString()
    {
        var t = Totals;
        return $"{Name}: functions {t.FunctionsCovered}/{t.Functions}, instructions {t.InstructionsCovered}/{t.Instructions}, branches {t.BranchesCovered}/{t.Branches}";
    }
}

/// <summary>Coverage of one function: how often it was called, how often each coverable instruction ran and how each
/// branch point went.</summary>
/// <param name="Index">Index in the function index space (imports first).</param>
/// <param name="Calls">How often the function was entered.</param>
/// <param name="Instructions">The coverable instructions in pc order.</param>
public sealed record FunctionCoverage(int Index, string Name, long Calls, IReadOnlyList<InstructionCoverage> Instructions, IReadOnlyList<BranchCoverage> Branches)
{
    public long HitsAt(int pc)
    {
        foreach (var i in Instructions)
        {
            if (i.Pc == pc) return i.Hits;
        }
        throw new ArgumentException($"0x{pc:x} is not a coverable instruction of {Name}", nameof(pc));
    }

    public BranchCoverage BranchAt(int pc) =>
        Branches.FirstOrDefault(b => b.Pc == pc) ?? throw new ArgumentException($"0x{pc:x} is not a branch point of {Name}", nameof(pc));

    public override string ToString() => $"{Name}: {Calls} calls";
}

/// <param name="Pc">The instruction's module byte offset.</param>
public readonly record struct InstructionCoverage(int Pc, long Hits);

/// <summary>A branch point (br_if, if, br_table, select, br_on_*, try_table's catch clauses, legacy try's catch arms)
/// and how often each way was taken.</summary>
/// <param name="Instruction">The instruction's text name, e.g. <c>br_if</c>.</param>
/// <param name="Executions">How often the branch instruction itself ran.</param>
public sealed record BranchCoverage(int Pc, string Instruction, IReadOnlyList<BranchOutcome> Outcomes, long Executions)
{
    /// <summary>Outcomes taken at least once.</summary>
    public int Covered => Outcomes.Count(o => o.Count > 0);

    public BranchOutcome this[string outcome] =>
        Outcomes.FirstOrDefault(o => o.Name == outcome) is { Name: not null } found ? found : throw new ArgumentException($"no outcome '{outcome}' (outcomes: {string.Join(", ", Outcomes.Select(o => o.Name))})", nameof(outcome));

    public override string ToString() => $"0x{Pc:x} {Instruction}: {string.Join(", ", Outcomes.Select(o => $"{o.Name} {o.Count}"))}";
}

public readonly record struct BranchOutcome(string Name, long Count);

/// <summary>Covered and total functions, coverable instructions and branch outcomes.</summary>
public readonly record struct CoverageTotals(int FunctionsCovered, int Functions, int InstructionsCovered, int Instructions, int BranchesCovered, int Branches)
{
    public static string Percent(int covered, int total) =>
        total == 0 ? "-" : (100.0 * covered / total).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
