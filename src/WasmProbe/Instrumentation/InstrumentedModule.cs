using WasmProbe.Caching;
using WasmProbe.Wasm.Encoding;

namespace WasmProbe.Instrumentation;

/// <summary>The instrumented binary and everything the host needs to make sense of it.</summary>
public sealed class InstrumentedModule
{
    private readonly Lazy<byte[]> _bytes;
    private readonly Lazy<string> _bytesHash;
    private readonly Lazy<PcMap> _pcMap;

    internal InstrumentedModule(Module original, byte[] bytes, PcMap pcMap, ProbeSite[] sites, int siteCount, FrameLayout?[] layouts,
        DebugMemory memory, InstrumentationMode mode, ExportNames exports)
        : this(original, new Lazy<byte[]>(bytes), new Lazy<string>(() => ContentHash.Of(bytes)), bytes.Length, new Lazy<PcMap>(pcMap), new SiteTable(sites, siteCount), layouts, memory, mode, exports)
    {
    }

    /// <summary>A module whose binary is read only when it is needed (to compile it: not when its compiled code is
    /// cached), and its pc map only when a pc of the binary is to be mapped (at a trap).</summary>
    internal InstrumentedModule(Module original, Func<byte[]> bytes, string bytesHash, int size, Func<PcMap> pcMap, SiteTable sites,
        FrameLayout?[] layouts, DebugMemory memory, InstrumentationMode mode, ExportNames exports)
        : this(original, new Lazy<byte[]>(bytes), new Lazy<string>(bytesHash), size, new Lazy<PcMap>(pcMap), sites, layouts, memory, mode, exports)
    {
    }

    private InstrumentedModule(Module original, Lazy<byte[]> bytes, Lazy<string> bytesHash, int size, Lazy<PcMap> pcMap, SiteTable sites,
        FrameLayout?[] layouts, DebugMemory memory, InstrumentationMode mode, ExportNames exports)
    {
        Original = original;
        _bytes = bytes;
        _bytesHash = bytesHash;
        Size = size;
        _pcMap = pcMap;
        Sites = sites;
        Layouts = layouts;
        Memory = memory;
        Mode = mode;
        Exports = exports;
    }

    public Module Original { get; }
    public byte[] Bytes => _bytes.Value;

    /// <summary>The SHA-256 of <see cref="Bytes"/> (<see cref="ContentHash"/>), which keys its compiled code.</summary>
    internal string BytesHash => _bytesHash.Value;

    /// <summary>The length of <see cref="Bytes"/>.</summary>
    public int Size { get; }
    public PcMap PcMap => _pcMap.Value;
    /// <summary>The sites, ordered by function and pc (a debug build has one per instruction: no index beside them).</summary>
    public SiteTable Sites { get; }

    /// <summary>Shadow frame layout per function index; null for functions without shadow frames.</summary>
    public FrameLayout?[] Layouts { get; }

    public DebugMemory Memory { get; }
    public InstrumentationMode Mode { get; }
    public ExportNames Exports { get; }

    /// <summary>Whether this process read the module from the disk cache instead of instrumenting.</summary>
    internal bool FromDisk { get; init; }

    public ProbeSite? SiteAt(CodeLocation location) => Sites.Find(location);
}

/// <summary>Export names under which the instrumented module exposes its debug state and the original module's
/// globals, memories and tables (null where the type cannot cross into the .NET host safely).</summary>
public sealed class ExportNames
{
    public required string DebugMemory { get; init; }
    public required string Armed { get; init; }
    public required string StepLimit { get; init; }
    public required string FrameTop { get; init; }
    public required string StackPointer { get; init; }

    /// <summary>The i32 global a static stop reads when the host returns (<see cref="ResumeCode"/>).</summary>
    public required string Resume { get; init; }

    /// <summary>Static builds: the function whose trap yields the engine's backtrace of a stop.</summary>
    public string? Backtrace { get; init; }

    /// <summary>Builds of modules with a tag a stop can throw: the i32 global naming the tag of a
    /// <see cref="ResumeCode.Throw"/> request (see <see cref="ForcedThrow"/>).</summary>
    public string? ThrowTag { get; init; }
    public required string?[] Globals { get; init; }
    public required string?[] Memories { get; init; }
    public required string?[] Tables { get; init; }

    /// <summary>Builds that watch writes: per memory, the i64 globals holding its watch window's base and span (see
    /// <see cref="WriteWatch"/>; null for memories that cannot be watched, and in other builds).</summary>
    public (string Base, string Span)?[] WatchWindows { get; init; } = [];

    /// <summary>Whether the build checks writes (and imports the write functions).</summary>
    public bool WatchesWrites { get; init; }

    /// <summary>Builds that watch writes: per global, the i32 flag that arms its <c>global.set</c> check (null for
    /// immutable globals and those of other than number types, and in other builds).</summary>
    public string?[] GlobalWatchFlags { get; init; } = [];
}
