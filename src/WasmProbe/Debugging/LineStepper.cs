using WasmProbe.Wasm.Dwarf;

namespace WasmProbe.Debugging;

/// <summary>Runs source-level steps on top of instruction steps: sits between the guest run and the session's stop
/// controller, and answers the instruction stops of a line step itself (no thread switch, no handler call) until the
/// step is complete; breakpoints, exceptions and the end of the run surface at once and end the step.</summary>
internal sealed class LineStepper(IStopController inner, SourceMap sources, Func<int> currentFrame, Func<CodeLocation, int> previousPc) : IStopController
{
    private LineStep? _step;

    public bool InspectsOnGuestThread => inner.InspectsOnGuestThread;

    private sealed class LineStep
    {
        public StepKind Kind;
        public ResumeAction Action;
        public int Frame = -1;          // reference frame address (-1: none yet)
        public SourceLocation? Line;    // the line being left (null: none)
        public int PrologueFunction = -1, PrologueEnd = -1;
    }

    /// <summary>Starts a line step from the current stop (<paramref name="at"/>, frame <paramref name="frame"/>) and
    /// returns the instruction action to resume with.</summary>
    public ResumeAction Begin(StepKind kind, CodeLocation? at, int frame)
    {
        if (kind == StepKind.Out && frame < 0) throw new InvalidOperationException("there is no frame to step out of: the guest is not paused in a function");
        var step = new LineStep { Kind = kind, Frame = frame };
        if (at is { } location && frame >= 0)
        {
            step.Line = sources.Locate(location.Pc);
        }
        step.Action = kind switch
        {
            StepKind.Into => ResumeAction.StepInto,
            StepKind.Over => frame >= 0 ? ResumeAction.StepOver : ResumeAction.StepInto,
            _ => ResumeAction.StepOut,
        };
        _step = step;
        return step.Action;
    }

    public ResumeAction Pause(StopEvent stop)
    {
        // Line steps follow the guest's lines: an instruction step that entered a linked module leaves it again.
        if (_step is not null && stop is StepStop { Module: not null }) return ResumeAction.StepOut;
        if (_step is { } step && stop is StepStop { At: var at })
        {
            var next = Decide(step, at, currentFrame());
            if (next is { } action) return action;
        }
        _step = null;
        var chosen = inner.Pause(stop);
        if (_step is not null && chosen != _step.Action) _step = null; // a line step was prepared but not taken
        return chosen;
    }

    public void Finish(StopEvent final)
    {
        _step = null;
        inner.Finish(final);
    }

    /// <summary>Null to stop here; else how to go on.</summary>
    private ResumeAction? Decide(LineStep step, CodeLocation at, int frame)
    {
        if (step.Frame >= 0 && frame > step.Frame)
        {
            // In a callee. Only a step into stops there, and only in a function with line information.
            if (step.Kind != StepKind.Into || step.PrologueFunction >= 0 || !sources.FunctionHasLines(at.Function)) return ResumeAction.StepOut;
            Enter(step, at.Function, frame);
        }
        else if (step.Frame >= 0 && frame < step.Frame)
        {
            // Returned to a caller, in the middle of the line that made the call: go on to the start of another line.
            step.Frame = frame;
            int call = previousPc(at);
            step.Line = call >= 0 ? sources.Locate(call) : null;
            step.PrologueFunction = -1;
            if (step.Kind == StepKind.Out) step.Kind = StepKind.Over;
        }
        else if (step.Frame < 0)
        {
            Enter(step, at.Function, frame);
        }

        var go = step.Kind == StepKind.Into ? ResumeAction.StepInto : step.Kind == StepKind.Over ? ResumeAction.StepOver : ResumeAction.StepOut;
        if (!sources.IsStatementStart(at.Pc)) return go;
        if (step.PrologueFunction == at.Function && at.Pc < step.PrologueEnd) return go;
        var here = sources.Locate(at.Pc);
        if (here is null) return go;
        if (step.Line is { } line && line.Line == here.Line && line.File == here.File) return go;
        return null;
    }

    private void Enter(LineStep step, int function, int frame)
    {
        step.Frame = frame;
        step.Line = null;
        int prologueEnd = sources.PrologueEnd(function);
        step.PrologueFunction = prologueEnd >= 0 ? function : -1;
        step.PrologueEnd = prologueEnd;
    }
}
