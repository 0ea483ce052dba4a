using WasmProbe.Debugging;
using WasmProbe.Inspection;
using WasmProbe.Wasm.Dwarf;

namespace WasmProbe.Probes;

/// <summary>What generated globals views read and write through: a paused debug session or a live instance.</summary>
public interface IGuestState
{
    GlobalAccess Global(int index);
    MemoryAccess Memory(int index);
}

/// <summary>Base of the generated stop views. A view reads the paused guest lazily: use it only during the call it
/// was passed to (the guest runs on once the method returns).</summary>
public abstract class StopView : IGuestState
{
    private protected StopView(DebugSession session) => Session = session;

    /// <summary>The untyped debugger API, for anything the typed view does not cover.</summary>
    public DebugSession Session { get; }

    /// <summary>The wasm frames, innermost first, each with its locals and operand stack (bottom first).</summary>
    public IReadOnlyList<StackFrame> Frames => Session.Frames;

    /// <summary>The innermost frame's source variables (DWARF), see <see cref="StackFrame.Variables"/>.</summary>
    public IReadOnlyList<Wasm.Dwarf.Variables.VariableValue> Variables => Session.TopFrame?.Variables ?? [];

    /// <summary>A source variable or path (<c>a[3]</c>, <c>item.qty</c>) of the innermost frame, see <see cref="StackFrame.Variable"/>.</summary>
    public Wasm.Dwarf.Variables.VariableValue Variable(string path) => Session.Variable(path);

    GlobalAccess IGuestState.Global(int index) => Session.Global(index);
    MemoryAccess IGuestState.Memory(int index) => Session.Memory(index);
}

/// <summary>A stop at an instruction of a frame (a breakpoint or a step), where the guest can be made to return, trap or throw.</summary>
public abstract class FrameStopView : StopView
{
    private protected FrameStopView(DebugSession session) : base(session) { }

    /// <summary>The linked module the guest is stopped in (its name in <see cref="Engine.GuestOptions.Links"/>), or
    /// null in the guest's own module. Function indices, pcs and names are that module's.</summary>
    public string? Module => Session.StoppedModule;

    /// <summary>Makes the function stopped in return <paramref name="results"/> to its caller when the guest resumes,
    /// without running the rest of it (a <c>malloc</c> that returns 0; at an [OnReturn] stop, other results), see
    /// <see cref="DebugSession.ForceReturn"/>. A [StepFrom] probe needs <see cref="StepFromAttribute.EarlyReturns"/>.</summary>
    public void ForceReturn(params object?[] results) => Session.ForceReturn(results);

    /// <summary>Makes the guest trap at this stop when it resumes, as a failing instruction here would.</summary>
    public void ForceTrap() => Session.ForceTrap();

    /// <summary>Makes the guest throw an exception of <paramref name="tag"/> (by name or <c>tagN</c>) with
    /// <paramref name="payload"/> at this stop when it resumes, as a <c>throw</c> here would (a <c>try_table</c> here or
    /// in a caller catches it), see <see cref="DebugSession.ForceThrow(string, object?[])"/>.</summary>
    public void ForceThrow(string tag, params object?[] payload) => Session.ForceThrow(tag, payload);

    /// <summary>As <see cref="ForceThrow(string, object?[])"/>, the tag by index.</summary>
    public void ForceThrow(int tag, params object?[] payload) => Session.ForceThrow(tag, payload);
}

/// <summary>Base of the generated view of a <see cref="BreakAtAttribute"/> stop (<c>Class.Func_0xPC</c>), which adds
/// typed <c>Locals</c>, <c>Stack</c> (<c>S0</c> = top), <c>Globals</c> and <c>Memory</c>. Setting a local or stack
/// value, <see cref="ForceReturn"/>, <see cref="ForceTrap"/> and <see cref="ForceThrow(string, object?[])"/> change the
/// run when the guest resumes.</summary>
public abstract class BreakpointView : FrameStopView
{
    protected BreakpointView(DebugSession session, int function, int pc, int hit) : base(session) =>
        (Function, Pc, Hit) = (function, pc, hit);

    /// <summary>The function index (imports first).</summary>
    public int Function { get; }

    /// <summary>The module-relative offset of the instruction the guest is stopped before.</summary>
    public int Pc { get; }

    /// <summary>How many times the breakpoint has been hit, this stop included (1-based).</summary>
    public int Hit { get; }

    public override string ToString() => $"{Session.StoppedWhere(Function, Pc)} hit {Hit}";
}

