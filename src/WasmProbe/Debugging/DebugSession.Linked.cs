using WasmProbe.Engine.Linking;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Linking;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Debugging;

// Linked modules (GuestOptions.Links): in a debug session each runs a debug build of its own (breakpoints change at any
// stop, steps enter it and go on inside it); in a static session a linked module with breakpoints runs a static build
// made with them when the run starts, so they are fixed from then on.
public sealed partial class DebugSession
{
    private readonly Dictionary<string, LinkedTarget> _linked = [];

    /// <summary>Sets a breakpoint before the instruction at <paramref name="pc"/> (an offset in that module's binary)
    /// of <paramref name="function"/> in the linked module named <paramref name="module"/>. The function and pc are
    /// resolved as the guest's are; a problem is an <see cref="ArgumentException"/> naming the linked module. A stop
    /// there is a <see cref="BreakpointStop"/> whose breakpoint names the module; <see cref="Frames"/> has that
    /// frame's locals, stack and source variables, then the frames below it (the guest's without values in static
    /// sessions). In a static session the linked breakpoints are fixed once it runs.</summary>
    public Breakpoint AddBreakpoint(string module, string function, int pc)
    {
        var target = Linked(module);
        return AddBreakpoint(target, target.Resolved(FunctionResolver.Resolve(target.Module, function), nameof(function)), pc);
    }

    public Breakpoint AddBreakpoint(string module, int function, int pc) => AddBreakpoint(Linked(module), function, pc);

    private Breakpoint AddBreakpoint(LinkedTarget target, int function, int pc)
    {
        ThrowIfDisposed();
        var location = target.Check(function, pc);
        if (target.Breakpoints.FirstOrDefault(b => b.Location == location) is { } existing) return existing;
        ThrowIfLinkedBreakpointsFixed();
        var breakpoint = new Breakpoint(location, target.Module.Names.FunctionOrIndex(location.Function), -1, target.Link.Name);
        target.Breakpoints.Add(breakpoint);
        if (_run is not null) Arm(_run, breakpoint);
        return breakpoint;
    }

    private bool RemoveLinkedBreakpoint(Breakpoint breakpoint)
    {
        ThrowIfLinkedBreakpointsFixed();
        if (!_linked.TryGetValue(breakpoint.Module!, out var target) || !target.Breakpoints.Remove(breakpoint)) return false;
        _run?.SetBreakpoint(breakpoint, enabled: false);
        return true;
    }

    private void ThrowIfLinkedBreakpointsFixed()
    {
        if (_started && _options.Mode == InstrumentationMode.Static)
            throw new InvalidOperationException("a static session's breakpoints in linked modules are fixed once it runs (the module runs a static build made with them); use InstrumentationMode.Debug to change them while paused");
    }

    /// <summary>Gives a linked breakpoint its site in the run's build of its module and sets it.</summary>
    private static void Arm(GuestRun run, Breakpoint breakpoint)
    {
        breakpoint.SiteId = run.BuildOf(breakpoint).SiteAt(breakpoint.Location)!.Value.Id;
        run.SetBreakpoint(breakpoint, enabled: true);
    }

    /// <summary>The linked module named <paramref name="module"/>, resolved by <see cref="LinkedTargets.Module"/>.</summary>
    private LinkedTarget Linked(string module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (_linked.TryGetValue(module, out var target)) return target;
        var links = _options.Host.Links;
        var link = links[LinkedTargets.Module([.. links.Select(l => l.Name)], module).ValueOrThrow(nameof(module))];
        return _linked[module] = new LinkedTarget(link, _cache.Decode(link.Bytes));
    }

    /// <summary>The build a linked module runs for the run: a debug build in debug sessions, the static build with its
    /// breakpoints in static ones (null without).</summary>
    private InstrumentedModule? LinkedBuild(LinkedModule link, Coverage.CoverageInstrumentation? coverage) =>
        _options.Mode == InstrumentationMode.Debug ? Linked(link.Name).Build(_cache, coverage, InstrumentationMode.Debug, _options.ExceptionStops != ExceptionStops.None)
        : _linked.TryGetValue(link.Name, out var target) ? target.Build(_cache, coverage, InstrumentationMode.Static, reportThrows: false) : null;

    private IEnumerable<Breakpoint> LinkedBreakpoints => _linked.Values.SelectMany(t => t.Breakpoints);

    /// <summary>Gives the linked breakpoints their sites in the linked modules' builds, once the run has made them.</summary>
    private void SetLinkedBreakpoints(GuestRun run)
    {
        foreach (var linked in run.Guest.Links.Where(l => l.Probes is not null))
        {
            foreach (var breakpoint in _linked[linked.Name].Breakpoints) Arm(run, breakpoint);
        }
    }

    /// <summary>The linked module the current stop is in (whatever kind of stop), or null: the guest's, or not paused.</summary>
    internal string? StoppedModule => IsFinished ? null : _run?.StoppedModule;

    /// <summary>A function of the module the current stop is in, by its own names (name section): a linked module's
    /// function indices are not the guest's.</summary>
    internal string StoppedFunctionName(int function) => FunctionNameIn(StoppedModule, function);

    /// <summary>A function of a linked <paramref name="module"/> (null: the guest) by that module's own names.</summary>
    internal string FunctionNameIn(string? module, int function) =>
        (module is not null ? Linked(module).Module.Names : Module.Names).FunctionOrIndex(function);

    /// <summary>A location of the current stop as stops and frames print it: <c>mathlib!gcd+0x59</c> in a linked module.</summary>
    internal string StoppedWhere(int function, int pc) =>
        $"{(StoppedModule is { } module ? module + "!" : "")}{StoppedFunctionName(function)}+0x{pc:x}";

    /// <summary>The module and function a stop's innermost frame is in: a linked module's, at a stop there.</summary>
    private (Module Module, Func<int, Wasm.Analysis.FunctionAnalysis> Analysis, int Function) StoppedFunction()
    {
        if (StoppedModule is { } module && LastStop!.Location is { } location)
            return (Linked(module).Module, Linked(module).Analysis, location.Function);
        return (Module, Analysis, Backtrace is [var top, ..] ? top.Function : throw new InvalidOperationException("the guest is not paused at an instruction"));
    }
}
