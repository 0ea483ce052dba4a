using WasmProbe.Tests.Corpus;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Instructions;

namespace WasmProbe.Tests.Analysis;

public class CorpusStackTypingTests
{
    [Theory]
    [MemberData(nameof(CorpusFiles.ValidNames), MemberType = typeof(CorpusFiles))]
    public void Stack_at_each_function_end_holds_exactly_the_declared_results(string name)
    {
        var module = ModuleDecoder.Decode(CorpusFiles.ReadValid(name));
        var analyzer = new StackAnalyzer(module);
        var spaces = module.IndexSpaces;
        for (int f = spaces.ImportedFunctionCount; f < spaces.FunctionCount; f++)
        {
            var analysis = analyzer.Analyze(f);
            BlockEndsHoldTheirResults(analysis, spaces);
            int last = analysis.InstructionCount - 1;
            analysis.Code[last].Opcode.ShouldBe(Opcode.End);
            analysis.ControlDepth(last).ShouldBe(1);
            if (!analysis.IsReachable(last)) continue;

            var results = analysis.Type.Results;
            analysis.StackHeight(last).ShouldBe(results.Length, $"function {f} at its final end (pc 0x{analysis.Code[last].Offset:x})");
            var stack = analysis.StackBefore(last);
            for (int i = 0; i < results.Length; i++)
            {
                TypeRelations.IsSubtype(stack[i], results[i], spaces)
                    .ShouldBeTrue($"function {f}: result {i} is {stack[i]} on the stack but {results[i]} in the signature");
            }
        }
    }

    private static void BlockEndsHoldTheirResults(FunctionAnalysis analysis, Wasm.Model.IndexSpaces spaces)
    {
        for (int k = 0; k < analysis.InstructionCount; k++)
        {
            if (analysis.Code[k].Opcode != Opcode.End || !analysis.IsReachable(k)) continue;
            int start = analysis.Partner(k);
            if (start < 0 || !analysis.IsReachable(start)) continue;
            var opener = analysis.Code[start];
            analysis.Partner(start).ShouldBe(k);
            var blockType = opener.BlockType;
            int parameters = blockType.IsFunctionType ? spaces.FunctionType(blockType.TypeIndex).Parameters.Length : 0;
            int results = blockType.IsEmpty ? 0 : blockType.IsFunctionType ? spaces.FunctionType(blockType.TypeIndex).Results.Length : 1;
            int frameHeight = analysis.StackHeight(start) - parameters - (opener.Opcode == Opcode.If ? 1 : 0);
            analysis.StackHeight(k).ShouldBe(frameHeight + results, $"block opened at 0x{opener.Offset:x}, end at 0x{analysis.Code[k].Offset:x}");
            analysis.ControlDepth(k).ShouldBe(analysis.ControlDepth(start) + 1);
        }
    }
}
