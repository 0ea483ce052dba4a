using WasmProbe.Inspection;

namespace WasmProbe.Debugging;

public enum StopKind
{
    Breakpoint,
    Step,
    Exception,
    /// <summary>A write watchpoint: a write is about to touch a watched range.</summary>
    Watchpoint,
    /// <summary>A global watchpoint: a <c>global.set</c> of a watched global is about to run.</summary>
    GlobalWatchpoint,
    Trap,
    HostError,
    Interrupted,
    Finished,
}

/// <summary>Why the guest stopped. Breakpoint, step and exception stops are pauses (the guest can be resumed);
/// the others end the run (<see cref="IsFinal"/>).</summary>
public abstract record StopEvent(StopKind Kind)
{
    public bool IsFinal => Kind is StopKind.Trap or StopKind.HostError or StopKind.Interrupted or StopKind.Finished;

    /// <summary>Where the guest is stopped (before the instruction at this pc executes), when known. A breakpoint stop's
    /// is its breakpoint's (in a linked module when <see cref="Breakpoint.Module"/> says so), a step or exception stop's is in
    /// its <see cref="StepStop.Module"/> or <see cref="ExceptionStop.Module"/>; every other location is in the guest's own module: a run that ended inside a linked module is located at the guest's innermost frame (the
    /// call into the linked module); <c>Frames</c> has the linked module's frames too.</summary>
    public abstract CodeLocation? Location { get; }

    private protected static CodeLocation? InGuest(IReadOnlyList<StackFrame> frames) => frames.FirstOrDefault(f => f.Module is null)?.Location;
}

/// <param name="Hit">How many times this breakpoint has been hit so far, this stop included (1-based).</param>
public sealed record BreakpointStop(Breakpoint Breakpoint, int Hit) : StopEvent(StopKind.Breakpoint)
{
    public override CodeLocation? Location => Breakpoint.Location;
}

/// <summary>A step stopped before the instruction at <see cref="At"/>, in the guest's module or in the linked module
/// <see cref="Module"/> names (debug sessions step into and inside linked modules).</summary>
public sealed record StepStop(CodeLocation At) : StopEvent(StopKind.Step)
{
    public override CodeLocation? Location => At;

    /// <summary>The linked module the step stopped in (its name in <see cref="Engine.GuestOptions.Links"/>), or null
    /// for the guest's own module.</summary>
    public string? Module { get; init; }
}

/// <summary>An exception is being thrown at <see cref="At"/> and has not unwound yet. <see cref="Tag"/> and
/// <see cref="Payload"/> are unknown (null, empty) for throw_ref, which rethrows an exception reference.
/// <see cref="Caught"/> says whether a try_table of a frame on the stack will catch it (null: cannot tell).</summary>
public sealed record ExceptionStop(CodeLocation At, int? Tag, IReadOnlyList<WasmValue> Payload, bool? Caught) : StopEvent(StopKind.Exception)
{
    public override CodeLocation? Location => At;

    /// <summary>The linked module the throw is in (debug sessions), whose function, pc and tag indices <see cref="At"/>
    /// and <see cref="Tag"/> are; null for the guest's own module.</summary>
    public string? Module { get; init; }
}

/// <summary>The instruction at <see cref="At"/> is about to write bytes of a watched range (<see cref="Write"/>
/// says which, with the bytes it overwrites). The frame's locals and stack are not shown at this stop.</summary>
public sealed record WatchpointStop(Watchpoints.WriteHit Write) : StopEvent(StopKind.Watchpoint)
{
    public CodeLocation At => new(Write.Function, Write.Pc);
    public override CodeLocation? Location => At;
}

/// <summary>The <c>global.set</c> at <see cref="At"/> is about to give a watched global a new value (<see cref="Write"/>
/// has the old and the new one). As at a <see cref="WatchpointStop"/>, no frame is shown.</summary>
public sealed record GlobalWatchpointStop(Watchpoints.GlobalWriteHit Write) : StopEvent(StopKind.GlobalWatchpoint)
{
    public CodeLocation At => new(Write.Function, Write.Pc);
    public override CodeLocation? Location => At;
}

/// <param name="Code">A stable trap name such as integer_divide_by_zero, unreachable, memory_out_of_bounds, stack_overflow.</param>
/// <param name="Frames">The wasm backtrace, innermost first (frames of linked modules name theirs: <see cref="StackFrame.Module"/>).</param>
public sealed record TrapStop(string Code, string Message, IReadOnlyList<StackFrame> Frames) : StopEvent(StopKind.Trap)
{
    public override CodeLocation? Location => InGuest(Frames);
}

/// <summary>A host import threw <see cref="Exception"/>; <see cref="Frames"/> are the wasm frames that called it.</summary>
public sealed record HostErrorStop(Exception Exception, IReadOnlyList<StackFrame> Frames) : StopEvent(StopKind.HostError)
{
    public override CodeLocation? Location => InGuest(Frames);
}

/// <summary>The guest ran longer than the deadline without stopping.</summary>
public sealed record InterruptedStop(TimeSpan Deadline, IReadOnlyList<StackFrame> Frames) : StopEvent(StopKind.Interrupted)
{
    public override CodeLocation? Location => InGuest(Frames);
}

/// <summary>The run ended normally: the entry returned <see cref="Results"/>, or the guest called WASI's
/// <c>proc_exit</c> with <see cref="ExitCode"/> (then there are no results).</summary>
public sealed record FinishedStop(IReadOnlyList<WasmValue> Results, int? ExitCode = null) : StopEvent(StopKind.Finished)
{
    public override CodeLocation? Location => null;
}
