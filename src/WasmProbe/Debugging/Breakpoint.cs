using WasmProbe.Wasm.Model;

namespace WasmProbe.Debugging;

/// <summary>A breakpoint at an instruction; the guest stops before the instruction executes, every time.</summary>
public sealed class Breakpoint
{
    internal Breakpoint(CodeLocation location, string functionName, int siteId)
    {
        Location = location;
        FunctionName = functionName;
        SiteId = siteId;
    }

    public CodeLocation Location { get; }
    public string FunctionName { get; }
    public int HitCount { get; internal set; }
    internal int SiteId { get; set; }

    public override string ToString() => $"{FunctionName}+0x{Location.Pc:x}";
}

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

/// <summary>Which thrown exceptions stop the guest.</summary>
public enum ExceptionStops
{
    None,
    Uncaught,
    All,
}
