extern alias generator;

using generator::WasmProbe.Generators.Model;
using generator::WasmProbe.Wasm.Decoding;
using generator::WasmProbe.Wasm.Dwarf;
using static WasmProbe.Generators.Tests.GeneratorHarness;

namespace WasmProbe.Generators.Tests;

/// <summary>The generator resolves [BreakAtLine] lines from a module decoded without its bodies
/// (<see cref="DwarfInfo.ReadLines"/>: the code section is scanned for the bodies' positions, and a body is decoded only
/// when a lookup needs its instructions). It must answer exactly as the DWARF of the whole module does.</summary>
public class LineTableWithoutBodiesTests
{
    [Theory]
    [InlineData("sort-O0.wasm")]
    [InlineData("sort-O2.wasm")]
    public void Every_line_resolves_as_with_the_whole_module(string guest)
    {
        var bytes = Guest(guest);
        var whole = DwarfInfo.Read(ModuleDecoder.Decode(bytes));
        var declarations = new ModuleImage("guests/" + guest, bytes, null, null).Declarations.Module!;
        declarations.Bodies.ShouldAllBe(b => b.Code.Count == 1, "the bodies are left out");
        var lines = DwarfInfo.ReadLines(declarations, bytes);

        lines.Lines.Rows.Select(r => (r.Pc, r.File, r.Line, r.Flags)).ShouldBe(whole.Lines.Rows.Select(r => (r.Pc, r.File, r.Line, r.Flags)));
        lines.KnownFiles().ShouldBe(whole.KnownFiles());
        int resolved = 0;
        foreach (string file in new[] { "sort.c", "/cguest/sort.c", "nope.c" })
        {
            for (int line = 0; line <= 60; line++)
            {
                var expected = whole.ResolveLine(file, line, _ => true);
                var actual = lines.ResolveLine(file, line, _ => true);
                (actual.Status, actual.Error).ShouldBe((expected.Status, expected.Error), $"{file}:{line}");
                actual.Locations.ShouldBe(expected.Locations, $"{file}:{line}");
                actual.NearestLines.ShouldBe(expected.NearestLines, $"{file}:{line}");
                if (actual.Success) resolved++;
            }
        }
        resolved.ShouldBeGreaterThan(30);
    }

    [Fact]
    public void Without_dwarf_there_is_no_line_information()
    {
        var bytes = Guest("fib.wasm");
        var declarations = new ModuleImage("guests/fib.wasm", bytes, null, null).Declarations.Module!;
        var lines = DwarfInfo.ReadLines(declarations, bytes);
        lines.HasLineInfo.ShouldBeFalse();
        lines.ResolveLine("fib.c", 3, _ => true).Status.ShouldBe(LineResolutionStatus.NoLineInfo);
    }
}
