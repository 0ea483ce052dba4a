using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Analysis;

/// <summary>The opcode table and the analyses agree: every opcode whose stack effect the table leaves to context has
/// a rule in the stack analysis, and every opcode that takes a label or a block type says what it does to control flow.</summary>
public class StackRuleTests
{
    /// <summary>One entity of every kind, so that an instruction with zero immediates refers to something.</summary>
    private const string Everything = """
        (module
          (type $s (struct (field (mut i32))))
          (type $a (array (mut i32)))
          (type $f (func))
          (tag $t)
          (table 1 funcref)
          (memory 1)
          (global $g (mut i32) (i32.const 0))
          (data "x")
          (elem func 0)
          (func (type $f)))
        """;

    public static TheoryData<string> ContextDependentOpcodes() =>
        [.. OpcodeTable.All.Where(o => o.StackEffect is null).Select(o => o.Opcode.ToString())];

    [Theory]
    [MemberData(nameof(ContextDependentOpcodes))]
    public void Every_opcode_with_a_context_dependent_stack_effect_has_a_stack_analysis_rule(string name)
    {
        var info = OpcodeTable.Get(Enum.Parse<Opcode>(name));
        var module = ModuleDecoder.Decode(Wasmtime.Module.ConvertText(Everything).ToArray());
        // In unreachable code every operand is available, so the instruction's own rule is what runs; a validation
        // error about its immediates or its frame is fine, a missing rule is not.
        Instruction[] code = [new(Opcode.Unreachable, 0, 1), new(info.Opcode, 1, 1), new(Opcode.End, 2, 1), new(Opcode.End, 3, 1)];
        module.Bodies[0] = new FunctionBody(module.Bodies[0].Locals, new Expression(code, [])) { Offset = 0 };

        var error = Record.Exception(() => new StackAnalyzer(module).Analyze(0));

        (error?.Message ?? "").ShouldNotContain("has no rule", customMessage: $"{info.Name} has no rule in the stack analysis");
    }

    [Fact]
    public void Every_opcode_that_takes_a_label_or_block_type_says_what_it_does_to_control_flow()
    {
        var immediates = new[] { ImmediateKind.Label, ImmediateKind.BlockType, ImmediateKind.BrTable, ImmediateKind.TryTable, ImmediateKind.BrOnCast };
        OpcodeTable.All.Where(o => immediates.Contains(o.Immediates) && o.Control == ControlKind.None).Select(o => o.Name).ShouldBeEmpty();
    }

    [Fact]
    public void Calls_and_openers_are_derived_from_the_control_kinds()
    {
        OpcodeTable.All.Where(o => o.IsCall).Select(o => o.Opcode).ShouldBe(
            [Opcode.Call, Opcode.CallIndirect, Opcode.ReturnCall, Opcode.ReturnCallIndirect, Opcode.CallRef, Opcode.ReturnCallRef], ignoreOrder: true);
        OpcodeTable.All.Where(o => o.OpensBlock).Select(o => o.Opcode).ShouldBe(
            [Opcode.Block, Opcode.Loop, Opcode.If, Opcode.Try, Opcode.TryTable], ignoreOrder: true);
        OpcodeTable.All.Where(o => o.HasFunctionIndex).Select(o => o.Opcode).ShouldBe([Opcode.Call, Opcode.ReturnCall, Opcode.RefFunc], ignoreOrder: true);
    }
}
