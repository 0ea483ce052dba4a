using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Generators;

/// <summary>Where a probe stops, as its expectations see it: the functions (one, except for a line whose code lies
/// in several), their analyses, and the operand stack types (null when they differ between the locations).</summary>
internal sealed class ProbeSite(string at, ViewSpec view, IReadOnlyList<int> functions, IReadOnlyList<FunctionAnalysis> analyses, ValType[]? stack, string? stackDifference,
    WatchSpec? watch = null)
{
    /// <summary>How messages name the place: <c>fib+0xa1</c>, <c>sort.c:33</c>.</summary>
    public string At { get; } = at;
    public ViewSpec View { get; } = view;
    public IReadOnlyList<int> Functions { get; } = functions;
    public IReadOnlyList<FunctionAnalysis> Analyses { get; } = analyses;
    public ValType[]? Stack { get; } = stack;

    /// <summary>When <see cref="Stack"/> is null: the stacks at each location, for messages.</summary>
    public string? StackDifference { get; } = stackDifference;

    /// <summary>[BreakOnWrite]: the watched range, resolved.</summary>
    public WatchSpec? Watch { get; } = watch;
}
