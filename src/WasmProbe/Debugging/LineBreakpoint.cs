using WasmProbe.Wasm.Dwarf;

namespace WasmProbe.Debugging;

/// <summary>A breakpoint on a source line: one instruction breakpoint per pc where the line starts (every inlined
/// copy). <see cref="HitCount"/> counts the stops at any of them.</summary>
public sealed class LineBreakpoint
{
    internal LineBreakpoint(LineResolution resolution, IReadOnlyList<Breakpoint> breakpoints)
    {
        File = resolution.File;
        Line = resolution.Line;
        Files = resolution.MatchedFiles;
        Breakpoints = breakpoints;
    }

    /// <summary>The file as given to <see cref="DebugSession.AddBreakpointAtLine"/>.</summary>
    public string File { get; }

    public int Line { get; }

    /// <summary>The full paths (from DWARF) the file resolved to.</summary>
    public IReadOnlyList<string> Files { get; }

    public IReadOnlyList<Breakpoint> Breakpoints { get; }

    public int HitCount => Breakpoints.Sum(b => b.HitCount);

    public bool Contains(Breakpoint breakpoint) => Breakpoints.Contains(breakpoint);

    public override string ToString() => $"{string.Join(", ", Files)}:{Line} ({string.Join(", ", Breakpoints)})";
}
