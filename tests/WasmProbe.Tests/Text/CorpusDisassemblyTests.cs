using System.Globalization;
using WasmProbe.Tests.Corpus;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Text;

namespace WasmProbe.Tests.Text;

public class CorpusDisassemblyTests
{
    /// <summary>Every defined function is listed once, in order, with one line per instruction whose pc is that
    /// instruction's offset (the pcs <c>wasm-objdump -d</c> prints), strictly increasing; unreachable instructions, and
    /// only those, are marked.</summary>
    [Theory]
    [MemberData(nameof(CorpusFiles.ValidNames), MemberType = typeof(CorpusFiles))]
    public void Lists_every_instruction_at_its_offset(string name)
    {
        var module = ModuleDecoder.Decode(CorpusFiles.ReadValid(name));
        var output = new StringWriter();
        Disassembler.Write(output, module);

        var functions = new List<(int Index, List<(int Pc, string Line)> Lines)>();
        foreach (string line in output.ToString().Split(Environment.NewLine))
        {
            if (line.StartsWith("func[", StringComparison.Ordinal))
            {
                int index = int.Parse(line.AsSpan(5, line.IndexOf(']', StringComparison.Ordinal) - 5), CultureInfo.InvariantCulture);
                functions.Add((index, []));
            }
            else if (line.StartsWith("0x", StringComparison.Ordinal))
            {
                functions.ShouldNotBeEmpty($"instruction line before any function header: {line}");
                int pc = int.Parse(line.AsSpan(2, line.IndexOf(':', StringComparison.Ordinal) - 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                functions[^1].Lines.Add((pc, line));
            }
            else
            {
                line.ShouldBeEmpty();
            }
        }

        int imported = module.IndexSpaces.ImportedFunctionCount;
        functions.Select(f => f.Index).ShouldBe(Enumerable.Range(imported, module.Bodies.Count));
        var analyzer = new StackAnalyzer(module);
        foreach (var (index, lines) in functions)
        {
            var analysis = analyzer.Analyze(index);
            var code = module.Bodies[index - imported].Code;
            lines.Count.ShouldBe(code.Count, $"func[{index}]");
            for (int i = 0; i < lines.Count; i++)
            {
                lines[i].Pc.ShouldBe(code[i].Offset, $"func[{index}] instruction {i}");
                if (i > 0) lines[i].Pc.ShouldBeGreaterThan(lines[i - 1].Pc);
                lines[i].Line.EndsWith(";; unreachable", StringComparison.Ordinal).ShouldBe(!analysis.IsReachable(i), lines[i].Line);
            }
        }
    }
}