/// <summary>Base of the generated view of an <see cref="OnReturnAttribute"/> stop (<c>Class.Func_Return</c>), which
/// adds typed <c>Results</c> (settable: the caller sees the new values) and <c>Args</c>.</summary>
public abstract class ReturnView : BreakpointView
{
    protected ReturnView(DebugSession session, int function, int hit, FunctionReturn @return)
        : base(session, function, @return.Exit.Pc, hit) => Return = @return;

    private WasmValue[]? _changedResults;

    public FunctionReturn Return { get; }

    /// <summary>Result <paramref name="index"/> being returned (as set, once set).</summary>
    public WasmValue Result(int index) => _changedResults?[index] ?? KnownResults()[index];

    /// <summary>Makes the caller see <paramref name="value"/> as result <paramref name="index"/> (the generated
    /// <c>Results</c> setters call this); the other results stay as they are. The exit is taken, so the result's
    /// stack value is changed (which also works beside results of reference type, which cannot be made up).</summary>
    protected void SetResult(int index, object? value)
    {
        var results = _changedResults ?? [.. KnownResults()];
        var changed = WasmValue.From(value, results[index].Type);
        int first = Session.TopFrame!.Stack.Count - Return.Exit.ValuesAboveResults - results.Length;
        Session.SetStackSlot(first + index, changed);
        results[index] = changed;
        _changedResults = results;
    }

    private IReadOnlyList<WasmValue> KnownResults() => Return.Exit.Kind == Wasm.Resolution.ExitKind.TailCall
        ? throw new InvalidOperationException($"{this}: a tail call returns the callee's results, which are not known at the call")
        : Return.Results;
}

/// <summary>Base of the generated view of a <see cref="BreakAtLineAttribute"/> stop (<c>Class.Sort_c_L33</c>). A line
/// can start at several pcs (loops, inlined copies), so <see cref="BreakpointView.Function"/> and
/// <see cref="BreakpointView.Pc"/> are those of the location the guest stopped at, and <see cref="BreakpointView.Hit"/>
/// counts the stops at any of the line's locations, in execution order.</summary>
public abstract class LineView : BreakpointView
{
    protected LineView(DebugSession session, string file, int line, int hit)
        : base(session, At(session).Function, At(session).Pc, hit)
    {
        File = file;
        Line = line;
    }

    /// <summary>The file as written in the attribute (see <see cref="Source"/> for the full path).</summary>
    public string File { get; }

    public int Line { get; }

    /// <summary>The name of the wasm function the guest stopped in (for inlined code, the function it was inlined into).</summary>
    public string FunctionName => Session.StoppedFunctionName(Function);

    /// <summary>The source position of the stop from its module's DWARF: full path, line, column and the DWARF function
    /// (for inlined code, the inlined one); null only if the DWARF is unusable at run time.</summary>
    public SourceLocation? Source => Session.TopFrame?.Source;

    private static CodeLocation At(DebugSession session) =>
        session.LastStop?.Location ?? throw new InvalidOperationException("the guest is not stopped at an instruction");

    public override string ToString() => $"{File}:{Line} at {Session.StoppedWhere(Function, Pc)} hit {Hit}";
}

/// <summary>Base of the generated view of a <see cref="StepFromAttribute"/> stop (<c>Class.Func_0xPC_Step</c>). Its
/// typed <c>Locals</c> are those of the start function and throw while a step is in another function; the operand
/// stack is untyped (<see cref="Stack"/>) because its shape changes from step to step.</summary>
public abstract class StepView : FrameStopView
{
    /// <param name="startModule">The linked module the start is in; null: the guest's own.</param>
    protected StepView(DebugSession session, int startFunction, int step, string? startModule = null) : base(session)
    {
        StartFunction = startFunction;
        StartModule = startModule;
        Step = step;
    }

    /// <summary>0 at the start location, then 1, 2, ... after each step.</summary>
    public int Step { get; }

    public int StartFunction { get; }

    /// <summary>The linked module <see cref="StartFunction"/> is in (<see cref="StepFromAttribute.Module"/>); null: the guest's own.</summary>
    public string? StartModule { get; }

    /// <summary>The function the guest is stopped in now.</summary>
    public int Function => Session.LastStop?.Location?.Function ?? -1;

    public string FunctionName => Session.StoppedFunctionName(Function);

    /// <summary>The pc the guest is stopped before now.</summary>
    public int Pc => Session.LastStop?.Location?.Pc ?? -1;

    /// <summary>True while the guest is stopped in the start function (where the typed <c>Locals</c> apply).</summary>
    public bool InStartFunction => Module == StartModule && Function == StartFunction;

