using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Wasm.Dwarf;

/// <summary>Where the module's function bodies and instructions are, to map DWARF code addresses (relative to the code
/// section's payload) to module pcs that start an instruction. Built from a decoded module, or from the module's bytes
/// (<see cref="FromBytes"/>) for callers that decoded it without its bodies: then the code section is scanned for the
/// bodies' positions, and a body's instructions are decoded only when a lookup needs them.</summary>
internal sealed class CodeIndex
{
    private readonly Module? _module;
    private readonly byte[]? _bytes;
    private readonly int[] _bodyStarts;
    private readonly Dictionary<int, Instruction[]>? _decoded;

    public CodeIndex(Module module)
    {
        _module = module;
        _bodyStarts = new int[module.Bodies.Count];
        for (int i = 0; i < _bodyStarts.Length; i++) _bodyStarts[i] = module.Bodies[i].Offset;
        CodeBase = module.CodeSectionPayloadOffset;
        ImportedFunctions = module.IndexSpaces.ImportedFunctionCount;
        if (_bodyStarts.Length > 0)
        {
            var last = module.Bodies[module.Bodies.Count - 1].Code;
            CodeEnd = last.Count > 0 ? last[last.Count - 1].Offset + last[last.Count - 1].Length : _bodyStarts[_bodyStarts.Length - 1];
            CodeStart = _bodyStarts[0];
        }
    }

    private CodeIndex(byte[] bytes, int codeBase, int[] bodyStarts, int codeEnd, int importedFunctions)
    {
        _bytes = bytes;
        _bodyStarts = bodyStarts;
        _decoded = [];
        CodeBase = codeBase;
        ImportedFunctions = importedFunctions;
        if (bodyStarts.Length > 0)
        {
            CodeStart = bodyStarts[0];
            CodeEnd = codeEnd;
        }
    }

    /// <summary>An index over the code section of <paramref name="bytes"/> (a module whose sections decode), without
    /// decoding its bodies up front.</summary>
    /// <exception cref="WasmFormatException">The section layout or a body's size is out of bounds.</exception>
    public static CodeIndex FromBytes(byte[] bytes, int importedFunctions)
    {
        const byte CodeSection = 10;
        var reader = new WasmReader(bytes) { Position = Math.Min(8, bytes.Length) };
        while (!reader.AtEnd)
        {
            byte id = reader.ReadByte();
            uint size = reader.ReadU32();
            if (size > (uint)reader.Remaining) throw reader.Error($"section size {size} out of bounds");
            int payloadEnd = reader.Position + (int)size;
            if (id != CodeSection)
            {
                reader.Position = payloadEnd;
                continue;
            }
            int codeBase = reader.Position;
            reader.End = payloadEnd;
            int count = reader.ReadCount();
            var starts = new int[count];
            for (int i = 0; i < count; i++)
            {
                starts[i] = reader.Position;
                uint bodySize = reader.ReadU32();
                if (bodySize > (uint)reader.Remaining) throw reader.Error($"function body size {bodySize} out of bounds");
                reader.Position += (int)bodySize;
            }
            // A body ends with the `end` opcode, so the code ends where the last body does.
            return new CodeIndex(bytes, codeBase, starts, count > 0 ? reader.Position : codeBase, importedFunctions);
        }
        return new CodeIndex(bytes, -1, [], 0, importedFunctions);
    }

    /// <summary>Module offset of the code section's payload (DWARF address 0); -1 without a code section.</summary>
    public int CodeBase { get; }

    /// <summary>Module offset of the first function body; DWARF ranges starting before it are dead code (tombstones).</summary>
    public int CodeStart { get; }

    /// <summary>Module offset just past the last body's last instruction.</summary>
    public int CodeEnd { get; }

    /// <summary>The decoded module, or null for an index made <see cref="FromBytes"/>.</summary>
    public Module? Module => _module;

    public int ImportedFunctions { get; }

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
    /// <exception cref="WasmFormatException">(<see cref="FromBytes"/> only) the body does not decode.</exception>
    public int StopPc(int pc, int limit)
    {
        int body = BodyAt(pc);
        if (body < 0) return -1;
        var code = Instructions(body);
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

    private Instruction[] Instructions(int body)
    {
        if (_module is not null) return _module.Bodies[body].Code.Instructions;
        lock (_decoded!)
        {
            if (_decoded.TryGetValue(body, out var code)) return code;
            _decoded[body] = code = DecodeBody(_bytes!, _bodyStarts[body]);
            return code;
        }
    }

    /// <summary>The instructions of the body at <paramref name="start"/> (its size field), with module offsets.</summary>
    private static Instruction[] DecodeBody(byte[] bytes, int start)
    {
        var reader = new WasmReader(bytes) { Position = start };
        int size = reader.ReadCount();
        reader.End = reader.Position + size;
        int groups = reader.ReadCount(2);
        for (int i = 0; i < groups; i++)
        {
            reader.ReadU32();
            TypeDecoder.ReadValType(reader);
        }
        var decoder = InstructionDecoder.Rent();
        try
        {
            return decoder.Decode(reader).Instructions;
        }
        finally
        {
            decoder.Return();
        }
    }
}
