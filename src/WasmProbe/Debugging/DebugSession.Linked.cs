using WasmProbe.Engine.Linking;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Linking;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Debugging;

// Breakpoints in linked modules (GuestOptions.Links): a linked module with breakpoints runs its own static build, made
// when the run starts, so they are fixed from then on whatever the session's mode; stops in it cannot step.
public sealed partial class DebugSession
{
    private readonly Dictionary<string, LinkedTarget> _linked = [];

    /// <summary>Sets a breakpoint before the instruction at <paramref name="pc"/> (an offset in that module's binary)
    /// of <paramref name="function"/> in the linked module named <paramref name="module"/>. The function and pc are
    /// resolved as the guest's are; a problem is an <see cref="ArgumentException"/> naming the linked module. A stop
    /// there is a <see cref="BreakpointStop"/> whose breakpoint names the module; <see cref="Frames"/> has that
    /// frame's locals, stack and source variables, then the frames below it (the guest's without values in static
    /// sessions).</summary>
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
        return breakpoint;
    }

    private bool RemoveLinkedBreakpoint(Breakpoint breakpoint)
    {
        ThrowIfLinkedBreakpointsFixed();
        return _linked.TryGetValue(breakpoint.Module!, out var target) && target.Breakpoints.Remove(breakpoint);
    }

    private void ThrowIfLinkedBreakpointsFixed()
    {
        if (_started) throw new InvalidOperationException("a linked module's breakpoints are fixed once the session runs (the module runs a static build made with them)");
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

    /// <summary>The static build of a linked module that has breakpoints, for the run.</summary>
    private InstrumentedModule? LinkedBuild(LinkedModule link, Coverage.CoverageInstrumentation? coverage) =>
        _linked.TryGetValue(link.Name, out var target) ? target.Build(_cache, coverage) : null;

    private IEnumerable<Breakpoint> LinkedBreakpoints => _linked.Values.SelectMany(t => t.Breakpoints);

    /// <summary>Gives the linked breakpoints their sites in the linked modules' builds, once the run has made them.</summary>
    private void SetLinkedBreakpoints(GuestRun run)
    {
        foreach (var linked in run.Guest.Links.Where(l => l.Probes is not null))
        {
            foreach (var breakpoint in _linked[linked.Name].Breakpoints)
            {
                breakpoint.SiteId = linked.Probes!.SiteAt(breakpoint.Location)!.Value.Id;
                run.SetBreakpoint(breakpoint, enabled: true);
            }
        }
    }

    /// <summary>The module and function a stop's innermost frame is in: a linked module's, at a stop there.</summary>
    private (Module Module, Func<int, Wasm.Analysis.FunctionAnalysis> Analysis, int Function) StoppedFunction()
    {
        if (LastStop is BreakpointStop { Breakpoint: { Module: { } module } breakpoint } && !IsFinished)
            return (_linked[module].Module, _linked[module].Analysis, breakpoint.Location.Function);
        return (Module, Analysis, Backtrace is [var top, ..] ? top.Function : throw new InvalidOperationException("the guest is not paused at an instruction"));
    }
}
