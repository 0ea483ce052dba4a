using WasmProbe.Debugging;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Dwarf;

namespace WasmProbe.Tests.Dwarf;

/// <summary>names.wasm (examples/CGuest/guest/names.cpp, clang++ -g -O0, no libc): function names through namespaces,
/// DW_AT_specification (a member function defined out of line), templates and DW_AT_abstract_origin (an always-inlined
/// function), as llvm-dwarfdump --debug-info shows them.</summary>
public class CppNamesTests
{
    private const string File = "/cguest/names.cpp";

    [Fact]
    public void Functions_have_qualified_names_and_linkage_names()
    {
        var dwarf = DwarfInfo.Read(ModuleDecoder.Decode(CGuest.Read("names.wasm")));
        dwarf.Functions.All.Select(f => (f.Name, f.LinkageName)).ShouldBe([
            ("geometry::Point::manhattan", "_ZNK8geometry5Point9manhattanEv"), // defined out of line: named by its declaration
            ("run", null),
            ("geometry::twice<int>", "_ZN8geometry5twiceIiEET_S1_")]);
        var square = dwarf.Functions.Named("run").Single().Inlined.ShouldHaveSingleItem();
        (square.Name, square.LinkageName, square.IsInlined).ShouldBe(("square", "_ZL6squarei", true));
        square.CallSite.ShouldBe(new SourceLocation(File, 26, 33));
        dwarf.Functions.Named("_ZNK8geometry5Point9manhattanEv").Single().Name.ShouldBe("geometry::Point::manhattan");
    }

    [Fact]
    public async Task Backtraces_show_qualified_and_inlined_functions()
    {
        await using var session = DebugSession.Open(CGuest.PathOf("names.wasm"), new DebugSessionOptions { Entry = "run", Arguments = [3, -4] });
        session.AddBreakpointAtLine("names.cpp", 10);
        session.AddBreakpointAtLine("names.cpp", 20);

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        session.Frames.Select(f => f.ToString()).ShouldBe([
            $"geometry::Point::manhattan() const+0x{session.Frames[0].Pc:x} at {File}:10:13 in geometry::Point::manhattan",
            $"run+0x{session.Frames[1].Pc:x} at {File}:25:15"]);

        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        var top = session.Frames.ShouldHaveSingleItem();
        top.SourceFrames.Select(s => s.ToString()).ShouldBe([$"square at {File}:20:12", $"run at {File}:26:33"]);

        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results.Single().AsInt32().ShouldBe(2 * 7 + 9);
    }
}
