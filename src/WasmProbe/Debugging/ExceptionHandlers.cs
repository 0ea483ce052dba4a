using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Debugging;

/// <summary>Whether an exception thrown at (or through a call at) an instruction is caught by an enclosing try_table
/// of the same function.</summary>
internal static class ExceptionHandlers
{
    public static bool Catches(Module module, int function, int instructionIndex, int? tag)
    {
        var code = module.Bodies[function - module.IndexSpaces.ImportedFunctionCount].Code;
        var open = new Stack<int>();
        for (int i = 0; i < instructionIndex && i < code.Count; i++)
        {
            switch (code[i].Opcode)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If or Opcode.TryTable or Opcode.Try:
                    open.Push(i);
                    break;
                case Opcode.End or Opcode.Delegate when open.Count > 0:
                    open.Pop();
                    break;
            }
        }
        foreach (int opener in open)
        {
            var ins = code[opener];
            if (ins.Opcode != Opcode.TryTable) continue;
            for (int c = 0; c < ins.PoolCount; c++)
            {
                var clause = code.Catch(ins, c);
                if (!clause.HasTag || (tag is { } t && clause.Tag == t)) return true;
            }
        }
        return false;
    }
}
