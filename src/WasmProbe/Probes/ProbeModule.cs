using System.Reflection;
using WasmProbe.Engine.Wasi;
using WasmProbe.Coverage;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Engine.Linking;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;

namespace WasmProbe.Probes;

/// <summary>The module of a <see cref="WasmModuleAttribute"/> class at run time: its bytes (embedded into the test
/// assembly by WasmProbe's build targets as the resource <c>WasmProbe/&lt;path&gt;</c>), entry, arguments and host
/// setup. Generated code creates one per class.</summary>
public sealed class ProbeModule
{
    public const string ResourcePrefix = "WasmProbe/";

    private readonly Type _owner;
    private readonly Lazy<byte[]> _bytes;
    private readonly Lazy<GuestOptions> _host;

    /// <param name="owner">The probe class; its assembly holds the embedded module.</param>
    /// <param name="path">The module's path as listed in the project (forward slashes).</param>
    /// <param name="staticProbes">Every location the class's static probes stop at: each probe run compiles them all
    /// in, so the class's probe tests share one build of the module.</param>
    /// <param name="wasiArguments">WASI argv after the program name (the module's file name).</param>
    /// <param name="environment">WASI environment variables, <c>NAME=value</c>.</param>
    /// <param name="directories">Preopened directories, <c>HOST::GUEST[::ro|::rw]</c>; relative host paths are
    /// relative to the test project's directory (see <see cref="ProjectDirectoryMetadata"/>).</param>
    /// <param name="stdin">What the guest reads from stdin.</param>
    /// <param name="exitCode">The exit code a probe run must end with.</param>
    /// <param name="links">Linked modules, <c>NAME=PATH</c> (<see cref="LinkSpecs"/>), in order; each PATH is embedded as
    /// the module is.</param>
    public ProbeModule(Type owner, string path, string? entry, WasmValue[] arguments, bool wasi = false, int deadlineMilliseconds = 0,
        Action<Wasmtime.Linker, Wasmtime.Store>? configureLinker = null, CodeLocation[]? staticProbes = null,
        string[]? wasiArguments = null, string[]? environment = null, string[]? directories = null, byte[]? stdin = null, int exitCode = 0,
        string[]? links = null)
    {
        ArgumentNullException.ThrowIfNull(owner);
        _owner = owner;
        StaticProbes = staticProbes ?? [];
        Path = path;
        Entry = entry;
        Arguments = arguments;
        ExitCode = exitCode;
        var environmentVariables = WasiSpecs.ParseEnvironment(environment ?? [], out var problem) ?? throw new ArgumentException(problem, nameof(environment));
        var preopened = WasiSpecs.ParseDirectories(directories ?? [], out problem) ?? throw new ArgumentException(problem, nameof(directories));
        var linkSpecs = LinkSpecs.ParseAll(links ?? [], out problem) ?? throw new ArgumentException(problem, nameof(links));
        _bytes = new Lazy<byte[]>(() => Load(Path), LazyThreadSafetyMode.ExecutionAndPublication);
        // Built when first used, as the module is loaded: a linked module missing from the assembly must fail a test,
        // not the class's initializer.
        _host = new Lazy<GuestOptions>(() => new GuestOptions
        {
            Wasi = wasi,
            WasiArguments = wasi ? [System.IO.Path.GetFileName(path), .. wasiArguments ?? []] : wasiArguments ?? [],
            Environment = environmentVariables,
            Directories = [.. preopened.Select(d => d.HostPath is { } host ? d with { HostPath = System.IO.Path.Combine(ProjectDirectory(owner), host) } : d)],
            Stdin = stdin,
            ConfigureLinker = configureLinker,
            Deadline = deadlineMilliseconds > 0 ? TimeSpan.FromMilliseconds(deadlineMilliseconds) : new GuestOptions().Deadline,
            Links = [.. linkSpecs.Select(l => new LinkedModule(l.Name, Load(l.Path), System.IO.Path.GetFileName(l.Path)))],
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The assembly metadata key (written by WasmProbe's build targets) holding the test project's directory,
    /// against which <c>Dirs</c> host paths resolve.</summary>
    public const string ProjectDirectoryMetadata = "WasmProbe.ProjectDirectory";

    /// <summary>The exit code the guest's run must end with (returning normally counts as 0).</summary>
    public int ExitCode { get; }

    /// <summary>Whether probe runs and instances collect guest coverage: null (default) as the process says
    /// (<see cref="CoverageSettings.Enabled"/>), true or false for this module.</summary>
    public bool? Coverage { get; init; }

    /// <summary>Where their coverage is merged; null: <see cref="Coverage.CoverageCollector.Default"/>.</summary>
    public CoverageCollector? CoverageCollector { get; init; }

    internal bool CollectsCoverage => Coverage ?? CoverageSettings.Enabled;

    public string Path { get; }
    public string? Entry { get; }
    public IReadOnlyList<WasmValue> Arguments { get; }
    public GuestOptions Host => _host.Value;
    public IReadOnlyList<CodeLocation> StaticProbes { get; }

    /// <summary>The module binary (loaded once).</summary>
    public byte[] Bytes => _bytes.Value;

    /// <summary>A paused session over the module's entry run (the caller disposes it).</summary>
    /// <param name="watchWrites">Build the guest with write checks (<see cref="DebugSessionOptions.WatchWrites"/>).</param>
    public DebugSession CreateSession(InstrumentationMode mode, ExceptionStops exceptionStops = ExceptionStops.None, bool watchWrites = false, bool earlyReturns = false) =>
        DebugSession.Create(Bytes, new DebugSessionOptions
        {
            WatchWrites = watchWrites,
            EarlyReturns = earlyReturns,
            Entry = Entry,
            Arguments = [.. Arguments.Select(a => (object?)a)],
            Mode = mode,
            SharedProbes = mode == InstrumentationMode.Static ? StaticProbes : [],
            ExceptionStops = exceptionStops,
            Host = Host,
            ModuleName = System.IO.Path.GetFileName(Path),
            Coverage = Coverage,
            CoverageCollector = CoverageCollector,
        });

    private static string ProjectDirectory(Type owner) =>
        owner.Assembly.GetCustomAttributes(typeof(AssemblyMetadataAttribute), false).Cast<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == ProjectDirectoryMetadata)?.Value ?? AppContext.BaseDirectory;

    private byte[] Load(string path)
    {
        string resource = ResourcePrefix + path;
        using (var stream = _owner.Assembly.GetManifestResourceStream(resource))
        {
            if (stream is not null)
            {
                var bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
                return bytes;
            }
        }
        string file = System.IO.Path.Combine(AppContext.BaseDirectory, path);
        if (File.Exists(file)) return File.ReadAllBytes(file);
        throw new FileNotFoundException(
            $"the WebAssembly module '{path}' is not embedded in {_owner.Assembly.GetName().Name} (resource '{resource}') nor next to it ({file}): " +
            "list it in the project as <WasmModule Include=\"" + path + "\" /> and make sure WasmProbe's build targets are imported", file);
    }

    public override string ToString() => Path;
}
