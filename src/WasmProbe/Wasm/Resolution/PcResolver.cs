using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Wasm.Resolution;

/// <summary>A pc in a function: the start of a reachable instruction, or the nearest ones that are.</summary>
public static class PcResolver
{
    /// <summary>Where a call of the function stops before anything of it runs ([OnCall], <c>trace --on-call</c>): its
    /// first instruction, reached once per call (a branch back to a leading loop lands after the loop instruction).</summary>
    public static int Entry(FunctionAnalysis analysis) => analysis.Code[0].Offset;

    /// <summary>The index of the instruction at <paramref name="pc"/> in <paramref name="analysis"/>.</summary>
    public static Resolution<int> Resolve(FunctionAnalysis analysis, string functionName, int pc)
    {
        int index = analysis.IndexOfPc(pc);
        if (index < 0)
        {
            var code = analysis.Code;
            int first = code[0].Offset, last = code[code.Count - 1].Offset;
            if (pc < first || pc > last)
                return new ResolutionProblem(ResolutionStatus.PcOutsideFunction, $"pc 0x{pc:x} is outside {functionName} (its instructions span 0x{first:x}..0x{last:x})") { FirstPc = first, LastPc = last };
            var nearby = Nearby(analysis, pc);
            return new ResolutionProblem(ResolutionStatus.PcNotInstructionStart, $"pc 0x{pc:x} is not the start of an instruction in {functionName}; nearest valid pcs: {Hex(nearby)}") { NearbyPcs = nearby };
        }
        if (!analysis.IsReachable(index))
        {
            var nearby = Nearby(analysis, pc);
            return new ResolutionProblem(ResolutionStatus.PcUnreachable, $"pc 0x{pc:x} in {functionName} is unreachable code and can never stop; nearest reachable pcs: {Hex(nearby)}") { NearbyPcs = nearby };
        }
        return Resolution<int>.Found(index);
    }

    /// <summary>Whether a probe can stop at <paramref name="pc"/>: the start of a reachable instruction (what
    /// <see cref="Resolve"/> accepts, without building its message).</summary>
    public static bool CanStopAt(FunctionAnalysis analysis, int pc)
    {
        int index = analysis.IndexOfPc(pc);
        return index >= 0 && analysis.IsReachable(index);
    }

    /// <summary>"0xa1, 0xa2": pcs as messages list them.</summary>
    public static string Hex(IEnumerable<int> pcs) => string.Join(", ", pcs.Select(pc => $"0x{pc:x}"));

    /// <summary>The four reachable instruction pcs nearest to <paramref name="pc"/>, in order.</summary>
    private static int[] Nearby(FunctionAnalysis analysis, int pc) =>
        [.. Enumerable.Range(0, analysis.InstructionCount)
            .Where(analysis.IsReachable)
            .Select(i => analysis.Code[i].Offset)
            .OrderBy(offset => Math.Abs((long)offset - pc))
            .ThenBy(offset => offset)
            .Take(4)
            .OrderBy(offset => offset)];
}
