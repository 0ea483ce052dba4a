using System.Globalization;
using System.Text;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Polyfills;

namespace WasmProbe.Wasm.Text;

/// <summary>Writes function bodies as one line per instruction, with the instruction's pc (its module byte offset,
/// the same one <c>wasm-objdump -d</c> prints), indentation by block nesting, the instruction in text syntax and the
/// operand stack types before it:
/// <code>
/// func[1] &lt;fib&gt; (param i32) (result i32) (local i32 i32 i64)
/// 0x0060:   local.get $n       ;; stack: []
/// 0x0062:   i32.const 2        ;; stack: [i32]
/// </code>
/// Unreachable instructions show <c>;; unreachable</c> instead of a stack. Stacks deeper than
/// <see cref="MaxStackShown"/> show their top values only (<c>[+40 ... i32 i64]</c>). When the stack analysis rejects
/// a body, its instructions are still listed, without stacks, after a <c>;; stack analysis failed</c> line.</summary>
public static class Disassembler
{
    /// <summary>The most stack entries printed per line; deeper stacks show their top entries.</summary>
    public const int MaxStackShown = 16;

    private const string Indent = "  ";
    private const int MinInstructionColumn = 28;
    private const int MaxInstructionColumn = 48;

    /// <summary>Disassembles every function the module defines, or only <paramref name="onlyFunction"/> (an index in the
    /// function index space, imports first; see <see cref="ResolveFunction"/>).</summary>
    public static void Write(TextWriter output, Module module, int? onlyFunction = null)
    {
        Compat.ThrowIfNull(output, nameof(output));
        Compat.ThrowIfNull(module, nameof(module));
        var spaces = module.IndexSpaces;
        int first = spaces.ImportedFunctionCount;
        int end = first + module.Bodies.Count;
        if (onlyFunction is { } only)
        {
            CheckDefined(module, only, only.ToString(CultureInfo.InvariantCulture));
            first = only;
            end = only + 1;
        }

        int pcDigits = PcDigits(module);
        var analyzer = new StackAnalyzer(module);
        for (int f = first; f < end; f++)
        {
            if (f > first) output.WriteLine();
            WriteFunction(output, module, analyzer, f, pcDigits);
        }
    }

    /// <summary>The listing line (1-based) of each instruction that <see cref="Write"/> prints for the whole module, as
    /// two arrays in pc order, worked out from the listing's layout without formatting any instruction.</summary>
    public static (int[] Pcs, int[] Lines) InstructionLines(Module module)
    {
        Compat.ThrowIfNull(module, nameof(module));
        int total = 0;
        foreach (var body in module.Bodies) total += body.Code.Count;
        var pcs = new int[total];
        var lines = new int[total];
        int count = 0, line = 0;
        var analyzer = new StackAnalyzer(module);
        int first = module.IndexSpaces.ImportedFunctionCount;
        for (int f = first; f < first + module.Bodies.Count; f++)
        {
            if (f > first) line++; // the blank line between functions
            line++; // the header
            if (Analyze(analyzer, f, out _) is null) line++;
            var code = module.Bodies[f - first].Code;
            for (int i = 0; i < code.Count; i++)
            {
                line++;
                if (code[i].Offset < 0) continue;
                pcs[count] = code[i].Offset;
                lines[count++] = line;
            }
        }
        Array.Resize(ref pcs, count);
        Array.Resize(ref lines, count);
        Array.Sort(pcs, lines);
        return (pcs, lines);
    }

    /// <summary>Resolves a function given on a command line: a decimal index in the function index space, a name from
    /// the name section, or an export name, each with or without a leading <c>$</c> (<c>$5</c> is a name, <c>5</c> an
    /// index). Throws <see cref="ArgumentException"/> for an unknown function (listing some known names) and for an
    /// imported function, which has no body.</summary>
    public static int ResolveFunction(Module module, string nameOrIndex)
    {
        Compat.ThrowIfNull(module, nameof(module));
        int index = module.Names.ResolveFunction(nameOrIndex);
        string text = nameOrIndex.Trim();
        CheckDefined(module, index, text[0] != '$' && text.All(Compat.IsAsciiDigit) ? text : $"'{InstructionFormatter.Escape(text.TrimStart('$'))}'");
        return index;
    }

    private static void CheckDefined(Module module, int index, string shownAs)
    {
        var spaces = module.IndexSpaces;
        if (index < 0 || index >= spaces.ImportedFunctionCount + module.Bodies.Count)
            throw new ArgumentException($"function {shownAs} does not exist (the module has {spaces.FunctionCount} functions)");
        if (spaces.IsImportedFunction(index))
        {
            string import = ImportName(module, index) ?? "an import";
            throw new ArgumentException($"function {shownAs} (index {index}) is imported from {import} and has no body to disassemble");
        }
    }

    private static string? ImportName(Module module, int functionIndex)
    {
        int seen = 0;
        foreach (var import in module.Imports)
        {
            if (import.Kind != ExternalKind.Function) continue;
            if (seen++ == functionIndex) return $"\"{import.ModuleName}\" \"{import.Name}\"";
        }
        return null;
    }

