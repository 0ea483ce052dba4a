extern alias generator;

using generator::WasmProbe.Generators;
using generator::WasmProbe.Generators.Model;
using generator::WasmProbe.Wasm.Analysis;
using generator::WasmProbe.Wasm.Decoding;
using generator::WasmProbe.Wasm.Dwarf;
using generator::WasmProbe.Wasm.Resolution;
using static WasmProbe.Generators.Tests.GeneratorHarness;

namespace WasmProbe.Generators.Tests;

/// <summary>The generator decodes a module lazily (<see cref="BodyDecoding.Lazy"/>): only the bodies of the functions
/// probes need, and those where the DWARF puts a [BreakAtLine]'s rows. It must answer exactly as the whole module does.</summary>
public class LazyModuleTests
{
    private static ModuleContext Context(string guest)
    {
        var image = new ModuleImage("guests/" + guest, Guest(guest), null, null);
        return new ModuleContext(image.Decoded.Module!, image);
    }

    [Fact]
    public void Analysing_a_probed_function_decodes_its_body_alone_and_matches_the_whole_module()
    {
        var context = Context("fib.wasm");
        var whole = new StackAnalyzer(ModuleDecoder.Decode(Guest("fib.wasm")));
        context.Module.Bodies.ShouldAllBe(b => !b.IsDecoded);
        int fib = FunctionResolver.Resolve(context.Module, "fib").Value;

        var analysis = context.Analysis(fib);

        int defined = fib - context.Spaces.ImportedFunctionCount;
        context.Module.Bodies.Select((b, i) => b.IsDecoded == (i == defined)).ShouldAllBe(right => right);
        var expected = whole.Analyze(fib);
        analysis.Code.Instructions.ShouldBe(expected.Code.Instructions);
        Enumerable.Range(0, analysis.InstructionCount).Select(i => (analysis.StackHeight(i), analysis.IsReachable(i)))
            .ShouldBe(Enumerable.Range(0, expected.InstructionCount).Select(i => (expected.StackHeight(i), expected.IsReachable(i))));
    }

    [Theory]
    [InlineData("sort-O0.wasm")]
    [InlineData("sort-O2.wasm")]
    public void Every_line_resolves_as_with_the_whole_module(string guest)
    {
        var whole = DwarfInfo.Read(ModuleDecoder.Decode(Guest(guest)));
        var context = Context(guest);
        var lines = context.Dwarf.ShouldNotBeNull();
        context.Module.Bodies.ShouldAllBe(b => !b.IsDecoded, "reading the line table decodes no body");

        lines.Lines.Rows.Select(r => (r.Pc, r.File, r.Line, r.Flags)).ShouldBe(whole.Lines.Rows.Select(r => (r.Pc, r.File, r.Line, r.Flags)));
        lines.KnownFiles().ShouldBe(whole.KnownFiles());
        int resolved = 0;
        foreach (string file in new[] { "sort.c", "/cguest/sort.c", "nope.c" })
        {
            for (int line = 0; line <= 60; line++)
            {
                var expected = whole.ResolveLine(file, line);
                var actual = lines.ResolveLine(file, line);
                (actual.Status, actual.Error).ShouldBe((expected.Status, expected.Error), $"{file}:{line}");
                actual.Locations.ShouldBe(expected.Locations, $"{file}:{line}");
                actual.NearestLines.ShouldBe(expected.NearestLines, $"{file}:{line}");
                if (actual.Success) resolved++;
            }
        }
        resolved.ShouldBeGreaterThan(30);
    }

    [Fact]
    public void A_line_decodes_only_the_bodies_where_it_has_rows()
    {
        var context = Context("sort-O0.wasm");
        var resolution = context.Dwarf!.ResolveLine("sort.c", 33);

        resolution.Success.ShouldBeTrue();
        var decoded = context.Module.Bodies.Select((b, i) => (b, i)).Where(x => x.b.IsDecoded).Select(x => x.i + context.Spaces.ImportedFunctionCount).ToList();
        resolution.Locations.Select(l => l.Function).ShouldBeSubsetOf(decoded);
        context.Module.Bodies.Count.ShouldBeGreaterThan(decoded.Count * 10);
    }

    [Fact]
    public void Without_dwarf_there_is_no_line_information()
    {
        var lines = Context("fib.wasm").Dwarf!;
        lines.HasLineInfo.ShouldBeFalse();
        lines.ResolveLine("fib.c", 3).Status.ShouldBe(LineResolutionStatus.NoLineInfo);
    }
}
