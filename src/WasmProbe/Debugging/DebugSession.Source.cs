using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Linking;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Debugging;

// Source-level debugging with the module's DWARF: line breakpoints, line steps, source positions.
public sealed partial class DebugSession
{
    private SourceMap? _sources;
    private LineStepper? _lineStepper;
    private readonly List<LineBreakpoint> _lineBreakpoints = [];

    internal SourceMap Sources => _sources ??= new SourceMap(Module);

    /// <summary>The module's DWARF (compile units, line table, functions); <see cref="DwarfInfo.Empty"/> without DWARF.</summary>
    /// <exception cref="DwarfFormatException">The module's DWARF is malformed.</exception>
    public DwarfInfo Dwarf => Sources.Info;

    public IReadOnlyList<LineBreakpoint> LineBreakpoints => _lineBreakpoints;

    /// <summary>The source position of a pc (with the DWARF function name, the inlined one for inlined code), or null
    /// without line information there (or without usable DWARF).</summary>
    public SourceLocation? Locate(int pc) => Sources.Locate(pc);

    /// <summary>Sets a breakpoint on a source line: at every pc where an is_stmt row of that line starts (all inlined
    /// copies), skipping unreachable code. <paramref name="file"/> is a full path, a path suffix ("src/sum.c") or a
    /// file name ("sum.c") as in the DWARF line table. A file the guest's DWARF does not have is looked for in the
    /// linked modules' (<see cref="Engine.GuestOptions.Links"/>): the line breakpoint is in the one that has it.</summary>
    /// <exception cref="ArgumentException">No file matches (the message lists the known files), the line has no
    /// code (the message names the nearest lines with code), or the file is only in several linked modules.</exception>
    /// <exception cref="InvalidOperationException">The module has no DWARF line information.</exception>
    /// <exception cref="DwarfFormatException">The module's DWARF is malformed.</exception>
    public LineBreakpoint AddBreakpointAtLine(string file, int line)
    {
        ThrowIfDisposed();
        var resolution = Dwarf.ResolveLine(file, line, location => PcResolver.CanStopAt(Analysis(location.Function), location.Pc));
        if (resolution.Status is LineResolutionStatus.Resolved or LineResolutionStatus.NoCode || _options.Host.Links.Count == 0) return AddLineBreakpoint(resolution, null);
        var targets = _options.Host.Links.Select(l => Linked(l.Name)).ToList();
        int owner = LinkedTargets.FileOwner(resolution, [.. targets.Select(t => (t.Link.Name, t.ResolveLine(file, line)))]).ValueOrThrow(nameof(file));
        return owner < 0 ? AddLineBreakpoint(resolution, null) : AddLineBreakpoint(targets[owner].ResolveLine(file, line), targets[owner]);
    }

    /// <summary>Sets a breakpoint on a source line of the linked module named <paramref name="module"/>, from its
    /// DWARF, as <see cref="AddBreakpointAtLine(string, int)"/> does in the guest.</summary>
    public LineBreakpoint AddBreakpointAtLine(string module, string file, int line)
    {
        ThrowIfDisposed();
        var target = Linked(module);
        return AddLineBreakpoint(target.ResolveLine(file, line), target);
    }

    private LineBreakpoint AddLineBreakpoint(LineResolution resolution, LinkedTarget? target)
    {
        string where = target is null ? "" : $"in the linked module {target.Link}: ";
        switch (resolution.Status)
        {
            case LineResolutionStatus.NoLineInfo: throw new InvalidOperationException(where + resolution.Error);
            case LineResolutionStatus.UnknownFile: throw new ArgumentException(where + resolution.Error, "file");
            case LineResolutionStatus.NoCode: throw new ArgumentException(where + resolution.Error, "line");
        }
        var breakpoints = resolution.Locations.Select(l => target is null ? AddBreakpoint(l.Function, l.Pc) : AddBreakpoint(target, l.Function, l.Pc)).ToArray();
        var lineBreakpoint = new LineBreakpoint(resolution, breakpoints);
        _lineBreakpoints.Add(lineBreakpoint);
        return lineBreakpoint;
    }

