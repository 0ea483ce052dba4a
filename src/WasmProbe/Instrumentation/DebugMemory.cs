namespace WasmProbe.Instrumentation;

/// <summary>The layout of the memory the instrumenter adds to a guest: one "may stop here" flag byte per function (set
/// while the function has a breakpoint or a step is under way; first, so that the load after every call of a debug
/// build has a one-byte offset), the id of each function's first site (4 bytes; a debug build's probes pass their
/// site relative to it, as one or two bytes of code instead of three), one breakpoint flag byte per site, then the
/// shadow frames.</summary>
public sealed class DebugMemory(int siteCount, int functionCount)
{
    public const int FunctionFlagsBase = 16;

    /// <summary>Room for shadow frames; the memory reserves it up front (pages are committed lazily).</summary>
    public const int FrameSpace = 16 << 20;

    public int SiteCount { get; } = siteCount;
    public int FunctionCount { get; } = functionCount;
    public int SiteBasesBase { get; } = Align(FunctionFlagsBase + functionCount);
    public int SiteFlagsBase => Align(SiteBasesBase + 4 * FunctionCount);
    public int FramesBase => Align(SiteFlagsBase + SiteCount);
    public ulong Pages => (ulong)(FramesBase + FrameSpace + 65535) / 65536;

    private static int Align(int value) => (value + 15) & ~15;
}
