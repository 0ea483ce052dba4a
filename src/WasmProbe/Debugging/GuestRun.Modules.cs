using WasmProbe.Engine;
using WasmProbe.Engine.Linking;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;

namespace WasmProbe.Debugging;

internal sealed partial class GuestRun
{
    /// <summary>A module of the run that can stop: the guest, or a linked module with a build of its own (a debug build
    /// in debug sessions, a static one with its breakpoints in static sessions). Each has its own debug memory, step
    /// limit and flags, so its breakpoints and what its debug state was last set to are kept here.</summary>
    private sealed class RunModule(InstrumentedModule build, IDebugState state, LinkedInstance? linked, GuestRun run)
    {
        private FrameReader? _frames;
        private IGuestMemory? _debugMemory;

        public InstrumentedModule Build { get; } = build;
        public IDebugState State { get; } = state;

        /// <summary>The linked module, or null for the guest.</summary>
        public LinkedInstance? Linked { get; } = linked;

        /// <summary>The linked module's name, or null for the guest (as <see cref="StackFrame.Module"/>).</summary>
        public string? Name => Linked?.Name;

        public ModuleNamesCache Names { get; } = new(build.Original);
        public bool IsDebug => Build.Mode == InstrumentationMode.Debug;

        /// <summary>Once instantiated.</summary>
        public IGuestMemory DebugMemory => _debugMemory ??= State.DebugMemory;

        public FrameReader Frames => _frames ??= Linked is null ? run.Frames! : new FrameReader(Build, DebugMemory, Linked.Name);

        public IGuestMemory? Memory(int index) => Linked is null ? run.Guest.Memory(index) : Linked.Memory(index);

        public IGuestGlobal? Global(int index) =>
            Linked is null ? run.Guest.Global(index, Build.Original.IndexSpaces.Globals[index]) : Linked.Global(index, Build.Original.IndexSpaces.Globals[index]);

        // Keyed by site: a debug build has a site per instruction (900,000 on SQLite -O0) and a session a few breakpoints.
        public Dictionary<int, Breakpoint> BreakpointsBySite { get; } = [];
        public int[] BreakpointsByFunction { get; } = new int[build.Memory.FunctionCount];
        public Dictionary<int, int> BreakpointsByRun { get; } = [];
        public int BreakpointCount { get; set; }

        /// <summary>The highest frame address a step stops at in this module (0: none).</summary>
        public uint StepLimit { get; set; }
        public uint? WrittenStepLimit { get; set; }
        public int? WrittenArmed { get; set; }
        public bool FlagsStepping { get; set; }

        /// <summary>The innermost frame of this module on the stack, 0 when none is (a linked module's build restores its
        /// frame top when a call into it returns or an exception unwinds out of it; the guest is on the stack whenever a
        /// linked module runs).</summary>
        public uint FrameOnStack => (uint)State.FrameTop;
    }

    private readonly RunModule _guest;
    private readonly Dictionary<string, RunModule> _linkedModules = [];

    /// <summary>The guest, then the linked modules with builds of their own.</summary>
    private IEnumerable<RunModule> Modules => _linkedModules.Count == 0 ? [_guest] : [_guest, .. _linkedModules.Values];

    /// <summary>The module of the current stop (the guest's when not at a stop).</summary>
    private RunModule Stopped => _linkedStop?.Module ?? _guest;

    /// <summary>Where each module's step stops once the guest resumes with <paramref name="action"/> from a stop at
    /// <paramref name="frame"/> of <paramref name="stopped"/>. Frame addresses only compare within one module's debug
    /// memory: the stopped module steps by its frame as a module alone does; every other module stops once control
    /// returns to its innermost frame on the stack (a step over or out of a call into a linked module stops in the
    /// guest's calling frame) and not in frames of calls made meanwhile, and not at all when it has no frame on the
    /// stack (what runs there would be a callee of the stopped frame).</summary>
    private static uint StepLimitOf(RunModule module, RunModule stopped, ResumeAction action, int frame) => action switch
    {
        ResumeAction.StepInto => uint.MaxValue,
        ResumeAction.StepOver or ResumeAction.StepOut when module != stopped => module.FrameOnStack,
        ResumeAction.StepOver when frame >= 0 => (uint)frame,
        ResumeAction.StepOver => uint.MaxValue,
        ResumeAction.StepOut when frame >= 0 => (uint)frame - 1,
        _ => 0,
    };
}
