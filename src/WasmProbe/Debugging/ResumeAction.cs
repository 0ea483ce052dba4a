namespace WasmProbe.Debugging;

public enum ResumeAction
{
    /// <summary>Run until the next breakpoint, exception or the end.</summary>
    Continue,
    /// <summary>Stop before the next instruction, entering calls.</summary>
    StepInto,
    /// <summary>Stop before the next instruction of this frame (or of a caller, once this one returns).</summary>
    StepOver,
    /// <summary>Stop in the caller once this frame returns.</summary>
    StepOut,
    /// <summary>Run to the end, ignoring breakpoints and exceptions.</summary>
    RunToCompletion,
}
