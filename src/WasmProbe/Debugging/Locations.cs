using WasmProbe.Wasm.Model;

namespace WasmProbe.Debugging;

/// <summary>Checks that a (function, pc) names a reachable instruction, with helpful errors.</summary>
internal static class Locations
{
    public static CodeLocation Check(DebugSession session, int function, int pc)
    {
        var spaces = session.Module.IndexSpaces;
        if (function < 0 || function >= spaces.FunctionCount)
            throw new ArgumentException($"function {function} does not exist (the module has {spaces.FunctionCount} functions)");
        if (spaces.IsImportedFunction(function))
            throw new ArgumentException($"function {function} ({session.Module.Names.FunctionOrIndex(function)}) is imported and has no code");
        var analysis = session.Analysis(function);
        string name = session.Module.Names.FunctionOrIndex(function);
        int index = analysis.IndexOfPc(pc);
        if (index < 0)
        {
            var code = analysis.Code;
            int first = code[0].Offset, last = code[code.Count - 1].Offset;
            if (pc < first || pc > last)
                throw new ArgumentException($"pc 0x{pc:x} is outside {name} (its instructions span 0x{first:x}..0x{last:x})");
            throw new ArgumentException($"pc 0x{pc:x} is not the start of an instruction in {name}; nearest valid pcs: {Nearby(analysis, pc)}");
        }
        if (!analysis.IsReachable(index))
            throw new ArgumentException($"pc 0x{pc:x} in {name} is unreachable code and can never stop; nearest reachable pcs: {Nearby(analysis, pc)}");
        return new CodeLocation(function, pc);
    }

    private static string Nearby(Wasm.Analysis.FunctionAnalysis analysis, int pc)
    {
        var candidates = Enumerable.Range(0, analysis.InstructionCount)
            .Where(analysis.IsReachable)
            .Select(i => analysis.Code[i].Offset)
            .OrderBy(offset => Math.Abs(offset - pc))
            .Take(4)
            .OrderBy(offset => offset);
        return string.Join(", ", candidates.Select(offset => $"0x{offset:x}"));
    }
}
