namespace WasmProbe.Debugging;

/// <summary>A breakpoint at an instruction; the guest stops before the instruction executes, every time.</summary>
public sealed class Breakpoint
{
    internal Breakpoint(CodeLocation location, string functionName, int siteId) =>
        (Location, FunctionName, SiteId) = (location, functionName, siteId);

    public CodeLocation Location { get; }
    public string FunctionName { get; }
    public int HitCount { get; internal set; }
    internal int SiteId { get; set; }

    public override string ToString() => $"{FunctionName}+0x{Location.Pc:x}";
}