    /// <summary>Removes a line breakpoint's instruction breakpoints.</summary>
    public bool RemoveBreakpoint(LineBreakpoint breakpoint)
    {
        ThrowIfDisposed();
        if (!_lineBreakpoints.Remove(breakpoint)) return false;
        foreach (var b in breakpoint.Breakpoints)
        {
            if (!_lineBreakpoints.Any(other => other.Contains(b))) RemoveBreakpoint(b);
        }
        return true;
    }

    /// <summary>Steps by source line (see <see cref="StepKind"/>): instruction steps until the guest reaches the start
    /// of a statement (an is_stmt row) on another line, skipping code without line information or with line 0. The
    /// step ends early at a breakpoint, an exception stop or the end of the run, whose stop is returned; a completed
    /// step returns a <see cref="StepStop"/>. Before the first resume, it stops at the first line with code.</summary>
    /// <exception cref="InvalidOperationException">The module has no DWARF line information, or the session is not in
    /// <see cref="Instrumentation.InstrumentationMode.Debug"/>.</exception>
    public Task<StopEvent> StepLineAsync(StepKind kind = StepKind.Over) => ResumeAsync(BeginLineStep(kind));

    /// <summary>Prepares a source-level step from the current stop and returns the instruction action to resume with.
    /// In a <see cref="Run"/> handler, return it (<c>return session.BeginLineStep(StepKind.Over);</c>); the handler
    /// is next called at the stop that ends the step (or at a breakpoint or exception on the way). Pass it as Run's
    /// <c>first</c> action to stop at the first line. Resuming with any other action cancels the step.</summary>
    public ResumeAction BeginLineStep(StepKind kind = StepKind.Over)
    {
        ThrowIfDisposed();
        if (!Dwarf.HasLineInfo) throw new InvalidOperationException("line steps need DWARF line information; the module has none (build it with -g)");
        CheckStepping(ResumeAction.StepInto);
        if (StoppedModule is { } module)
            throw new InvalidOperationException($"line steps work in the guest's own module; the guest is stopped in the linked module {module}: step there by instructions (StepInto, StepOver, StepOut), and line steps go on once it returns to the guest");
        _lineStepper ??= new LineStepper(new DeferredController(this), Sources, () => _run?.CurrentFrame ?? -1, PreviousPc);
        bool paused = LastStop is { IsFinal: false } && _run?.CurrentFrame >= 0;
        return _lineStepper.Begin(kind, paused ? LastStop!.Location : null, paused ? _run!.CurrentFrame : -1);
    }

    /// <summary>The pc of the instruction before <paramref name="at"/> in its function (the call a frame returned from), or -1.</summary>
    private int PreviousPc(CodeLocation at)
    {
        // Runs on the guest's thread during a line step: read the decoded module only, not the session's caches.
        int body = at.Function - Module.ImportedFunctionCount;
        if ((uint)body >= (uint)Module.Bodies.Count) return -1;
        var code = Module.Bodies[body].Code;
        int index = code.IndexOfOffset(at.Pc);
        return index > 0 ? code[index - 1].Offset : -1;
    }

    /// <summary>Wraps the session's stop controller so that line steps are decided on the guest's thread.</summary>
    private IStopController WithLineSteps(IStopController controller)
    {
        _lineStepper ??= new LineStepper(new DeferredController(this), Sources, () => _run?.CurrentFrame ?? -1, PreviousPc);
        _innerController = controller;
        return _lineStepper;
    }

    private IStopController? _innerController;

    /// <summary>The controller the line stepper hands stops to, known only once the run starts.</summary>
    private sealed class DeferredController(DebugSession session) : IStopController
    {
        public ResumeAction Pause(StopEvent stop) => session._innerController!.Pause(stop);
        public void Finish(StopEvent final) => session._innerController!.Finish(final);
        public bool InspectsOnGuestThread => session._innerController!.InspectsOnGuestThread;
    }

    private void AttachSources(IReadOnlyList<StackFrame> frames)
    {
        var guest = _run?.View;
        // A linked module's frames come with its own DWARF and memory (or none).
        foreach (var frame in frames.Where(f => f.Module is null))
        {
            frame.Sources ??= Sources;
            frame.Guest ??= guest;
        }
    }
}
