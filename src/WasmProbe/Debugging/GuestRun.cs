using WasmProbe.Caching;
using WasmProbe.Coverage;
using WasmProbe.Engine;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Debugging;

/// <summary>One execution of the guest: instantiation, the entry call, and the decision at every probe whether to
/// stop. Runs on whichever thread executes the guest; the controller decides how to resume.</summary>
internal sealed class GuestRun : IDisposable
{
    private readonly InstrumentedModule _module;
    private readonly IStopController _controller;
    private readonly Breakpoint?[] _breakpointsBySite;
    private readonly CodeMap _codeMap;
    private readonly ExceptionStops _exceptionStops;
    private readonly TimeSpan _deadline;
    private readonly int[] _breakpointsByFunction;
    private uint _stepLimit;
    private bool _flagsStepping;
    private bool _runToCompletion;
    private volatile bool _aborting;

    public GuestRun(InstrumentedModule module, GuestOptions host, IStopController controller, ExceptionStops exceptionStops, CompiledModuleCache compiledModules)
    {
        _module = module;
        _controller = controller;
        _exceptionStops = exceptionStops;
        _deadline = host.Deadline;
        _breakpointsBySite = new Breakpoint?[module.Sites.Length];
        _breakpointsByFunction = new int[module.Memory.FunctionCount];
        _codeMap = new CodeMap(module.Original);
        Guest = new GuestInstance(module, host, OnStop, compiledModules);
    }

    public GuestInstance Guest { get; }
    public FrameReader? Frames { get; private set; }

    /// <summary>The module's DWARF source positions, attached to the frames of final stops.</summary>
    public SourceMap? Sources { get; init; }

    /// <summary>Coverage of this run, read out of the guest when the run ends (null: coverage is off).</summary>
    public CoverageRun? Coverage { get; init; }

    /// <summary>The frame address of the current stop, or -1 when not paused at a probe.</summary>
    public int CurrentFrame { get; private set; } = -1;

    public StopEvent? Final { get; private set; }

    public void SetBreakpoint(Breakpoint breakpoint, bool enabled)
    {
        int site = breakpoint.SiteId;
        if (site < 0) return;
        bool wasSet = _breakpointsBySite[site] is not null;
        _breakpointsBySite[site] = enabled ? breakpoint : null;
        int function = breakpoint.Location.Function;
        _breakpointsByFunction[function] += (enabled ? 1 : 0) - (wasSet ? 1 : 0);
        if (Frames is not null && _module.Mode == InstrumentationMode.Debug)
        {
            Guest.DebugMemory.Write(DebugMemory.FlagsBase + site, [enabled ? (byte)1 : (byte)0]);
            WriteFunctionFlags(function, function + 1);
            UpdateArmed();
        }
    }

    public void Execute(ResumeAction first, string? entry, FunctionType? entryType, IReadOnlyList<WasmValue> arguments)
    {
        IReadOnlyList<int> faultOffsets = [];
        try
        {
            Guest.Instantiate();
            Frames = new FrameReader(_module, Guest.DebugMemory);
            if (_module.Mode == InstrumentationMode.Debug)
            {
                foreach (var breakpoint in _breakpointsBySite)
                {
                    if (breakpoint is not null) Guest.DebugMemory.Write(DebugMemory.FlagsBase + breakpoint.SiteId, [1]);
                }
                WriteFunctionFlags(0, _breakpointsByFunction.Length);
            }
            Apply(first, frame: -1);
            var results = entry is null ? [] : Guest.Invoke(entry, entryType!.Parameters, entryType.Results, arguments);
            Final = new FinishedStop(results);
        }
        catch (GuestFaultException fault) when (_aborting)
        {
            faultOffsets = fault.ModuleOffsets;
            Final = new HostErrorStop(new OperationCanceledException("the session was disposed while the guest was paused", fault), []);
        }
        catch (GuestFaultException fault)
        {
            faultOffsets = fault.ModuleOffsets;
            Final = ToFinalStop(fault);
        }
        CurrentFrame = -1;
        Coverage?.Collect(Guest.IsInstantiated ? Guest.Memory(Coverage.CounterMemory) : null, Final,
            [.. faultOffsets.Select(_module.PcMap.ToOriginal).Where(pc => pc >= 0)]);
        _controller.Finish(Final);
    }

    /// <summary>Makes a paused guest unwind at once (it resumes into an exception that ends the run).</summary>
    public void Abort() => _aborting = true;

    private void OnStop(int siteId, int frame)
    {
        if (_runToCompletion || Frames is null || (uint)siteId >= (uint)_module.Sites.Length) return;
        var site = _module.Sites[siteId];
        if ((site.Kinds & SiteKinds.Probe) != 0)
        {
            var breakpoint = _breakpointsBySite[siteId];
            if (breakpoint is not null)
            {
                breakpoint.HitCount++;
                Pause(new BreakpointStop(breakpoint, breakpoint.HitCount), frame);
            }
            else if (_stepLimit != 0 && (uint)frame <= _stepLimit)
            {
                Pause(new StepStop(new CodeLocation(site.Function, site.Pc)), frame);
            }
        }
        if ((site.Kinds & SiteKinds.Throw) != 0 && _exceptionStops != ExceptionStops.None && !_runToCompletion)
        {
            var stop = ExceptionAt(site, frame);
            if (_exceptionStops == ExceptionStops.All || stop.Caught != true) Pause(stop, frame);
        }
    }

