using WasmProbe.Engine;
using WasmProbe.Engine.Linking;
using WasmProbe.Inspection;

namespace WasmProbe.Debugging;

/// <summary>Stops in linked modules: a linked module runs a build of its own (a debug build in debug sessions, a
/// static build with its breakpoints in static ones), whose probes call back here with its site ids and frames in its
/// own debug memory, and stop as the guest's do (<see cref="RunModule"/>). While such a stop is current, the innermost
/// frame is read from that module's shadow frame (or replayed) and the frames below it from the engine's backtrace,
/// each naming its module.</summary>
internal sealed partial class GuestRun
{
    private readonly Dictionary<string, GuestView> _linkedViews = [];
    private LinkedStop? _linkedStop;

    /// <summary>The linked module the guest is paused in, or null: the guest's own, or not paused there.</summary>
    public string? StoppedModule => Stopped.Name;

    /// <summary>The stop being made in a linked module: which, its shadow frame, and its backtrace once taken.</summary>
    private sealed class LinkedStop(RunModule module, int frame)
    {
        public RunModule Module { get; } = module;
        public LinkedInstance Linked => Module.Linked!;
        public int Frame { get; } = frame;
        public FrameReader Reader => Module.Frames;
        public IReadOnlyList<FaultFrame>? Backtrace { get; set; }
    }

    private void OnLinkedStop(LinkedInstance linked, int siteId, int frame)
    {
        if (_runToCompletion || Frames is null) return;
        _linkedStop = new LinkedStop(_linkedModules[linked.Name], frame);
        try
        {
            StopsAt(_linkedStop.Module, siteId, frame);
        }
        finally
        {
            _linkedStop = null;
        }
        Resumed();
    }

    /// <summary>The engine's backtrace of the linked stop (taken once, on the guest's thread), without the frames of
    /// inserted code (the backtrace function itself).</summary>
    private IReadOnlyList<FaultFrame> LinkedBacktrace(LinkedStop stop) =>
        stop.Backtrace ??= [.. Guest.CaptureBacktrace(stop.Linked).Where(f => f.LinkedModule is null || f.Offset >= 0)];

    private StackFrame LinkedTopFrame(LinkedStop stop)
    {
        var frame = stop.Reader.ToFrame(stop.Frame, stop.Reader.Read(stop.Frame));
        frame.Sources = LinkedSources(stop.Linked);
        frame.Guest = LinkedView(stop.Linked);
        return frame;
    }

    /// <summary>The stopped frame with its values, then the frames below it: the linked modules' with their module,
    /// function and source position, the guest's as a fault's backtrace would have them.</summary>
    private List<StackFrame> LinkedStopFrames(LinkedStop stop)
    {
        var backtrace = LinkedBacktrace(stop);
        var frames = WithLinkedFrames(backtrace, FaultFrames([.. backtrace.Where(f => f.LinkedModule is null).Select(f => f.Offset)]));
        // The first mapped frame is the stopped one (its probe maps to the stop's pc).
        if (frames.Count > 0 && frames[0].Module == stop.Linked.Name) frames.RemoveAt(0);
        foreach (var frame in frames)
        {
            if (frame.Module is { } module && Guest.Links.First(l => l.Name == module) is { Probes: not null } probed) frame.Guest = LinkedView(probed);
        }
        frames.Insert(0, TopFrame());
        return frames;
    }

    /// <summary>The guest's frames below the linked stop (<see cref="StopLocations"/> is in the guest's module).</summary>
    private List<CodeLocation> LinkedStopLocations(LinkedStop stop) =>
        EngineLocations([.. LinkedBacktrace(stop).Where(f => f.LinkedModule is null).Select(f => f.Offset)]);

    private WasmValue LinkedTopLocal(LinkedStop stop, int index)
    {
        var record = stop.Reader.Read(stop.Frame);
        var layout = stop.Linked.Probes!.Layouts[record.Function]!;
        if ((uint)index >= (uint)layout.LocalTypes.Length)
            throw new ArgumentOutOfRangeException(nameof(index), $"local {index} does not exist: {FunctionName(stop.Module, record.Function)} has {layout.LocalTypes.Length} locals");
        return stop.Reader.ReadLocal(stop.Frame, layout, index);
    }

    private WasmValue LinkedTopStackSlot(LinkedStop stop, int slot)
    {
        var record = stop.Reader.Read(stop.Frame);
        var site = stop.Linked.Probes!.Sites[record.Site];
        if ((uint)slot >= (uint)site.StackTypes.Length)
            throw new ArgumentOutOfRangeException(nameof(slot), $"stack slot {slot} does not exist: the operand stack holds {site.StackTypes.Length} values here");
        return stop.Reader.ReadStackSlot(stop.Frame, stop.Linked.Probes.Layouts[record.Function]!, site.StackTypes[slot], slot);
    }

    private SourceMap LinkedSources(LinkedInstance linked)
    {
        if (!_linkedSources.TryGetValue(linked.Name, out var sources)) _linkedSources[linked.Name] = sources = new SourceMap(linked.Original);
        return sources;
    }

    /// <summary>A linked module's memory 0 and globals, for its frames' source variables.</summary>
    private GuestView LinkedView(LinkedInstance linked)
    {
        if (_linkedViews.TryGetValue(linked.Name, out var view)) return view;
        var spaces = linked.Original.IndexSpaces;
        return _linkedViews[linked.Name] = new GuestView(spaces.Memories.Length > 0 && linked.Memory(0) is { } memory ? new ReplayGuardedMemory(memory, 0, linked.Name, this) : null, g => linked.Global(g, spaces.Globals[g])?.Get());
    }
}
