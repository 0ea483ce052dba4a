namespace WasmProbe.Wasm.Resolution;

/// <summary>What a resolution found: the value, or the problem with the data a message about it needs.</summary>
public readonly struct Resolution<T>
{
    private readonly T _value;

    private Resolution(T value, ResolutionProblem? problem)
    {
        _value = value;
        Problem = problem;
    }

    public static Resolution<T> Found(T value) => new(value, null);

    public static implicit operator Resolution<T>(ResolutionProblem problem) => new(default!, problem);

    public ResolutionProblem? Problem { get; }
    public bool IsResolved => Problem is null;
    public ResolutionStatus Status => Problem?.Status ?? ResolutionStatus.Resolved;

    /// <summary>The value; throws <see cref="InvalidOperationException"/> when it did not resolve.</summary>
    public T Value => Problem is null ? _value : throw new InvalidOperationException("not resolved: " + Problem.Message);

    /// <summary>The value, or the problem as the runtime's exception (<see cref="ResolutionProblem.ToException"/>).</summary>
    public T ValueOrThrow(string? parameterName = null) => Problem is null ? _value : throw Problem.ToException(parameterName);
}

/// <summary>Why something did not resolve: the <see cref="Status"/>, a sentence for the runtime's exceptions and the
/// CLI (<see cref="Message"/>), and the facts a front end's own wording needs.</summary>
public sealed class ResolutionProblem(ResolutionStatus status, string message)
{
    public ResolutionStatus Status { get; } = status;
    public string Message { get; } = message;

    /// <summary>For pc problems: the reachable pcs nearest to the one asked for (four at the most, in order).</summary>
    public IReadOnlyList<int> NearbyPcs { get; init; } = [];

    /// <summary>For <see cref="ResolutionStatus.PcOutsideFunction"/>: the pcs of the function's first and last
    /// instructions.</summary>
    public int FirstPc { get; init; }
    public int LastPc { get; init; }

    /// <summary>For <see cref="ResolutionStatus.FunctionImported"/>: the function, or -1.</summary>
    public int Index { get; init; } = -1;

    /// <summary>For <see cref="ResolutionStatus.EntryArgumentCount"/>: the entry's type.</summary>
    public Types.FunctionType? EntryType { get; init; }

    /// <summary>The problem as the runtime throws it: <see cref="ArgumentOutOfRangeException"/> for a local, global,
    /// memory or tag index past the end or a watched range out of bounds, else <see cref="ArgumentException"/>.</summary>
    public ArgumentException ToException(string? parameterName = null) => Status switch
    {
        ResolutionStatus.LocalIndexOutOfRange or ResolutionStatus.GlobalIndexOutOfRange or ResolutionStatus.MemoryIndexOutOfRange or ResolutionStatus.TagIndexOutOfRange
            or ResolutionStatus.WatchRangeEmpty or ResolutionStatus.WatchRangeOutsideMemory => new ArgumentOutOfRangeException(parameterName, Message),
        _ => parameterName is null ? new ArgumentException(Message) : new ArgumentException(Message, parameterName),
    };

    /// <summary>This problem as found in a linked module: the same facts, the message saying where
    /// (<c>in the linked module mathlib (mathlib.wasm): no function named 'f'; ...</c>).</summary>
    public ResolutionProblem InModule(string module) => new(Status, $"in the linked module {module}: {Message}")
    {
        NearbyPcs = NearbyPcs,
        FirstPc = FirstPc,
        LastPc = LastPc,
        Index = Index,
        EntryType = EntryType,
    };

    public override string ToString() => $"{Status}: {Message}";
}