    /// <summary>The innermost frame's operand stack; <c>Stack[0]</c> is the top, as in <see cref="ExpectStackAttribute"/>.</summary>
    public OperandStack Stack => new(Session.Frames[0].Stack);

    /// <summary>Throws unless the guest is stopped in the start function (generated typed locals call this).</summary>
    protected void RequireStartFunction(string local)
    {
        if (!InStartFunction)
            throw new InvalidOperationException($"step {Step} is in {Session.StoppedWhere(Function, Pc)}, not in {(StartModule is null ? "" : StartModule + "!")}{Session.FunctionNameIn(StartModule, StartFunction)}: local {local} of the start function is not in scope; use Frames for other functions' locals");
    }

    public override string ToString() => $"{Session.StoppedWhere(Function, Pc)} step {Step}";
}

/// <summary>A stop before a watched write: the writing instruction and the hit. The guest is inside the check before
/// the write, not at a probe: <see cref="StopView.Frames"/> is empty.</summary>
public abstract class WatchView : StopView
{
    private protected WatchView(DebugSession session, int hit, int function, int pc) : base(session)
    {
        Hit = hit;
        Function = function;
        Pc = pc;
    }

    /// <summary>How many writes the probe has seen, this one included (1-based).</summary>
    public int Hit { get; }

    /// <summary>The function index (imports first) of the writing instruction.</summary>
    public int Function { get; }

    public string FunctionName => Session.Module.Names.FunctionOrIndex(Function);

    /// <summary>The module-relative offset of the writing instruction.</summary>
    public int Pc { get; }
}

/// <summary>Base of the generated view of a <see cref="BreakOnWriteAttribute"/> stop (<c>Class.Write_0x400</c>), which
/// adds typed <c>Globals</c> and <c>Memory</c>. The writing instruction is a store, <c>memory.fill</c>,
/// <c>memory.copy</c> or <c>memory.init</c> about to run, or a <c>memory.grow</c> that has just made the range's
/// bytes (see <see cref="Watchpoints.WriteHit"/>).</summary>
public abstract class WriteView : WatchView
{
    protected WriteView(DebugSession session, int hit, Watchpoints.WriteHit write) : base(session, hit, write.Function, write.Pc) => Write = write;

    public Watchpoints.WriteHit Write { get; }

    /// <summary>The first byte this write writes (static offset included): it may start before the watched range.</summary>
    public long Address => Write.Address;

    public long Length => Write.Length;

    /// <summary>The bytes at [<see cref="Address"/>, <see cref="Address"/> + <see cref="Length"/>) before the write.</summary>
    public byte[] OldBytes => Write.OldBytes;

    /// <summary>The bytes the write puts there.</summary>
    public byte[] NewBytes => Write.NewBytes;

    public override string ToString() => $"write of {Length} byte(s) at 0x{Address:x} by {FunctionName}+0x{Pc:x} hit {Hit}";
}

/// <summary>Base of the generated view of a <see cref="BreakOnGlobalWriteAttribute"/> stop (<c>Class.Global_calls_Write</c>),
/// which adds typed <c>OldValue</c>, <c>NewValue</c>, <c>Globals</c> and <c>Memory</c>.</summary>
public abstract class GlobalWriteView : WatchView
{
    protected GlobalWriteView(DebugSession session, int hit, Watchpoints.GlobalWriteHit write) : base(session, hit, write.Function, write.Pc) => Write = write;

    public Watchpoints.GlobalWriteHit Write { get; }

    public override string ToString() =>
        $"global.set of {Session.Module.Names.Global(Write.Watchpoint.Global) ?? "global " + Write.Watchpoint.Global} by {FunctionName}+0x{Pc:x} hit {Hit}";
}

/// <summary>An operand stack indexed from the top: <c>this[0]</c> is the top (the value pushed last).</summary>
public readonly struct OperandStack(IReadOnlyList<WasmValue> bottomFirst)
{
    public int Count => bottomFirst.Count;

    /// <param name="depth">0 = top.</param>
    public WasmValue this[int depth] => (uint)depth < (uint)bottomFirst.Count
        ? bottomFirst[bottomFirst.Count - 1 - depth]
        : throw new ArgumentOutOfRangeException(nameof(depth), $"depth {depth} does not exist: the operand stack holds {bottomFirst.Count} values");

    public IReadOnlyList<WasmValue> BottomFirst => bottomFirst;

    public override string ToString() => "[" + string.Join(", ", bottomFirst.Select(v => v.FormatValue())) + "] (bottom first)";
}