    private static void WriteFunction(TextWriter output, Module module, StackAnalyzer analyzer, int functionIndex, int pcDigits)
    {
        var body = module.Bodies[functionIndex - module.IndexSpaces.ImportedFunctionCount];
        output.WriteLine(Header(module, functionIndex, body));

        var analysis = Analyze(analyzer, functionIndex, out string? failure);
        if (failure is not null) output.WriteLine($";; stack analysis failed: {failure}");

        var code = body.Code;
        int n = code.Count;
        var texts = new string[n];
        int width = 0;
        int depth = 1; // fallback nesting when there is no analysis
        for (int i = 0; i < n; i++)
        {
            var instruction = code[i];
            int level = analysis?.ControlDepth(i) ?? depth;
            if (analysis is null) depth = NextDepth(depth, instruction.Opcode);
            if (IsBlockMiddleOrEnd(instruction.Opcode)) level--;
            var sb = new StringBuilder();
            for (int k = 1; k < level; k++) sb.Append(Indent);
            sb.Append(InstructionFormatter.Format(module, functionIndex, code, instruction));
            texts[i] = sb.ToString();
            width = Math.Max(width, texts[i].Length);
        }
        width = Compat.Clamp(width, MinInstructionColumn, MaxInstructionColumn);

        var line = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            line.Clear();
            int pc = code[i].Offset;
            if (pc >= 0) line.Append("0x").Append(pc.ToString("x" + pcDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            else line.Append(' ', 2 + pcDigits);
            line.Append(":   ").Append(texts[i]);
            if (analysis is not null)
            {
                line.Append(' ', Math.Max(1, width - texts[i].Length + 2));
                if (analysis.IsReachable(i)) AppendStack(line, module, analysis, i);
                else line.Append(";; unreachable");
            }
            output.WriteLine(line.ToString());
        }
    }

    /// <summary>The function's stack analysis, or null with why it failed.</summary>
    private static FunctionAnalysis? Analyze(StackAnalyzer analyzer, int functionIndex, out string? failure)
    {
        failure = null;
        try
        {
            return analyzer.Analyze(functionIndex);
        }
        catch (WasmValidationException e)
        {
            failure = $"{e.Reason} at 0x{e.Offset:x}";
        }
        catch (ArgumentOutOfRangeException e)
        {
            // A bad function type index in a module that only decodes.
            failure = e.Message;
        }
        return null;
    }

    /// <summary><c>func[3] &lt;fib&gt; (param i32) (result i32) (local i32 i64)</c>.</summary>
    private static string Header(Module module, int functionIndex, FunctionBody body)
    {
        var sb = new StringBuilder("func[").Append(functionIndex.ToString(CultureInfo.InvariantCulture)).Append(']');
        if (module.Names.Function(functionIndex) is { } name) sb.Append(" <").Append(InstructionFormatter.Escape(name)).Append('>');
        FunctionType? type = null;
        try
        {
            type = module.IndexSpaces.FunctionTypeOfFunction(functionIndex);
        }
        catch (ArgumentOutOfRangeException)
        {
            sb.Append(" (type ").Append(module.IndexSpaces.FunctionTypeIndices[functionIndex].ToString(CultureInfo.InvariantCulture)).Append(')');
        }
        if (type is not null)
        {
            AppendTypes(sb, module, "param", type.Parameters);
            AppendTypes(sb, module, "result", type.Results);
        }
        if (body.LocalCount > 0)
        {
            sb.Append(" (local");
            foreach (var group in body.Locals)
            {
                if (group.Count == 0) continue;
                string text = InstructionFormatter.FormatValType(module, group.Type);
                // Long runs of one type (up to 2^32 in odd modules) print as "i32*1000" rather than spelled out.
                if (group.Count > 8) sb.Append(' ').Append(text).Append('*').Append(group.Count.ToString(CultureInfo.InvariantCulture));
                else for (uint k = 0; k < group.Count; k++) sb.Append(' ').Append(text);
            }
            sb.Append(')');
        }
        return sb.ToString();
    }

    private static void AppendTypes(StringBuilder sb, Module module, string keyword, ValType[] types)
    {
        if (types.Length == 0) return;
        sb.Append(" (").Append(keyword);
        foreach (var type in types) sb.Append(' ').Append(InstructionFormatter.FormatValType(module, type));
        sb.Append(')');
    }

    private static void AppendStack(StringBuilder line, Module module, FunctionAnalysis analysis, int index)
    {
        int height = analysis.StackHeight(index);
        line.Append(";; stack: [");
        int from = 0;
        if (height > MaxStackShown)
        {
            from = height - (MaxStackShown - 1);
            line.Append('+').Append(from.ToString(CultureInfo.InvariantCulture)).Append(" ...");
        }
        for (int slot = from; slot < height; slot++)
        {
            if (slot > 0) line.Append(' ');
            line.Append(InstructionFormatter.FormatValType(module, analysis.StackSlot(index, slot)));
        }
        line.Append(']');
    }

    private static bool IsBlockMiddleOrEnd(Opcode opcode) =>
        OpcodeTable.Get(opcode) is { ClosesBlock: true } or { Control: ControlKind.Else or ControlKind.Catch };

    private static int NextDepth(int depth, Opcode opcode)
    {
        var info = OpcodeTable.Get(opcode);
        return info.OpensBlock ? depth + 1 : info.ClosesBlock ? Math.Max(1, depth - 1) : depth;
    }

    /// <summary>Hex digits for pcs: at least 4, enough for the largest instruction offset in the module.</summary>
    private static int PcDigits(Module module)
    {
        int max = 0;
        foreach (var body in module.Bodies)
        {
            if (body.Code.Count > 0) max = Math.Max(max, body.Code[body.Code.Count - 1].Offset);
        }
        int digits = 4;
        while (digits < 8 && (uint)max >> (4 * digits) != 0) digits++;
        return digits;
    }
}
