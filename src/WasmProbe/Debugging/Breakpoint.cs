namespace WasmProbe.Debugging;

/// <summary>A breakpoint at an instruction; the guest stops before the instruction executes, every time.</summary>
public sealed class Breakpoint
{
    internal Breakpoint(CodeLocation location, string functionName, int siteId, string? module = null) =>
        (Location, FunctionName, SiteId, Module) = (location, functionName, siteId, module);

    /// <summary>Where the breakpoint is: in the guest's module, or in the linked module <see cref="Module"/> names.</summary>
    public CodeLocation Location { get; }

    /// <summary>The linked module the breakpoint is in (its name in <see cref="Engine.GuestOptions.Links"/>), or null
    /// for the guest's own module.</summary>
    public string? Module { get; }
    public string FunctionName { get; }
    public int HitCount { get; internal set; }
    internal int SiteId { get; set; }

    public override string ToString() => $"{(Module is null ? "" : Module + "!")}{FunctionName}+0x{Location.Pc:x}";
}
