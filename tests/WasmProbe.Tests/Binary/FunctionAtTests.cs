using WasmProbe.Coverage;
using WasmProbe.Tests.Text;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Tests.Binary;

/// <summary><see cref="Wasm.Model.Module.FunctionAt"/>, the one answer to "which function holds this pc" (frames,
/// traps, DWARF, coverage).</summary>
public class FunctionAtTests
{
    private static readonly byte[] Fib = File.ReadAllBytes(Fixture.PathOf("fib.wasm"));

    [Fact]
    public void Every_byte_of_a_body_belongs_to_its_function_and_nothing_outside_the_code_does()
    {
        var module = ModuleDecoder.Decode(Fib);
        int imported = module.IndexSpaces.ImportedFunctionCount;
        for (int d = 0; d < module.Bodies.Count; d++)
        {
            var body = module.Bodies[d];
            for (int pc = body.Offset; pc < body.End; pc++) module.FunctionAt(pc).ShouldBe(imported + d, $"pc 0x{pc:x}");
        }
        module.FunctionAt(module.Bodies[0].Offset - 1).ShouldBe(-1);
        module.FunctionAt(module.Bodies[^1].End).ShouldBe(-1);
        module.FunctionAt(-1).ShouldBe(-1);
    }

    [Fact]
    public void A_rewritten_module_finds_functions_by_their_original_pcs()
    {
        var original = ModuleDecoder.Decode(Fib);
        var rewritten = CoverageInstrumenter.Build(original, CoverageInstrumenter.ModuleId(Fib)).Module;
        foreach (var body in original.Bodies)
        {
            foreach (var instruction in body.Code.Instructions)
                rewritten.FunctionAt(instruction.Offset).ShouldBe(original.FunctionAt(instruction.Offset));
        }
    }
}
