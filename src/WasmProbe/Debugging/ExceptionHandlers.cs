using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Debugging;

/// <summary>Whether an exception thrown at (or through a call at) an instruction is caught by an enclosing try_table
/// of the same function.</summary>
internal static class ExceptionHandlers
{
    public static bool Catches(Module module, int function, int instructionIndex, int? tag)
    {
        var code = module.Bodies[function - module.IndexSpaces.ImportedFunctionCount].Code;
        if (instructionIndex >= code.Count) return false;
        var structure = new BlockStructure().Compute(code);
        for (int opener = structure.EnclosingBlock(instructionIndex); opener >= 0; opener = structure.EnclosingBlock(opener))
        {
            var ins = code[opener];
            if (ins.Info.Control != ControlKind.TryTable) continue;
            for (int c = 0; c < ins.PoolCount; c++)
            {
                var clause = code.Catch(ins, c);
                if (!clause.HasTag || (tag is { } t && clause.Tag == t)) return true;
            }
        }
        return false;
    }
}
