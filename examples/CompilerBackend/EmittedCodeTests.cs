using WasmProbe.Debugging;

namespace CompilerBackend;

public class EmittedCodeTests
{
    private static readonly string[] Parameters = ["a", "b"];

    [Theory]
    [InlineData("(a + 3) * b - a / 2", 5, 4)]
    [InlineData("a - b - 7", 10, 3)]
    [InlineData("a * (b - (a - 1)) / 2", 6, 9)]
    [InlineData("((a))", 42, 0)]
    public void Every_instruction_leaves_the_value_of_its_subexpression_on_top_of_the_stack(string source, int a, int b)
    {
        var compiled = new ExpressionCompiler().Compile(source, Parameters);
        var result = StackChecker.Check(compiled, Parameters, a, b);
        result.ShouldBe(Reference.Evaluate(source, new Dictionary<string, int> { ["a"] = a, ["b"] = b }));
    }

    [Fact]
    public void The_stack_never_holds_more_than_the_pending_operands()
    {
        var compiled = new ExpressionCompiler().Compile("a + (b + (a + (b + 1)))", Parameters);
        using var session = DebugSession.Create(compiled.Wasm, new DebugSessionOptions { Entry = "eval", Arguments = [1, 2] });
        int deepest = 0;
        session.Run(_ =>
        {
            deepest = Math.Max(deepest, session.Frames[0].Stack.Count);
            return ResumeAction.StepInto;
        }, ResumeAction.StepInto);
        deepest.ShouldBe(5);
    }

    [Fact]
    public void Swapped_subtraction_operands_are_caught_at_the_instruction_that_goes_wrong()
    {
        var buggy = new ExpressionCompiler { SwapSubtractionOperands = true }.Compile("(a + 3) * b - a / 2", Parameters);

        var error = Should.Throw<StackMismatchException>(() => StackChecker.Check(buggy, Parameters, 5, 4));

        error.Message.ShouldBe(FailureMessages.SwappedSubtraction);
    }
}

/// <summary>The message a developer sees when the compiler emits the operands of '-' in the wrong order (quoted in
/// the README).</summary>
public static class FailureMessages
{
    public const string SwappedSubtraction =
        "after i32.sub (instruction 8, pc 0x31) the top of the stack should be `( a + 3 ) * b - a / 2` = 30 but was -30\n" +
        "  operand stack (bottom first): [-30]\n" +
        "  locals: [5, 4]";
}
