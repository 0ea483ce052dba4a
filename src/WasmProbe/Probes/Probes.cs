using WasmProbe.Watchpoints;

namespace WasmProbe.Probes;

/// <summary>A <see cref="BreakAtAttribute"/> probe as generated code describes it (the function already resolved to
/// its index, the pc validated, expectations typed).</summary>
/// <param name="Name">The probe method's full name (Namespace.Class.Method), for messages.</param>
/// <param name="Ending">How the run must end; null: normally (<see cref="ExpectedEnding.Normal"/>).</param>
/// <param name="ImportCalls">How often the run must call mocked imports.</param>
/// <param name="NoWrites">Ranges the run must not write (<see cref="ExpectNoWriteAttribute"/>).</param>
/// <param name="Module">The linked module the function and pc are in; null: the guest's.</param>
public sealed record BreakpointProbe(string Name, int Function, int Pc, int Hit, bool Optional, IReadOnlyList<Expectation> Expectations, ExpectedEnding? Ending = null,
    IReadOnlyList<ImportCallExpectation>? ImportCalls = null, IReadOnlyList<WriteWatchpoint>? NoWrites = null, string? Module = null);

/// <summary>An <see cref="OnReturnAttribute"/> probe as generated code describes it.</summary>
public sealed record ReturnProbe(string Name, int Function, int Hit, bool Optional, IReadOnlyList<Expectation> Expectations, ExpectedEnding? Ending = null,
    IReadOnlyList<ImportCallExpectation>? ImportCalls = null, IReadOnlyList<WriteWatchpoint>? NoWrites = null);

/// <summary>A return of the function an <see cref="OnReturnAttribute"/> probe watches: where, the arguments it was
/// called with, and the results it returns (none for a tail call, whose results are the callee's).</summary>
public sealed record FunctionReturn(Wasm.Resolution.FunctionExit Exit, IReadOnlyList<Inspection.WasmValue> Args, IReadOnlyList<Inspection.WasmValue> Results);

/// <summary>A <see cref="StepFromAttribute"/> probe as generated code describes it.</summary>
/// <param name="EarlyReturns">The session's build lets stops return early (<see cref="StepFromAttribute.EarlyReturns"/>).</param>
/// <param name="Module">The linked module the start is in; null: the guest's.</param>
public sealed record StepProbe(string Name, int Function, int Pc, int Hit, int Steps, StepMode Mode, bool Optional, IReadOnlyList<Expectation> Expectations, ExpectedEnding? Ending = null,
    IReadOnlyList<ImportCallExpectation>? ImportCalls = null, IReadOnlyList<WriteWatchpoint>? NoWrites = null, bool EarlyReturns = false, string? Module = null);

/// <summary>A <see cref="BreakAtLineAttribute"/> probe as generated code describes it: the line as written and the
/// locations the generator resolved it to (every pc where the line starts, in pc order).</summary>
/// <param name="Module">The linked module the locations are in; null: the guest's.</param>
public sealed record LineProbe(string Name, string File, int Line, IReadOnlyList<CodeLocation> Locations, int Hit, bool Optional, IReadOnlyList<Expectation> Expectations, ExpectedEnding? Ending = null,
    IReadOnlyList<ImportCallExpectation>? ImportCalls = null, IReadOnlyList<WriteWatchpoint>? NoWrites = null, string? Module = null);

/// <summary>A <see cref="BreakOnWriteAttribute"/> probe as generated code describes it (the range validated).</summary>
public sealed record WriteProbe(string Name, WriteWatchpoint Range, int Hit, bool Optional, IReadOnlyList<Expectation> Expectations, ExpectedEnding? Ending = null,
    IReadOnlyList<ImportCallExpectation>? ImportCalls = null, IReadOnlyList<WriteWatchpoint>? NoWrites = null);

/// <summary>A <see cref="BreakOnGlobalWriteAttribute"/> probe as generated code describes it (the global resolved).</summary>
public sealed record GlobalWriteProbe(string Name, int Global, int Hit, bool Optional, IReadOnlyList<Expectation> Expectations, ExpectedEnding? Ending = null,
    IReadOnlyList<ImportCallExpectation>? ImportCalls = null, IReadOnlyList<WriteWatchpoint>? NoWrites = null);
