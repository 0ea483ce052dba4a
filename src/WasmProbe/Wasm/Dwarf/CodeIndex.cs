namespace WasmProbe.Wasm.Dwarf;

/// <summary>Where the module's function bodies are, to map DWARF code addresses (relative to the code section's
/// payload) to module pcs that start an instruction. A lazily decoded module (<see cref="Decoding.BodyDecoding.Lazy"/>)
/// decodes a body only when a lookup needs its instruction boundaries.</summary>
internal sealed class CodeIndex
{
    private readonly Module _module;

    public CodeIndex(Module module)
    {
        _module = module;
        CodeBase = module.CodeSectionPayloadOffset;
        if (module.Bodies.Count > 0)
        {
            CodeStart = module.Bodies[0].Offset;
            var last = module.Bodies[module.Bodies.Count - 1];
            CodeEnd = last.End >= 0 ? last.End : last.Code[last.Code.Count - 1].Offset + last.Code[last.Code.Count - 1].Length;
        }
    }

    public Module Module => _module;

    /// <summary>Module offset of the code section's payload (DWARF address 0); -1 without a code section.</summary>
    public int CodeBase { get; }

    /// <summary>Module offset of the first function body; DWARF ranges starting before it are dead code (tombstones).</summary>
    public int CodeStart { get; }

    /// <summary>Module offset just past the last body's last instruction.</summary>
    public int CodeEnd { get; }

    /// <summary>The module pc of a DWARF address, or -1 when it is outside the code (dead code, tombstones, garbage).</summary>
    public int ToPc(ulong address)
    {
        if (CodeBase < 0 || address > (ulong)(CodeEnd - CodeBase)) return -1;
        int pc = CodeBase + (int)address;
        return pc >= CodeStart ? pc : -1;
    }

    /// <summary>The function index (imports first) whose body contains <paramref name="pc"/>, or -1.</summary>
    public int FunctionAt(int pc) => _module.FunctionAt(pc);

    /// <summary>Where a line-table row that starts at <paramref name="pc"/> and ends before <paramref name="limit"/>
    /// stops: its first instruction (the address of a body's locals, where DWARF places a function's first row, maps
    /// to the body's first instruction), past any <c>block</c> and <c>loop</c> opcodes: they do nothing, and a branch
    /// back to a loop goes to the instruction after its <c>loop</c>, so a stop before the opcode would be met only
    /// once, not on every iteration. -1 when the row has no instruction of its own.</summary>
    /// <exception cref="Binary.WasmFormatException">(lazily decoded modules only) the body does not decode.</exception>
    public int StopPc(int pc, int limit)
    {
        int function = FunctionAt(pc);
        if (function < 0) return -1;
        var code = _module.Bodies[function - _module.IndexSpaces.ImportedFunctionCount].Code.Instructions;
        int lo = 0, hi = code.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (code[mid].Offset < pc) lo = mid + 1;
            else hi = mid - 1;
        }
        while (lo < code.Length - 1 && code[lo + 1].Offset < limit && code[lo].Info.Control is ControlKind.Block or ControlKind.Loop) lo++;
        return lo < code.Length && code[lo].Offset < limit ? code[lo].Offset : -1;
    }
}
