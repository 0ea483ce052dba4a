namespace WasmProbe.Instrumentation;

/// <summary>What a static build does when the host returns from a stop, read from the exported resume global (and
/// reset by the guest). The host writes the values first: results into the frame's first stack slots, changed locals
/// and stack values into their slots.</summary>
public enum ResumeCode
{
    /// <summary>Run on unchanged.</summary>
    Continue = 0,

    /// <summary>Take the locals and the stop's block stack values back from the frame.</summary>
    Reload = 1,

    /// <summary>Return from the function at once with the results in stack slots 0, 1, ...</summary>
    Return = 2,

    /// <summary>Trap (unreachable) at the stop.</summary>
    Trap = 3,

    /// <summary>Throw an exception at the stop: of the tag in the exported throw-tag global, with the payload in stack
    /// slots 0, 1, ...</summary>
    Throw = 4,
}
