namespace WasmProbe.Instrumentation;

/// <summary>The layout of the memory the instrumenter adds to a guest: one flag byte per site (breakpoints), then
/// the shadow frames.</summary>
public sealed class DebugMemory(int siteCount)
{
    public const int FlagsBase = 16;

    /// <summary>Room for shadow frames; the memory reserves it up front (pages are committed lazily).</summary>
    public const int FrameSpace = 16 << 20;

    public int SiteCount { get; } = siteCount;
    public int FramesBase { get; } = (FlagsBase + siteCount + 15) & ~15;
    public ulong Pages => (ulong)(FramesBase + FrameSpace + 65535) / 65536;
}
