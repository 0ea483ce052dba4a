namespace WasmProbe.Instrumentation;

/// <summary>What a stop does when the host returns, read from the exported resume global (and reset by the guest):
/// static builds take every request, debug builds only <see cref="Throw"/>. The host writes the values first: results
/// or payload into the frame's first stack slots, changed locals and stack values into their slots.</summary>
public enum ResumeCode
{
    /// <summary>Run on unchanged.</summary>
    Continue = 0,

    /// <summary>Take the locals and the stop's block stack values back from the frame.</summary>
    Reload = 1,

    /// <summary>Return from the function at once with the results in stack slots 0, 1, ...</summary>
    Return = 2,

    /// <summary>Trap (unreachable) at the stop: the host's own, which ends the run from the stop (the guest never
    /// reads it).</summary>
    Trap = 3,

    /// <summary>Throw an exception at the stop: of the tag in the exported throw-tag global, with the payload in stack
    /// slots 0, 1, ...</summary>
    Throw = 4,
}

/// <summary>Code that acts on a request when the host returns to the guest.</summary>
internal static class ResumeRequest
{
    /// <summary><c>if (resume == code) { resume = 0; then }</c>.</summary>
    public static void EmitIf(int resume, ResumeCode code, Action<Opcode, long, long, int> emit, Action then)
    {
        emit(Opcode.GlobalGet, resume, 0, 0);
        emit(Opcode.I32Const, (int)code, 0, 0);
        emit(Opcode.I32Eq, 0, 0, 0);
        emit(Opcode.If, BlockType.Empty.ToBits(), 0, 0);
        emit(Opcode.I32Const, 0, 0, 0);
        emit(Opcode.GlobalSet, resume, 0, 0);
        then();
        emit(Opcode.End, 0, 0, 0);
    }
}
