using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Wasm.Resolution;

public enum ExitKind
{
    /// <summary><c>return</c>.</summary>
    Return,
    /// <summary>The body's final <c>end</c>, reached by falling off the body.</summary>
    End,
    /// <summary><c>br</c> to the function's own label.</summary>
    Branch,
    /// <summary><c>br_if</c> to the function's own label: it leaves only when its condition (the top value) is not 0.</summary>
    BranchIf,
    /// <summary><c>br_table</c> with entries that go to the function's own label: it leaves when its index (the top
    /// value) picks one of them.</summary>
    BranchTable,
    /// <summary><c>br_on_null</c> to the function's own label: it leaves, with the values below it, when the top
    /// reference is null.</summary>
    BranchOnNull,
    /// <summary><c>br_on_non_null</c> to the function's own label: it leaves when the top reference is not null,
    /// returning it as the last result.</summary>
    BranchOnNonNull,
    /// <summary><c>br_on_cast</c> to the function's own label: it leaves when the top reference matches the cast's
    /// target type, returning it as the last result. A static build's stop there records whether it matches.</summary>
    BranchOnCast,
    /// <summary><c>br_on_cast_fail</c> to the function's own label: it leaves when the top reference does not match
    /// the cast's target type, returning it as the last result.</summary>
    BranchOnCastFail,
    /// <summary><c>return_call*</c>: the frame is replaced by the callee's, whose results are not known here.</summary>
    TailCall,
}

/// <summary>One instruction where a function can return, at <see cref="Pc"/> (a module offset).</summary>
/// <param name="Leaving">For <see cref="ExitKind.BranchTable"/>: per table entry, the default last, whether it leaves.</param>
public sealed record FunctionExit(int Pc, ExitKind Kind, bool[]? Leaving = null)
{
    /// <summary>How many operand stack values sit above the results before the exit (a condition or an index).</summary>
    public int ValuesAboveResults => Kind is ExitKind.BranchIf or ExitKind.BranchTable or ExitKind.BranchOnNull ? 1 : 0;
}

/// <summary>Where a function returns ([OnReturn]): every reachable <c>return</c> and <c>return_call*</c>, the final
/// <c>end</c> when falling off the body reaches it, and branches to the function's own label (for <c>br_on_cast</c>
/// and <c>br_on_cast_fail</c>, whether they leave depends on the reference's run-time type: a static build's stop
/// there tests the reference against the cast's target type, see <see cref="IsCast"/>).</summary>
public static class FunctionExits
{
    public static IReadOnlyList<FunctionExit> Of(FunctionAnalysis analysis)
    {
        var code = analysis.Code;
        var exits = new List<FunctionExit>();
        int depth = 0; // blocks open before the instruction: label `depth` is the function's own
        for (int i = 0; i < code.Count; i++)
        {
            var ins = code[i];
            var control = ins.Info.Control;
            if (control is ControlKind.End or ControlKind.Delegate && depth > 0)
            {
                depth--;
                continue;
            }
            if (control is ControlKind.Block or ControlKind.Loop or ControlKind.If or ControlKind.TryTable or ControlKind.Try)
            {
                depth++;
                continue;
            }
            if (!analysis.IsReachable(i)) continue;
            int pc = ins.Offset;
            switch (control)
            {
                case ControlKind.End:
                    exits.Add(new FunctionExit(pc, ExitKind.End));
                    break;
                case ControlKind.Return:
                    exits.Add(new FunctionExit(pc, ExitKind.Return));
                    break;
                case ControlKind.TailCall:
                    exits.Add(new FunctionExit(pc, ExitKind.TailCall));
                    break;
                case ControlKind.Branch when ins.Label == depth:
                    exits.Add(new FunctionExit(pc, ExitKind.Branch));
                    break;
                case ControlKind.BranchIf when ins.Label == depth && ConditionalExit(ins.Info.BranchCondition) is { } kind:
                    exits.Add(new FunctionExit(pc, kind));
                    break;
                case ControlKind.BranchTable:
                    var leaving = new bool[ins.PoolCount + 1];
                    for (int k = 0; k < ins.PoolCount; k++) leaving[k] = code.BrTableLabel(ins, k) == depth;
                    leaving[ins.PoolCount] = ins.Index == depth;
                    if (Array.IndexOf(leaving, true) >= 0) exits.Add(new FunctionExit(pc, ExitKind.BranchTable, leaving));
                    break;
            }
        }
        return exits;
    }

    /// <summary>Whether the exit is a <c>br_on_cast</c> or <c>br_on_cast_fail</c>: where a stop must record whether its
    /// reference matches the cast's target type.</summary>
    public static bool IsCast(FunctionExit exit) => exit.Kind is ExitKind.BranchOnCast or ExitKind.BranchOnCastFail;

    private static ExitKind? ConditionalExit(BranchCondition condition) => condition switch
    {
        BranchCondition.NonZero => ExitKind.BranchIf,
        BranchCondition.Null => ExitKind.BranchOnNull,
        BranchCondition.NonNull => ExitKind.BranchOnNonNull,
        BranchCondition.Cast => ExitKind.BranchOnCast,
        BranchCondition.CastFail => ExitKind.BranchOnCastFail,
        _ => null,
    };
}
