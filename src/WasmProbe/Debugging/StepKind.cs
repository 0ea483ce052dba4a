namespace WasmProbe.Debugging;

/// <summary>How a source-level step (<see cref="DebugSession.StepLineAsync"/>, <see cref="DebugSession.BeginLineStep"/>)
/// moves.</summary>
public enum StepKind
{
    /// <summary>To the next line, entering calls: stops at the first line (after the prologue) of a called function
    /// that has line information; calls into functions without line information are stepped over.</summary>
    Into,
    /// <summary>To the next line of this function (calls run to completion), or of the caller once this one returns.</summary>
    Over,
    /// <summary>Out of this function: runs until it returns, then on to the start of the caller's next line.</summary>
    Out,
}
