extern alias generator;

using generator::WasmProbe.Generators;
using generator::WasmProbe.Wasm.Analysis;
using generator::WasmProbe.Wasm.Binary;
using generator::WasmProbe.Wasm.Decoding;
using WasmProbe.Tests.Corpus;
using static WasmProbe.Generators.Tests.GeneratorHarness;

namespace WasmProbe.Generators.Tests;

/// <summary>The generator decodes only the bodies probes need (<see cref="ModuleSlicer"/>). A kept body must decode
/// and analyze exactly as in the whole module, its pcs shifted by the reported amount.</summary>
public class ModuleSlicerTests
{
    /// <summary>Checks every defined function of <paramref name="bytes"/> (at most <paramref name="limit"/>), each kept
    /// alone; returns how many were checked.</summary>
    private static int CheckModule(byte[] bytes, int limit = int.MaxValue)
    {
        var whole = ModuleDecoder.Decode(bytes);
        var wholeAnalyzer = new StackAnalyzer(whole);
        int imported = whole.IndexSpaces.ImportedFunctionCount;
        int checkedCount = 0;
        for (int defined = 0; defined < Math.Min(whole.Bodies.Count, limit); defined++)
        {
            var sliced = ModuleSlicer.Slice(bytes, i => i == defined).ShouldNotBeNull();
            var part = ModuleDecoder.Decode(sliced.Bytes);
            part.Bodies.Count.ShouldBe(whole.Bodies.Count);
            int shift = sliced.Shift(defined);
            var expected = whole.Bodies[defined].Code.Instructions;
            var actual = part.Bodies[defined].Code.Instructions;
            actual.Select(i => (i.Opcode, i.Offset + shift)).ShouldBe(expected.Select(i => (i.Opcode, i.Offset)));
            FunctionAnalysis a, b;
            try
            {
                a = wholeAnalyzer.Analyze(imported + defined);
            }
            catch (WasmFormatException)
            {
                continue; // not valid: nothing to compare
            }
            b = new StackAnalyzer(part).Analyze(imported + defined);
            Enumerable.Range(0, a.InstructionCount).Select(i => (a.StackHeight(i), a.IsReachable(i)))
                .ShouldBe(Enumerable.Range(0, b.InstructionCount).Select(i => (b.StackHeight(i), b.IsReachable(i))));
            checkedCount++;
        }
        return checkedCount;
    }

    [Fact]
    public void Kept_bodies_of_the_guests_decode_and_analyze_as_in_the_whole_module()
    {
        CheckModule(Guest("fib.wasm")).ShouldBe(5);
        CheckModule(Guest("types.wasm")).ShouldBe(1);
    }

    [Fact]
    public void Other_bodies_are_empty_and_everything_else_is_kept()
    {
        var bytes = Guest("fib.wasm");
        var sliced = ModuleSlicer.Slice(bytes, i => i == 1).ShouldNotBeNull();
        sliced.Bytes.Length.ShouldBeLessThan(bytes.Length);
        var part = ModuleDecoder.Decode(sliced.Bytes);
        part.Bodies.Select(b => b.Code.Count).ShouldBe([1, ModuleDecoder.Decode(bytes).Bodies[1].Code.Count, 1, 1, 1]);
        part.Names.Function(1).ShouldBe("fib");
        part.Names.Local(1, 1).ShouldBe("a");
        part.Names.Global(0).ShouldBe("__stack_pointer");
        part.Exports.Select(e => e.Name).ShouldBe(["memory", "calls", "fib", "store", "divide", "pair"]);
    }

    [Fact]
    public void A_module_whose_sections_do_not_scan_is_left_to_the_full_decoder()
    {
        ModuleSlicer.Slice([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x10, 0x01], _ => true).ShouldBeNull();
        ModuleSlicer.Slice([0x00, 0x61], _ => true).ShouldBeNull();
    }

    [Fact]
    public void Corpus_modules_slice_to_the_same_bodies()
    {
        int modules = 0, functions = 0;
        foreach (string file in CorpusFiles.Valid)
        {
            var bytes = File.ReadAllBytes(file);
            try
            {
                ModuleDecoder.Decode(bytes);
            }
            catch (WasmFormatException)
            {
                continue;
            }
            functions += CheckModule(bytes, limit: 8);
            modules++;
        }
        modules.ShouldBeGreaterThan(1000);
        functions.ShouldBeGreaterThan(1000);
    }
}
