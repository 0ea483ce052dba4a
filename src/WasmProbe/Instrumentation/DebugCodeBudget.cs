using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Instrumentation;

/// <summary>Keeps a debug build's code near a ratio (by default <see cref="Ratio"/>) times the original's, function by function in
/// index order: while the functions rewritten so far are within it, the next one writes its locals through inline
/// (fastest); once they are over it, the next one writes them through by calls outside its loops (smallest; see
/// <see cref="FunctionEmitter"/>). Only code that keeps nearly every value in a local (Rust at opt-level 0) goes over.</summary>
internal sealed class DebugCodeBudget(double ratio)
{
    public const double Ratio = 2.95;

    private long _original;
    private long _rewritten;

    public bool IsSpent => _rewritten > _original * ratio;

    public void Add(FunctionAnalysis analysis, int rewrittenSize)
    {
        for (int i = 0; i < analysis.InstructionCount; i++) _original += analysis.Code[i].Length;
        _rewritten += rewrittenSize;
    }
}
