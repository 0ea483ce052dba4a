using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Text;

namespace WasmProbe.Tests.Text;

/// <summary>Disassembly of the fib fixture. The pcs are the ones <c>wasm-objdump -d fib.wasm</c> prints (wabt 1.0.32).</summary>
public class DisassemblerTests
{
    private static string[] Lines(Module module, int? only = null)
    {
        var output = new StringWriter();
        Disassembler.Write(output, module, only);
        return output.ToString().Split(Environment.NewLine);
    }

    [Fact]
    public void Headers_show_index_name_signature_and_locals()
    {
        var lines = Lines(Fixture.Fib());
        lines.Where(l => l.StartsWith("func[", StringComparison.Ordinal)).ShouldBe(
        [
            "func[1] <fib> (param i32) (result i32) (local i32 i32 i64)",
            "func[2] <memo> (param i32) (result i32) (local i32)",
            "func[3] (param f64) (result f64)",
        ]);
    }

    [Theory]
    [InlineData("0x0059:   global.get $calls             ;; stack: []")]
    [InlineData("0x005d:   i32.add                       ;; stack: [i32 i32]")]
    [InlineData("0x0065:   if (result i32)               ;; stack: [i32]")]
    [InlineData("0x0067:     local.get $n                ;; stack: []")]
    [InlineData("0x0069:   else                          ;; stack: [i32]")]
    [InlineData("0x0072:     block                       ;; stack: []")]
    [InlineData("0x0074:       loop                      ;; stack: []")]
    [InlineData("0x007b:         br_if 1                 ;; stack: [i32]")]
    [InlineData("0x0084:         local.set $a            ;; stack: [i32 i32]")]
    [InlineData("0x008a:         i32.const -1            ;; stack: [i32]")]
    [InlineData("0x008f:         br 0                    ;; stack: []")]
    [InlineData("0x0091:       end                       ;; unreachable")]
    [InlineData("0x0092:     end                         ;; stack: []")]
    [InlineData("0x0095:   end                           ;; stack: [i32]")]
    [InlineData("0x0096:   end                           ;; stack: [i32]")]
    [InlineData("0x00a0:   i32.load offset=8             ;; stack: [i32]")]
    [InlineData("0x00b2:   call $fib                     ;; stack: [i32 i32]")]
    [InlineData("0x00b6:   i32.store offset=8            ;; stack: [i32 i32]")]
    [InlineData("0x00bb:   call $log                     ;; stack: [i32]")]
    [InlineData("0x00bf:   return                        ;; stack: [i32]")]
    [InlineData("0x00c0:   i32.const 7                   ;; unreachable")]
    [InlineData("0x00c3:   unreachable                   ;; unreachable")]
    [InlineData("0x00c7:   local.get 0                   ;; stack: []")]
    [InlineData("0x00c9:   f64.const -1.5                ;; stack: [f64]")]
    [InlineData("0x00d5:   i64.load align=4              ;; stack: [f64 i32]")]
    public void Prints_exact_lines(string expected)
    {
        Lines(Fixture.Fib()).ShouldContain(expected);
    }

    [Fact]
    public void Lists_every_instruction_of_every_defined_function_in_pc_order()
    {
        var module = Fixture.Fib();
        var pcs = Lines(module).Where(l => l.StartsWith("0x", StringComparison.Ordinal))
            .Select(l => Convert.ToInt32(l[2..l.IndexOf(':', StringComparison.Ordinal)], 16)).ToArray();
        pcs.ShouldBe(module.Bodies.SelectMany(b => b.Code.Instructions.Select(i => i.Offset)));
        pcs.Length.ShouldBe(36 + 24 + 8);
        pcs[0].ShouldBe(0x59);
        pcs[^1].ShouldBe(0xda);
    }

    [Fact]
    public void Instruction_lines_are_the_lines_the_listing_prints_each_instruction_on()
    {
        // The second function fails the stack analysis, which adds a line to its listing.
        var invalid = ModuleDecoder.Decode(Wasmtime.Module.ConvertText("(module (func nop) (func i32.add drop) (func nop nop))").ToArray());
        foreach (var module in new[] { Fixture.Fib(), invalid })
        {
            var printed = new Dictionary<int, int>();
            var lines = Lines(module);
            for (int line = 1; line <= lines.Length; line++)
            {
                string text = lines[line - 1];
                if (text.StartsWith("0x", StringComparison.Ordinal)) printed[Convert.ToInt32(text[2..text.IndexOf(':', StringComparison.Ordinal)], 16)] = line;
            }
            var (pcs, numbers) = Disassembler.InstructionLines(module);
            pcs.Zip(numbers).ShouldBe(printed.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)));
        }
        Lines(invalid).ShouldContain(l => l.StartsWith(";; stack analysis failed", StringComparison.Ordinal));
    }

    [Fact]
    public void Stack_column_is_aligned_within_a_function()
    {
        var columns = Lines(Fixture.Fib(), 1).Where(l => l.StartsWith("0x", StringComparison.Ordinal))
            .Select(l => l.IndexOf(";;", StringComparison.Ordinal)).Distinct().ToArray();
        columns.Length.ShouldBe(1);
    }

    [Fact]
    public void Only_one_function_when_asked()
    {
        var lines = Lines(Fixture.Fib(), 2);
        lines[0].ShouldBe("func[2] <memo> (param i32) (result i32) (local i32)");
        lines.Count(l => l.StartsWith("func[", StringComparison.Ordinal)).ShouldBe(1);
        lines.Count(l => l.StartsWith("0x", StringComparison.Ordinal)).ShouldBe(24);
    }

    [Fact]
    public void Write_rejects_an_imported_function()
    {
        Should.Throw<ArgumentException>(() => Lines(Fixture.Fib(), 0)).Message.ShouldContain("imported");
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("3", 3)]
    [InlineData("fib", 1)]
    [InlineData("$fib", 1)]
    [InlineData("fibonacci", 1)]
    [InlineData("$fibonacci", 1)]
    [InlineData("memo", 2)]
    [InlineData(" $memo ", 2)]
    public void ResolveFunction_accepts_index_name_and_export(string text, int expected)
    {
        Disassembler.ResolveFunction(Fixture.Fib(), text).ShouldBe(expected);
    }

    [Fact]
    public void ResolveFunction_lists_known_names_for_an_unknown_one()
    {
        var e = Should.Throw<ArgumentException>(() => Disassembler.ResolveFunction(Fixture.Fib(), "fob"));
        e.Message.ShouldBe("no function named 'fob'; known functions: fib, memo, fibonacci (defined function indices are 1 to 3)");
    }

    [Theory]
    [InlineData("0", "function 0 (index 0) is imported from \"env\" \"log\" and has no body to disassemble")]
    [InlineData("log", "function 'log' (index 0) is imported from \"env\" \"log\" and has no body to disassemble")]
    [InlineData("4", "function index 4 is out of range: the module has functions 0 to 3")]
    [InlineData("99999999999999", "function index 99999999999999 is out of range: the module has functions 0 to 3")]
    [InlineData("$1", "no function named '1'; known functions: fib, memo, fibonacci (defined function indices are 1 to 3)")]
    [InlineData("", "empty function name")]
    public void ResolveFunction_rejects_imports_and_bad_indices(string text, string message)
    {
        Should.Throw<ArgumentException>(() => Disassembler.ResolveFunction(Fixture.Fib(), text)).Message.ShouldBe(message);
    }
}
