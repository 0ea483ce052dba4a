using WasmProbe.Caching;
using WasmProbe.Coverage;
using WasmProbe.Engine;
using WasmProbe.Engine.Linking;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Replay;

namespace WasmProbe.Debugging;

/// <summary>One execution of the guest: instantiation, the entry call, and the decision at every probe whether to
/// stop. Runs on whichever thread executes the guest; the controller decides how to resume.</summary>
internal sealed partial class GuestRun : IDisposable
{
    /// <summary>Wasmtime's backtraces show at most this many frames.</summary>
    private const int EngineBacktraceLimit = 20;

    private readonly InstrumentedModule _module;
    private readonly IStopController _controller;
    private readonly ExceptionStops _exceptionStops;
    private readonly TimeSpan _deadline;
    private ProbeSite? _replayed;
    private RunReplayer? _replayer;
    private StackFrame? _lastReplayed;
    private bool _paused;
    private IReadOnlyList<CodeLocation>? _callers;
    private bool _callersCut;
    private bool _runToCompletion;
    private volatile bool _aborting;
    private readonly LinkedCoverage? _linkedCoverage;
    private readonly Dictionary<string, SourceMap> _linkedSources = [];

    /// <param name="linkedCoverage">Where the linked modules' coverage goes; null: they are not counted.</param>
    /// <param name="linkedProbes">The builds of the linked modules that can stop (see <see cref="LinkedInstance.Probes"/>).</param>
    public GuestRun(InstrumentedModule module, GuestOptions host, IStopController controller, ExceptionStops exceptionStops, CompiledModuleCache compiledModules,
        CoverageCollector? linkedCoverage = null, LinkedProbes? linkedProbes = null)
    {
        _module = module;
        _controller = controller;
        _exceptionStops = exceptionStops;
        _deadline = host.Deadline;
        Guest = new GuestInstance(module, host, OnStop, compiledModules, coverLinks: linkedCoverage is not null, linkedProbes, OnLinkedStop);
        _guest = new RunModule(module, Guest, null, this);
        foreach (var linked in Guest.Links.Where(l => l.Probes is not null)) _linkedModules[linked.Name] = new RunModule(linked.Probes!, linked, linked, this);
        if (linkedCoverage is not null) _linkedCoverage = new LinkedCoverage(Guest, linkedCoverage);
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

    /// <summary>The build a breakpoint's site ids are in: the guest's, or its linked module's.</summary>
    public InstrumentedModule BuildOf(Breakpoint breakpoint) => ModuleOf(breakpoint).Build;

    private RunModule ModuleOf(Breakpoint breakpoint) => breakpoint.Module is not { } name ? _guest
        : _linkedModules.TryGetValue(name, out var linked) ? linked
        : throw new InvalidOperationException($"the linked module {name} runs without a build that can stop");

    public void SetBreakpoint(Breakpoint breakpoint, bool enabled)
    {
        int site = breakpoint.SiteId;
        if (site < 0) return;
        var module = ModuleOf(breakpoint);
        bool wasSet = module.BreakpointsBySite.ContainsKey(site);
        if (enabled) module.BreakpointsBySite[site] = breakpoint;
        else module.BreakpointsBySite.Remove(site);
        int function = breakpoint.Location.Function;
        int change = (enabled ? 1 : 0) - (wasSet ? 1 : 0);
        module.BreakpointsByFunction[function] += change;
        module.BreakpointCount += change;
        int run = module.Build.Sites[site].RunStart;
        int inRun = module.BreakpointsByRun[run] = module.BreakpointsByRun.GetValueOrDefault(run) + change;
        if (inRun == 0) module.BreakpointsByRun.Remove(run);
        if (Frames is not null && module.IsDebug)
        {
            module.DebugMemory.Write(module.Build.Memory.SiteFlagsBase + run, [inRun > 0 ? (byte)1 : (byte)0]);
            WriteFunctionFlags(module, function, function + 1);
            UpdateArmed();
        }
    }

    public void Execute(ResumeAction first, string? entry, FunctionType? entryType, IReadOnlyList<WasmValue> arguments)
    {
        IReadOnlyList<int> faultOffsets = [];
        int[]? forcedPcs = null;
        try
        {
            Guest.Instantiate();
            Frames = new FrameReader(_module, Guest.DebugMemory);
            ArmWatchpoints();
            foreach (var module in Modules.Where(m => m.IsDebug))
            {
                foreach (int run in module.BreakpointsByRun.Keys) module.DebugMemory.Write(module.Build.Memory.SiteFlagsBase + run, [1]);
                WriteFunctionFlags(module, 0, module.BreakpointsByFunction.Length);
            }
            Apply(first, frame: -1);
            var results = entry is null ? [] : Guest.Invoke(entry, entryType!.Parameters, entryType.Results, arguments);
            Final = new FinishedStop(results);
        }
        catch (GuestFaultException fault) when (fault.HostException is ForcedTrapException forced)
        {
            _linkedCoverage?.AddEnding(fault);
            Final = new TrapStop(TrapCodes.Unreachable, forced.Message, forced.Frames);
            forcedPcs = [.. forced.Frames.Where(f => f.Module is null).Select(f => f.Pc)];
        }
        catch (GuestFaultException fault) when (_aborting)
        {
            faultOffsets = fault.ModuleOffsets;
            _linkedCoverage?.AddEnding(fault);
            Final = new HostErrorStop(new OperationCanceledException("the session was disposed while the guest was paused", fault), []);
        }
        catch (GuestFaultException fault)
        {
            faultOffsets = fault.ModuleOffsets;
            _linkedCoverage?.AddEnding(fault);
            Final = ToFinalStop(fault);
        }
        CurrentFrame = -1;
        int[] faultPcs = forcedPcs ?? [.. faultOffsets.Select(_module.PcMap.ToOriginal).Where(pc => pc >= 0)];
        // Disposed at a replayed stop: as far as anyone saw, the guest had run up to that instruction.
        if (_replayed is { } replayed && faultPcs.Length > 0 && _module.Original.FunctionAt(faultPcs[0]) == replayed.Function) faultPcs[0] = replayed.Pc;
        Coverage?.Collect(Guest.IsInstantiated ? Guest.Memory(Coverage.CounterMemory) : null, Final, faultPcs);
        _linkedCoverage?.Collect();
        _controller.Finish(Final);
    }

    /// <summary>Makes a paused guest unwind at once (it resumes into an exception that ends the run).</summary>
    public void Abort() => _aborting = true;

    private void OnStop(int siteId, int frame)
    {
        StopsAt(_guest, siteId, frame);
        Resumed();
    }

    /// <summary>After a probe: if the guest paused there, the step state and deadline it resumes with.</summary>
    private void Resumed()
    {
        if (!_paused) return;
        _paused = false;
        WriteStepState();
        Guest.ResetDeadline();
    }

    private void StopsAt(RunModule module, int siteId, int frame)
    {
        if (_runToCompletion || Frames is null || (uint)siteId >= (uint)module.Build.Sites.Count) return;
        _lastReplayed = null;
        _leavesProbe = false;
        var site = module.Build.Sites[siteId];
        if ((site.Kinds & SiteKinds.Probe) != 0)
        {
            ConsiderStop(module, site, frame);
            if (module.IsDebug && !_leavesProbe) ReplayRun(module, site, frame);
        }
        if ((site.Kinds & SiteKinds.Throw) != 0 && _exceptionStops != ExceptionStops.None && !_runToCompletion && !_leavesProbe)
        {
            var stop = ExceptionAt(module, site, frame);
            if (_exceptionStops == ExceptionStops.All || stop.Caught != true) Pause(stop, frame);
        }
    }

    /// <summary>Stops at a site if a breakpoint is set there or a step wants its frame; true if it stopped.</summary>
    private bool ConsiderStop(RunModule module, ProbeSite site, int frame)
    {
        if (_runToCompletion) return false;
        if (module.BreakpointsBySite.TryGetValue(site.Id, out var breakpoint))
        {
            breakpoint.HitCount++;
            Pause(new BreakpointStop(breakpoint, breakpoint.HitCount), frame);
            return true;
        }
        if (!WantsStep(module, frame)) return false;
        Pause(new StepStop(new CodeLocation(site.Function, site.Pc)) { Module = module.Name }, frame);
        return true;
    }

    private static bool WantsStep(RunModule module, int frame) => module.StepLimit != 0 && (uint)frame <= module.StepLimit;

    /// <summary>Debug builds probe only at the start of a straight-line run of replayable instructions: the stops at
    /// the run's other instructions are made here, by replaying the run from the frame's state while the guest waits
    /// at its start, for as long as a breakpoint further on or a step could still stop in it.</summary>
    private void ReplayRun(RunModule module, ProbeSite start, int frame)
    {
        var sites = module.Build.Sites;
        int end = start.Id + 1;
        while (end < sites.Count && sites[end].RunStart == start.Id) end++;
        if (end == start.Id + 1) return;
        RunReplayer? replayer = null;
        var original = module.Build.Original;
        var code = original.Bodies[start.Function - original.IndexSpaces.ImportedFunctionCount].Code;
        for (int id = start.Id + 1; id < end && !_runToCompletion && !_leavesProbe; id++)
        {
            if (!WantsStep(module, frame) && !BreakpointBetween(module, id, end)) break;
            _replayer = replayer ??= StartReplay(module, frame);
            if (!replayer.Execute(code[sites[id - 1].InstructionIndex])) break;
            var site = sites[id];
            _replayed = site;
            // A trap at this very instruction, before the guest passes another probe, shows these values.
            if (ConsiderStop(module, site, frame) && module == _guest) _lastReplayed = ReplayedFrame();
        }
        _replayed = null;
        _replayer = null;
    }

    /// <summary>Memory 0 and the globals, as source variables read them.</summary>
    public GuestView View => _view ??= new GuestView(
        _module.Original.IndexSpaces.Memories.Length > 0 ? Memory(0) : null,
        g => Global(g, _module.Original.IndexSpaces.Globals[g])?.Get());

    private GuestView? _view;

    /// <summary>The guest's memory as a session shows it (see <see cref="CheckWrite"/>).</summary>
    public IGuestMemory? Memory(int index) => Guest.Memory(index) is { } memory ? new ReplayGuardedMemory(memory, index, null, this) : null;

    public IGuestGlobal? Global(int index, GlobalType type) => Guest.Global(index, type) is { } global ? new ReplayGuardedGlobal(global, index, this) : null;

    /// <summary>The replay of the current replayed stop if it runs in <paramref name="module"/> (null: the guest's).</summary>
    private RunReplayer? ReplayIn(string? module) => _replayed is not null && Stopped.Name == module ? _replayer : null;

    /// <summary>At a replayed stop the engine is still at the start of the run: a write to memory or a global that an
    /// earlier instruction of the run read (or, for memory, stored to) would reach the module before that instruction,
    /// so it is refused.</summary>
    private void CheckWrite(string what, string? module, Func<RunReplayer, bool> conflicts)
    {
        if (ReplayIn(module) is not { } replayer || !conflicts(replayer)) return;
        var replayed = _replayed!.Value;
        var start = Stopped.Build.Sites[replayed.RunStart];
        throw new InvalidOperationException(
            $"{what} is what the guest already read or stored between pc 0x{start.Pc:x} and this stop at pc 0x{replayed.Pc:x}, a straight-line run the "
            + $"debugger replays while the guest waits at its start; the write would reach the guest before those instructions. Write at pc 0x{start.Pc:x} or after the run");
    }

    /// <summary>A memory of the guest or of a linked <paramref name="module"/>, as a stop shows it.</summary>
    private sealed class ReplayGuardedMemory(IGuestMemory memory, int index, string? module, GuestRun run) : IGuestMemory
    {
        public bool Is64 => memory.Is64;
        public long Length => memory.Length;

        /// <summary>With the stores of the run replayed up to a replayed stop, which the module has not made yet.</summary>
        public ReadOnlySpan<byte> Read(long address, int length)
        {
            var bytes = memory.Read(address, length);
            if (run.ReplayIn(module) is not { } replayer || !replayer.HasStored(index)) return bytes;
            var shown = bytes.ToArray();
            replayer.Overlay(index, (ulong)address, shown);
            return shown;
        }

        public void Write(long address, ReadOnlySpan<byte> bytes)
        {
            int length = bytes.Length;
            run.CheckWrite($"memory {index} at 0x{address:x} ({length} bytes)", module, r => r.HasAccessed(index, (ulong)address, (ulong)length));
            memory.Write(address, bytes);
        }

        public long Grow(long pages)
        {
            run.CheckWrite($"the size of memory {index}", module, r => r.HasAccessed(index, 0, ulong.MaxValue / 2));
            return memory.Grow(pages);
        }
    }

    private sealed class ReplayGuardedGlobal(IGuestGlobal global, int index, GuestRun run) : IGuestGlobal
    {
        public GlobalType Type => global.Type;
        public WasmValue Get() => global.Get();

        public void Set(WasmValue value)
        {
            run.CheckWrite($"global {index}", null, r => r.HasReadGlobal(index));
            global.Set(value);
        }
    }

    private static bool BreakpointBetween(RunModule module, int from, int end)
    {
        if (module.BreakpointsBySite.Count == 0) return false;
        for (int id = from; id < end; id++)
        {
            if (module.BreakpointsBySite.ContainsKey(id)) return true;
        }
        return false;
    }

    private static RunReplayer StartReplay(RunModule module, int frame)
    {
        var top = module.Frames.ToFrame(frame, module.Frames.Read(frame));
        return new RunReplayer([.. top.Locals], [.. top.Stack], module.Memory, g => module.Global(g)!.Get());
    }

    private void Pause(StopEvent stop, int frame)
    {
        CurrentFrame = frame;
        _callers = null;
        if (!_controller.InspectsOnGuestThread)
        {
            if (_linkedStop is { } linked) _ = LinkedBacktrace(linked);
            else if (_module.Mode == InstrumentationMode.Static) _ = Callers();
        }
        var action = _controller.Pause(stop);
        if (!_aborting && ForcedThrowStop(action) is { } thrown) action = _controller.Pause(thrown);
        if (_aborting) throw new OperationCanceledException("the debug session was disposed");
        TakeRequest();
        CurrentFrame = -1;
        _paused = true;
        Apply(action, frame);
    }

    private void Apply(ResumeAction action, int frame)
    {
        var stopped = Stopped;
        foreach (var module in Modules) module.StepLimit = module.IsDebug ? StepLimitOf(module, stopped, action, frame) : 0;
        if (action == ResumeAction.RunToCompletion) _runToCompletion = true;
        UpdateArmed();
    }

    /// <summary>Makes the guest's step limit, armed flag and function flags say what the session wants; at a stop this
    /// waits until the guest resumes (several stops can be made, replayed, before it does).</summary>
    private void UpdateArmed()
    {
        if (!_paused) WriteStepState();
    }

    private void WriteStepState()
    {
        if (Frames is null) return;
        foreach (var module in Modules)
        {
            if (module.IsDebug) WriteStepState(module);
        }
    }

    private void WriteStepState(RunModule module)
    {
        if (module.WrittenStepLimit != module.StepLimit)
        {
            module.State.StepLimit = module.StepLimit;
            module.WrittenStepLimit = module.StepLimit;
        }
        bool stepping = module.StepLimit != 0 && !_runToCompletion;
        int armed = !_runToCompletion && (stepping || module.BreakpointCount > 0) ? 1 : 0;
        if (module.WrittenArmed != armed)
        {
            module.State.Armed = armed;
            module.WrittenArmed = armed;
        }
        if (stepping != module.FlagsStepping || _runToCompletion)
        {
            module.FlagsStepping = stepping;
            WriteFunctionFlags(module, 0, module.BreakpointsByFunction.Length);
        }
    }

    /// <summary>A function's flag lets its probes run: set while it has a breakpoint or a step is under way in its module.</summary>
    private void WriteFunctionFlags(RunModule module, int from, int to)
    {
        var flags = new byte[to - from];
        for (int f = from; f < to; f++) flags[f - from] = !_runToCompletion && (module.FlagsStepping || module.BreakpointsByFunction[f] > 0) ? (byte)1 : (byte)0;
        module.DebugMemory.Write(DebugMemory.FunctionFlagsBase + from, flags);
    }

    /// <summary>The frames of the current stop, innermost first. Debug builds read the chain of shadow frames; static
    /// builds read the stopped frame's record and take its callers from the engine's backtrace (locations only).</summary>
    public List<StackFrame> StopFrames()
    {
        if (_linkedStop is { } linked) return LinkedStopFrames(linked);
        if (_module.Mode == InstrumentationMode.Debug)
        {
            var chain = Frames!.ReadChain(CurrentFrame);
            if (_replayed is not null && chain.Count > 0) chain[0] = ReplayedFrame();
            return chain;
        }
        var frames = new List<StackFrame> { TopFrame() };
        foreach (var caller in Callers())
            frames.Add(new StackFrame(caller, _guest.Names.Function(caller.Function), null, null, l => _guest.Names.Local(caller.Function, l)));
        return frames;
    }

    /// <summary>Where the frames of the current stop are, innermost first, without their values.</summary>
    public List<CodeLocation> StopLocations()
    {
        if (_linkedStop is { } linked) return LinkedStopLocations(linked);
        if (_module.Mode == InstrumentationMode.Static) return [TopLocation(), .. Callers()];
        var locations = Frames!.ReadLocations(CurrentFrame);
        if (locations.Count > 0) locations[0] = TopLocation();
        return locations;
    }

    /// <summary>The number of frames of the current stop; null when the engine's backtrace was cut short (static builds).</summary>
    public int? StopDepth()
    {
        int count = StopLocations().Count;
        return _module.Mode == InstrumentationMode.Static && _callersCut ? null : count;
    }

    private CodeLocation TopLocation()
    {
        if (_replayed is { } replayed) return new CodeLocation(replayed.Function, replayed.Pc);
        var record = Frames!.Read(CurrentFrame);
        return new CodeLocation(record.Function, _module.Sites[record.Site].Pc);
    }

    /// <summary>The innermost frame of the current stop, without reading its callers.</summary>
    public StackFrame TopFrame() => _replayed is not null ? ReplayedFrame()
        : _linkedStop is { } linked ? LinkedTopFrame(linked) : Frames!.ToFrame(CurrentFrame, Frames.Read(CurrentFrame));

    /// <summary>A local of the innermost frame of the current stop (read alone: stops in hot loops ask for one value).</summary>
    public WasmValue TopLocal(int index)
    {
        if (_replayed is not null) return ValueAt(_replayer!.Locals, index, "local", "locals");
        if (_linkedStop is { } linked) return LinkedTopLocal(linked, index);
        var record = Frames!.Read(CurrentFrame);
        var layout = _module.Layouts[record.Function]!;
        if ((uint)index >= (uint)layout.LocalTypes.Length)
            throw new ArgumentOutOfRangeException(nameof(index), $"local {index} does not exist: {_guest.Names.Function(record.Function)} has {layout.LocalTypes.Length} locals");
        return Frames.ReadLocal(CurrentFrame, layout, index);
    }

    /// <summary>A value of the innermost frame's operand stack at the current stop; slot 0 is the bottom.</summary>
    public WasmValue TopStackSlot(int slot)
    {
        if (_replayed is not null) return ValueAt(_replayer!.Stack, slot, "stack slot", "stack values");
        if (_linkedStop is { } linked) return LinkedTopStackSlot(linked, slot);
        var record = Frames!.Read(CurrentFrame);
        var site = _module.Sites[record.Site];
        if ((uint)slot >= (uint)site.StackTypes.Length)
            throw new ArgumentOutOfRangeException(nameof(slot), $"stack slot {slot} does not exist: the operand stack holds {site.StackTypes.Length} values here");
        return Frames.ReadStackSlot(CurrentFrame, _module.Layouts[record.Function]!, site.StackTypes[slot], slot);
    }

    private WasmValue ValueAt(IReadOnlyList<WasmValue> values, int index, string what, string plural) =>
        (uint)index < (uint)values.Count ? values[index]
            : throw new ArgumentOutOfRangeException(nameof(index), $"{what} {index} does not exist: {FunctionName(Stopped, _replayed!.Value.Function)} has {values.Count} {plural} here");

    /// <summary>A function as messages name it: <c>mathlib!gcd</c> in a linked module.</summary>
    private static string FunctionName(RunModule module, int function) => module.Name is { } name ? $"{name}!{module.Names.Function(function)}" : module.Names.Function(function);

    /// <summary>The replayed stop's frame, copied: the replay goes on once the guest resumes.</summary>
    private StackFrame ReplayedFrame()
    {
        var replayed = _replayed!.Value;
        int function = replayed.Function;
        var module = Stopped;
        var names = module.Names;
        var frame = new StackFrame(new CodeLocation(function, replayed.Pc), names.Function(function), [.. _replayer!.Locals], [.. _replayer.Stack], l => names.Local(function, l))
        {
            Module = module.Name,
        };
        if (module.Linked is { } linked)
        {
            frame.Sources = LinkedSources(linked);
            frame.Guest = LinkedView(linked);
        }
        return frame;
    }

    /// <summary>Static builds: the call sites below the stopped frame, from the engine's backtrace (taken once per stop,
    /// on the guest's thread; inserted code maps to no pc and is skipped, the first mapped frame is the stopped one).</summary>
    private IReadOnlyList<CodeLocation> Callers()
    {
        if (_callers is not null) return _callers;
        var offsets = Guest.CaptureBacktrace();
        _callersCut = offsets.Count >= EngineBacktraceLimit;
        var callers = EngineLocations(offsets);
        if (callers.Count > 0) callers.RemoveAt(0);
        return _callers = callers;
    }

    /// <summary>An engine backtrace's module offsets as original locations; inserted code maps to none and is left out.</summary>
    private List<CodeLocation> EngineLocations(IReadOnlyList<int> moduleOffsets)
    {
        var locations = new List<CodeLocation>();
        foreach (int offset in moduleOffsets)
        {
            if (EngineLocation(offset) is { } location) locations.Add(location);
        }
        return locations;
    }

    private CodeLocation? EngineLocation(int moduleOffset)
    {
        int pc = _module.PcMap.ToOriginal(moduleOffset);
        int function = pc < 0 ? -1 : _module.Original.FunctionAt(pc);
        return function >= 0 ? new CodeLocation(function, pc) : null;
    }

    /// <summary>The throw at <paramref name="site"/> of <paramref name="module"/>, about to leave its frame.</summary>
    private ExceptionStop ExceptionAt(RunModule module, ProbeSite site, int frame)
    {
        var location = new CodeLocation(site.Function, site.Pc);
        var original = module.Build.Original;
        var spaces = original.IndexSpaces;
        var thrower = original.Bodies[site.Function - spaces.ImportedFunctionCount].Code[site.InstructionIndex];
        if (thrower.Opcode != Wasm.Instructions.Opcode.Throw) return new ExceptionStop(location, null, [], CaughtAlongChain(module, site, frame, null)) { Module = module.Name };
        int tag = thrower.Index;
        int count = spaces.TagFunctionType(tag).Parameters.Length;
        var stack = module.Frames.ToFrame(frame, module.Frames.Read(frame)).Stack;
        var payload = stack.Skip(Math.Max(0, stack.Count - count)).ToArray();
        return new ExceptionStop(location, tag, payload, CaughtAlongChain(module, site, frame, tag)) { Module = module.Name };
    }

    /// <summary>Whether a try_table of the throwing frame or of a frame below it in the same module catches the
    /// exception. Past a linked module's frames the guest (or another module) may still catch it: unknown.</summary>
    private bool? CaughtAlongChain(RunModule module, ProbeSite site, int frame, int? tag)
    {
        var build = module.Build;
        if (ExceptionHandlers.Catches(build.Original, site.Function, site.InstructionIndex, tag)) return true;
        if (build.Mode == InstrumentationMode.Static) return CaughtByCallers(tag);
        int parent = module.Frames.Read(frame).Parent;
        while (parent >= build.Memory.FramesBase)
        {
            var record = module.Frames.Read(parent);
            if ((uint)record.Site >= (uint)build.Sites.Count) return null;
            var call = build.Sites[record.Site];
            if (ExceptionHandlers.Catches(build.Original, call.Function, call.InstructionIndex, tag)) return true;
            if (record.Parent >= parent) break;
            parent = record.Parent;
        }
        return tag is null || module != _guest ? null : false;
    }

    /// <summary>Static builds: whether a caller in the engine's backtrace catches; unknown when the backtrace may be
    /// cut short (Wasmtime shows at most 20 frames).</summary>
    private bool? CaughtByCallers(int? tag)
    {
        var callers = Callers();
        foreach (var call in callers)
        {
            var code = _module.Original.Bodies[call.Function - _module.Original.IndexSpaces.ImportedFunctionCount].Code;
            int index = code.IndexOfOffset(call.Pc);
            if (index >= 0 && ExceptionHandlers.Catches(_module.Original, call.Function, index, tag)) return true;
        }
        return tag is null || _callersCut ? null : false;
    }

    private StopEvent ToFinalStop(GuestFaultException fault)
    {
        var frames = WithLinkedFrames(fault.Frames, FaultFrames(fault.ModuleOffsets));
        return fault.Kind switch
        {
            GuestFaultKind.Interrupted => new InterruptedStop(_deadline, frames),
            GuestFaultKind.HostError => new HostErrorStop(fault.HostException!, frames),
            GuestFaultKind.Exited => new FinishedStop([], fault.ExitCode),
            _ => new TrapStop(fault.TrapCode, fault.Message, frames),
        };
    }

    /// <summary>The engine's backtrace mapped to original pcs. Values come from the shadow frames: matched from the
    /// outermost frame inwards (the engine's backtrace is complete below 20 frames), a frame gets its locals and stack
    /// when its record was stored at that very pc (its call, or a stop at the trapping instruction).</summary>
    private List<StackFrame> FaultFrames(IReadOnlyList<int> moduleOffsets)
    {
        var locations = EngineLocations(moduleOffsets);
        var shadow = Frames is null || moduleOffsets.Count >= EngineBacktraceLimit ? [] : ShadowFramesAtFault();
        var matches = MatchShadows(locations, shadow);
        var frames = new StackFrame[locations.Count];
        for (int i = 0; i < locations.Count; i++)
        {
            var location = locations[i];
            var match = matches[i];
            if (i == 0 && _lastReplayed is { } replayed && replayed.Function == location.Function && replayed.Pc == location.Pc)
                match = replayed;
            frames[i] = new StackFrame(location, _guest.Names.Function(location.Function), match?.LocalsOrNull, match?.StackOrNull, l => _guest.Names.Local(location.Function, l))
            {
                Sources = Sources,
                Guest = Guest.IsInstantiated ? View : null,
            };
        }
        return [.. frames];
    }

    /// <summary>The shadow frame whose values each engine frame (innermost first) has: a module's shadow chain is its
    /// frames on the stack, so they are matched from the outermost one up, by function; a frame has its match's
    /// values only where the record is of the very instruction the engine shows (a call below the fault).</summary>
    private static StackFrame?[] MatchShadows(IReadOnlyList<CodeLocation> engine, List<StackFrame> shadow)
    {
        var matches = new StackFrame?[engine.Count];
        int s = shadow.Count - 1;
        for (int i = engine.Count - 1; i >= 0 && s >= 0; i--)
        {
            if (shadow[s].Function != engine[i].Function) continue;
            var match = shadow[s--];
            if (match.Pc == engine[i].Pc) matches[i] = match;
        }
        return matches;
    }

    /// <summary>The guest's frames of a fault with the linked modules' frames put back where the backtrace has them.</summary>
    private List<StackFrame> WithLinkedFrames(IReadOnlyList<FaultFrame> backtrace, List<StackFrame> guestFrames)
    {
        if (backtrace.All(f => f.LinkedModule is null)) return guestFrames;
        var frames = new List<StackFrame>(backtrace.Count);
        int next = 0;
        foreach (var frame in backtrace)
        {
            if (frame.LinkedModule is null)
            {
                if (EngineLocation(frame.Offset) is not null) frames.Add(guestFrames[next++]);
            }
            else if (frame.Offset >= 0)
            {
                // (Offsets of code the builds added, such as a linked build's export wrappers, map to none.)
                frames.Add(LinkedFrame(frame));
            }
        }
        foreach (var module in frames.Select(f => f.Module).OfType<string>().Distinct().ToList()) AddLinkedValues(frames, module);
        return frames;
    }

    private StackFrame LinkedFrame(FaultFrame frame)
    {
        var linked = Guest.Links.First(l => l.Name == frame.LinkedModule);
        var module = linked.Original;
        int function = frame.Offset < 0 ? -1 : module.FunctionAt(frame.Offset);
        string name = function >= 0 ? module.Names.FunctionOrIndex(function) : frame.FunctionName ?? "?";
        return new StackFrame(new CodeLocation(function, frame.Offset), name, null, null, l => function >= 0 ? module.Names.Local(function, l) : null)
        {
            Module = linked.Name,
            Sources = LinkedSources(linked),
        };
    }

    /// <summary>A linked module's frames of a fault, with the values its debug build's shadow frames hold
    /// (<see cref="MatchShadows"/>).</summary>
    private void AddLinkedValues(List<StackFrame> frames, string name)
    {
        if (!_linkedModules.TryGetValue(name, out var module) || !module.IsDebug) return;
        var positions = Enumerable.Range(0, frames.Count).Where(i => frames[i].Module == name).ToList();
        var matches = MatchShadows([.. positions.Select(i => frames[i].Location)], module.Frames.ReadChain(module.State.FrameTop));
        for (int k = 0; k < positions.Count; k++)
        {
            if (matches[k] is not { } match) continue;
            var frame = frames[positions[k]];
            frames[positions[k]] = new StackFrame(frame.Location, frame.FunctionName, match.LocalsOrNull, match.StackOrNull, l => module.Names.Local(frame.Location.Function, l))
            {
                Module = name,
                Sources = frame.Sources,
                Guest = LinkedView(module.Linked!),
            };
        }
    }

    /// <summary>The shadow frames a fault's backtrace can be matched with: debug builds keep the whole chain; static
    /// builds only the record of their last stop, which can only be the innermost frame.</summary>
    private List<StackFrame> ShadowFramesAtFault()
    {
        var chain = Frames!.ReadChain(Guest.FrameTop);
        if (_module.Mode == InstrumentationMode.Debug || chain.Count == 0) return chain;
        return [chain[0]];
    }

    public void Dispose() => Guest.Dispose();
}
