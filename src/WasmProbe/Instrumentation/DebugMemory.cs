namespace WasmProbe.Instrumentation;

/// <summary>The layout of the memory the instrumenter adds to a guest: one breakpoint flag byte per site, one
/// "may stop here" flag byte per function (set while the function has a breakpoint or a step is under way), then the
/// shadow frames.</summary>
public sealed class DebugMemory(int siteCount, int functionCount)
{
    public const int FlagsBase = 16;

    /// <summary>Room for shadow frames; the memory reserves it up front (pages are committed lazily).</summary>
    public const int FrameSpace = 16 << 20;

    public int SiteCount { get; } = siteCount;
    public int FunctionCount { get; } = functionCount;
    public int FunctionFlagsBase { get; } = Align(FlagsBase + siteCount);
    public int FramesBase => Align(FunctionFlagsBase + FunctionCount);
    public ulong Pages => (ulong)(FramesBase + FrameSpace + 65535) / 65536;

    private static int Align(int value) => (value + 15) & ~15;
}
