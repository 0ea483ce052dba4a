using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Wasm.Dwarf;

/// <summary>Where the module's function bodies and instructions are, to map DWARF code addresses (relative to the code
/// section's payload) to module pcs that start an instruction.</summary>
internal sealed class CodeIndex
{
    private readonly Module _module;
    private readonly int[] _bodyStarts;

    public CodeIndex(Module module)
    {
        _module = module;
        _bodyStarts = new int[module.Bodies.Count];
        for (int i = 0; i < _bodyStarts.Length; i++) _bodyStarts[i] = module.Bodies[i].Offset;
        CodeBase = module.CodeSectionPayloadOffset;
        if (_bodyStarts.Length > 0)
        {
            var last = module.Bodies[module.Bodies.Count - 1].Code;
            CodeEnd = last.Count > 0 ? last[last.Count - 1].Offset + last[last.Count - 1].Length : _bodyStarts[_bodyStarts.Length - 1];
            CodeStart = _bodyStarts[0];
        }
    }

    /// <summary>Module offset of the code section's payload (DWARF address 0); -1 without a code section.</summary>
    public int CodeBase { get; }

    /// <summary>Module offset of the first function body; DWARF ranges starting before it are dead code (tombstones).</summary>
    public int CodeStart { get; }

    /// <summary>Module offset just past the last body's last instruction.</summary>
    public int CodeEnd { get; }

    public Module Module => _module;

    public int ImportedFunctions => _module.IndexSpaces.ImportedFunctionCount;

    /// <summary>The module pc of a DWARF address, or -1 when it is outside the code (dead code, tombstones, garbage).</summary>
    public int ToPc(ulong address)
    {
        if (CodeBase < 0 || address > (ulong)(CodeEnd - CodeBase)) return -1;
        int pc = CodeBase + (int)address;
        return pc >= CodeStart ? pc : -1;
    }

    /// <summary>The index in <see cref="Module.Bodies"/> of the body containing <paramref name="pc"/>, or -1.</summary>
    public int BodyAt(int pc)
    {
        if (pc < CodeStart || pc >= CodeEnd) return -1;
        int i = Array.BinarySearch(_bodyStarts, pc);
        return i >= 0 ? i : ~i - 1;
    }

    /// <summary>The function index (imports first) whose body contains <paramref name="pc"/>, or -1.</summary>
    public int FunctionAt(int pc)
    {
        int body = BodyAt(pc);
        return body < 0 ? -1 : ImportedFunctions + body;
    }

    /// <summary>Where a line-table row that starts at <paramref name="pc"/> and ends before <paramref name="limit"/>
    /// stops: its first instruction (the address of a body's locals, where DWARF places a function's first row, maps
    /// to the body's first instruction), past any <c>block</c> and <c>loop</c> opcodes: they do nothing, and a branch
    /// back to a loop goes to the instruction after its <c>loop</c>, so a stop before the opcode would be met only
    /// once, not on every iteration. -1 when the row has no instruction of its own.</summary>
    public int StopPc(int pc, int limit)
    {
        int body = BodyAt(pc);
        if (body < 0) return -1;
        var code = _module.Bodies[body].Code.Instructions;
        int lo = 0, hi = code.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (code[mid].Offset < pc) lo = mid + 1;
            else hi = mid - 1;
        }
        while (lo < code.Length - 1 && code[lo + 1].Offset < limit && code[lo].Opcode is Opcode.Block or Opcode.Loop) lo++;
        return lo < code.Length && code[lo].Offset < limit ? code[lo].Offset : -1;
    }
}
