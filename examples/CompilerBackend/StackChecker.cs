using WasmProbe.Debugging;

namespace CompilerBackend;

public sealed class StackMismatchException(string message) : Exception(message);

/// <summary>Single-steps compiled code: before each instruction, the top of the stack must hold the value of the
/// subexpression the previous instruction completed (as the reference interpreter computes it).</summary>
public static class StackChecker
{
    /// <returns>The result of <c>eval</c>.</returns>
    public static int Check(Compiled compiled, string[] parameters, params int[] arguments)
    {
        var variables = parameters.Select((p, i) => (p, arguments[i])).ToDictionary(x => x.p, x => x.Item2);
        using var session = DebugSession.Create(compiled.Wasm, new DebugSessionOptions { Entry = "eval", Arguments = [.. arguments.Cast<object?>()] });
        var analysis = session.Analysis(0);
        string? failure = null;
        var final = session.Run(stop =>
        {
            int index = analysis.IndexOfPc(stop.Location!.Value.Pc);
            if (index == 0) return ResumeAction.StepInto;
            var previous = compiled.Body[index - 1];
            var frame = session.Frames[0];
            int actual = frame.Stack[^1].AsInt32();
            int expected = Reference.Evaluate(previous.Computes, variables);
            if (actual == expected) return ResumeAction.StepInto;
            failure = $"after {analysis.Code[index - 1].Info.Name} (instruction {index - 1}, pc 0x{analysis.Code[index - 1].Offset:x}) " +
                $"the top of the stack should be `{previous.Computes}` = {expected} but was {actual}\n" +
                $"  operand stack (bottom first): [{string.Join(", ", frame.Stack.Select(v => v.AsInt32()))}]\n" +
                $"  locals: [{string.Join(", ", frame.Locals.Select(v => v.AsInt32()))}]";
            return ResumeAction.RunToCompletion;
        }, ResumeAction.StepInto);
        if (failure is not null) throw new StackMismatchException(failure);
        return ((FinishedStop)final).Results[0].AsInt32();
    }
}