    private void Pause(StopEvent stop, int frame)
    {
        CurrentFrame = frame;
        var action = _controller.Pause(stop);
        CurrentFrame = -1;
        if (_aborting) throw new OperationCanceledException("the debug session was disposed");
        Apply(action, frame);
        Guest.ResetDeadline();
    }

    private void Apply(ResumeAction action, int frame)
    {
        _stepLimit = action switch
        {
            ResumeAction.StepInto => uint.MaxValue,
            ResumeAction.StepOver when frame >= 0 => (uint)frame,
            ResumeAction.StepOver => uint.MaxValue,
            ResumeAction.StepOut when frame >= 0 => (uint)frame - 1,
            _ => 0,
        };
        if (action == ResumeAction.RunToCompletion) _runToCompletion = true;
        UpdateArmed();
    }

    private void UpdateArmed()
    {
        if (_module.Mode != InstrumentationMode.Debug || Frames is null) return;
        Guest.StepLimit = _stepLimit;
        bool stepping = _stepLimit != 0 && !_runToCompletion;
        Guest.Armed = !_runToCompletion && (stepping || _breakpointsByFunction.Any(count => count > 0)) ? 1 : 0;
        if (stepping != _flagsStepping || _runToCompletion)
        {
            _flagsStepping = stepping;
            WriteFunctionFlags(0, _breakpointsByFunction.Length);
        }
    }

    /// <summary>A function's flag lets its probes run: set while it has a breakpoint or a step is under way.</summary>
    private void WriteFunctionFlags(int from, int to)
    {
        var flags = new byte[to - from];
        for (int f = from; f < to; f++) flags[f - from] = !_runToCompletion && (_flagsStepping || _breakpointsByFunction[f] > 0) ? (byte)1 : (byte)0;
        Guest.DebugMemory.Write(_module.Memory.FunctionFlagsBase + from, flags);
    }

    private ExceptionStop ExceptionAt(ProbeSite site, int frame)
    {
        var location = new CodeLocation(site.Function, site.Pc);
        var spaces = _module.Original.IndexSpaces;
        var thrower = _module.Original.Bodies[site.Function - spaces.ImportedFunctionCount].Code[site.InstructionIndex];
        if (thrower.Opcode != Wasm.Instructions.Opcode.Throw) return new ExceptionStop(location, null, [], CaughtAlongChain(site, frame, null));
        int tag = thrower.Index;
        int count = spaces.TagFunctionType(tag).Parameters.Length;
        var stack = Frames!.ToFrame(frame, Frames.Read(frame)).Stack;
        var payload = stack.Skip(Math.Max(0, stack.Count - count)).ToArray();
        return new ExceptionStop(location, tag, payload, CaughtAlongChain(site, frame, tag));
    }

    private bool? CaughtAlongChain(ProbeSite site, int frame, int? tag)
    {
        if (ExceptionHandlers.Catches(_module.Original, site.Function, site.InstructionIndex, tag)) return true;
        int parent = Frames!.Read(frame).Parent;
        while (parent >= _module.Memory.FramesBase)
        {
            var record = Frames.Read(parent);
            if ((uint)record.Site >= (uint)_module.Sites.Length) return null;
            var call = _module.Sites[record.Site];
            if (ExceptionHandlers.Catches(_module.Original, call.Function, call.InstructionIndex, tag)) return true;
            if (record.Parent >= parent) break;
            parent = record.Parent;
        }
        return tag is null ? null : false;
    }

    private StopEvent ToFinalStop(GuestFaultException fault)
    {
        var frames = FaultFrames(fault.ModuleOffsets);
        return fault.Kind switch
        {
            GuestFaultKind.Interrupted => new InterruptedStop(_deadline, frames),
            GuestFaultKind.HostError => new HostErrorStop(fault.HostException!, frames),
            _ => new TrapStop(fault.TrapCode, fault.Message, frames),
        };
    }

    /// <summary>The engine's backtrace mapped to original pcs. Values come from the shadow frames: matched from the
    /// outermost frame inwards (the engine's backtrace is complete below 20 frames), a frame gets its locals and stack
    /// when its record was stored at that very pc (its call, or a stop at the trapping instruction).</summary>
    private List<StackFrame> FaultFrames(IReadOnlyList<int> moduleOffsets)
    {
        var locations = new List<CodeLocation>();
        foreach (int offset in moduleOffsets)
        {
            int pc = _module.PcMap.ToOriginal(offset);
            int function = pc < 0 ? -1 : _codeMap.FunctionAt(pc);
            if (function >= 0) locations.Add(new CodeLocation(function, pc));
        }
        const int EngineBacktraceLimit = 20;
        var shadow = Frames is null || moduleOffsets.Count >= EngineBacktraceLimit ? [] : Frames.ReadChain(Guest.FrameTop);
        var names = new ModuleNamesCache(_module.Original);
        var frames = new StackFrame[locations.Count];
        int s = shadow.Count - 1;
        for (int i = locations.Count - 1; i >= 0; i--)
        {
            var location = locations[i];
            var match = s >= 0 && shadow[s].Function == location.Function ? shadow[s--] : null;
            bool atThisCall = match is not null && match.Pc == location.Pc;
            frames[i] = new StackFrame(location, names.Function(location.Function), atThisCall ? match!.LocalsOrNull : null,
                atThisCall ? match!.StackOrNull : null, l => names.Local(location.Function, l)) { Sources = Sources };
        }
        return [.. frames];
    }

    public void Dispose() => Guest.Dispose();
}
