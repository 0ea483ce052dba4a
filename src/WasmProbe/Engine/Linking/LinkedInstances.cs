using System.Runtime.CompilerServices;
using WasmProbe.Caching;
using WasmProbe.Coverage;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Linking;

namespace WasmProbe.Engine.Linking;

/// <summary>One linked module of a guest instance: what it is, what runs (tagged with its name, with coverage
/// counters when coverage is on, statically instrumented when a breakpoint is set in it) and, once instantiated, its
/// instance.</summary>
internal sealed class LinkedInstance(LinkedModule link, Module original, CoverageInstrumentation? coverage, InstrumentedModule? probes) : IDebugState
{
    public LinkedModule Link { get; } = link;
    public string Name => Link.Name;
    public Module Original { get; } = original;

    /// <summary>The module's coverage counters (null: coverage is off).</summary>
    public CoverageInstrumentation? Coverage { get; } = coverage;

    /// <summary>The module's build that can stop (over its coverage build when coverage is on): in debug sessions a
    /// debug build, in static ones a static build with its breakpoints; null: nothing stops in it.</summary>
    public InstrumentedModule? Probes { get; } = probes;

    public Wasmtime.Instance? Instance { get; set; }
    public CacheLease<CompiledModule>? Compiled { get; set; }

    /// <summary>The binary that runs: the original, its coverage build or its probes' build, named <see cref="Name"/>
    /// (see <see cref="ModuleNameTag"/>).</summary>
    public byte[] Running => Tagged.Of(Probes?.Bytes ?? Coverage?.Bytes ?? Link.Bytes, Name);

    /// <summary>The original pc of an offset in <see cref="Running"/> (-1 for code the coverage pass or the probes added).</summary>
    public int OriginalPc(int offset) => Probes is { } probes ? probes.PcMap.ToOriginal(offset)
        : Coverage is { } coverage ? coverage.PcMap.ToOriginal(offset) : offset;

    /// <summary>The probes' debug memory (shadow frames), once instantiated.</summary>
    public IGuestMemory DebugMemory => new WasmtimeMemory(Export(Probes!.Exports.DebugMemory, (i, n) => i.GetMemory(n)));

    /// <summary>A memory of the module's original index space, as its probes' build exports it.</summary>
    public IGuestMemory? Memory(int index) =>
        Probes?.Exports.Memories[index] is { } name ? new WasmtimeMemory(Export(name, (i, n) => i.GetMemory(n))) : null;

    public IGuestGlobal? Global(int index, GlobalType type) =>
        Probes?.Exports.Globals[index] is { } name ? new WasmtimeGlobal(Export(name, (i, n) => i.GetGlobal(n)), type) : null;

    public int Armed
    {
        set => DebugGlobal(ref _armed, Probes!.Exports.Armed).SetValue(value);
    }

    public uint StepLimit
    {
        set => DebugGlobal(ref _stepLimit, Probes!.Exports.StepLimit).SetValue(unchecked((int)value));
    }

    /// <summary>The innermost frame of the module on the stack; 0 when none is (builds made
    /// <see cref="InstrumentationOptions.Linked"/>).</summary>
    public int FrameTop => (int)DebugGlobal(ref _frameTop, Probes!.Exports.FrameTop).GetValue()!;

    private Wasmtime.Global? _armed, _stepLimit, _frameTop;

    private Wasmtime.Global DebugGlobal(ref Wasmtime.Global? global, string export) => global ??= Export(export, (i, n) => i.GetGlobal(n));

    /// <summary>Invokes the probes' backtrace function, which traps: its frames are the stop's backtrace.</summary>
    public void InvokeBacktrace() => Export(Probes!.Exports.Backtrace!, (i, n) => i.GetFunction(n)).Invoke();

    private T Export<T>(string export, Func<Wasmtime.Instance, string, T?> get) where T : class =>
        get(Instance ?? throw new InvalidOperationException($"the linked module {Link} has not been instantiated yet"), export)
        ?? throw new InvalidOperationException($"the linked module {Link}'s build exports no '{export}'");

    /// <summary>The memory holding the coverage counters, once instantiated.</summary>
    public IGuestMemory? Counters => Coverage is { } coverage && Instance?.GetMemory(coverage.CounterExport) is { } memory ? new WasmtimeMemory(memory) : null;

    /// <summary>Tagged binaries, kept as long as the binary they were made from (a linked module's bytes, or a cached
    /// coverage build), so that every instance of a guest compiles the same bytes.</summary>
    private static class Tagged
    {
        private static readonly ConditionalWeakTable<byte[], Named> Cache = new();

        private sealed record Named(string Name, byte[] Bytes);

        public static byte[] Of(byte[] wasm, string name)
        {
            if (Cache.TryGetValue(wasm, out var tagged) && tagged.Name == name) return tagged.Bytes;
            var bytes = ModuleNameTag.Apply(wasm, name);
            Cache.AddOrUpdate(wasm, new Named(name, bytes));
            return bytes;
        }
    }
}

/// <summary>The static build of a linked module with breakpoints, given its coverage build (null when coverage is
/// off); null when nothing stops in it.</summary>
internal delegate InstrumentedModule? LinkedProbes(LinkedModule link, CoverageInstrumentation? coverage);

/// <summary>The linked modules of a guest (<see cref="GuestOptions.Links"/>): checked against the imports taken from
/// them when the guest is created, instantiated into its store before it, in order, each defined in the linker under
/// its name. Every mismatch and failure is a <see cref="ModuleLinkException"/> naming the import, the linked module and
/// what differs.</summary>
internal sealed class LinkedInstances : IDisposable
{
    private readonly List<LinkedInstance> _modules = [];

    /// <param name="probes">The static builds of the linked modules that have breakpoints.</param>
    public LinkedInstances(IReadOnlyList<LinkedModule> links, Module guest, bool coverage, LinkedProbes? probes = null)
    {
        foreach (var link in links)
        {
            if (LinkSpecs.DuplicateProblem(_modules.Select(m => m.Name), link.Name) is { } duplicate) throw new ModuleLinkException(link.Name, null, duplicate);
            var module = Decode(link);
            foreach (var import in module.Imports)
            {
                if (import.ModuleName == link.Name || links.SkipWhile(l => l != link).Any(l => l.Name == import.ModuleName))
                    throw new ModuleLinkException(link.Name, $"{import.ModuleName}::{import.Name}",
                        $"the linked module {link} imports {import.ModuleName}::{import.Name} from itself or from a module linked after it: list the modules it imports from before it");
            }
            foreach (var earlier in _modules) ThrowOnMismatch(module, $"the linked module {link}", earlier);
            var counters = coverage ? CoverageInstrumenter.Instrument(link.Bytes, module, forDebugger: probes is not null) : null;
            _modules.Add(new LinkedInstance(link, module, counters, probes?.Invoke(link, counters)));
        }
        foreach (var linked in _modules) ThrowOnMismatch(guest, "the guest", linked);
    }

    public IReadOnlyList<LinkedInstance> Modules => _modules;

    /// <summary>When the host defines nothing but WASI: an import of the guest or of a linked module from a module that
    /// is neither linked nor WASI is an error here, rather than the engine's "unknown import" at instantiation.</summary>
    public void ThrowIfUnprovided(Module guest, bool wasi)
    {
        foreach (var (module, who) in _modules.Select(m => (m.Original, $"the linked module {m.Link}")).Append((guest, "the guest")))
        {
            var import = module.Imports.FirstOrDefault(i => !(wasi && i.ModuleName.StartsWith("wasi_", StringComparison.Ordinal)) && _modules.All(m => m.Name != i.ModuleName));
            if (import is null) continue;
            if (import.ModuleName.StartsWith("wasi_", StringComparison.Ordinal))
                throw new ArgumentException($"{who} imports WASI ({import.ModuleName}::{import.Name}) but GuestOptions.Wasi is off: turn it on (Wasi = true on [WasmModule], or on GuestOptions)");
            string linked = _modules.Count == 0 ? "no module is linked" : "linked: " + string.Join(", ", _modules.Select(m => m.Name));
            throw new ModuleLinkException(import.ModuleName, $"{import.ModuleName}::{import.Name}",
                $"{who} imports {import.ModuleName}::{import.Name}, which nothing provides ({linked}): link a module as '{import.ModuleName}' "
                + "(GuestOptions.Links, [LinkModule], --link) or define the import in GuestOptions.ConfigureLinker");
        }
    }

    /// <summary>The linked module a frame of a trap runs in, or null for the guest itself.</summary>
    public LinkedInstance? ModuleOf(Wasmtime.TrapFrame frame) =>
        _modules.Count > 0 && frame.ModuleName is { } name ? _modules.FirstOrDefault(m => m.Name == name) : null;

    /// <summary>Instantiates the linked modules in order (those not instantiated yet); <paramref name="run"/> turns an engine failure into a
    /// <see cref="GuestFaultException"/>, reported here as the linked module's failure. A module with probes imports
    /// the stop function the guest imports, so it is instantiated with the linker's stop function shadowed by
    /// <paramref name="onStop"/>'s (site, frame) for that module; true when the caller has to define its own again.</summary>
    public bool Instantiate(Wasmtime.Linker linker, Wasmtime.Store store, CompiledModuleCache compiledModules, Func<Func<Wasmtime.Instance>, Wasmtime.Instance> run,
        Action<LinkedInstance, int, int> onStop)
    {
        bool shadowed = false;
        foreach (var linked in _modules.Where(m => m.Instance is null))
        {
            try
            {
                linked.Compiled ??= compiledModules.Rent(linked.Running);
                var compiled = linked.Compiled.Value.Module;
                if (linked.Probes is not null)
                {
                    shadowed = true;
                    DefineStop(linker, (int site, int frame) => onStop(linked, site, frame));
                }
                linked.Instance = run(() => linker.Instantiate(store, compiled));
                linker.DefineInstance(store, linked.Name, linked.Instance);
            }
            catch (Exception e) when (e is Wasmtime.WasmtimeException or GuestFaultException)
            {
                throw new ModuleLinkException(linked.Name, null, $"the linked module {linked.Link} could not be instantiated: {e.Message}", e);
            }
        }
        return shadowed;
    }

    /// <summary>Defines the stop import again, shadowing the one before; shadowing is off again afterwards, so that a
    /// linked module's exports still cannot replace what the host defined.</summary>
    public static void DefineStop(Wasmtime.Linker linker, Action<int, int> onStop)
    {
        linker.AllowShadowing = true;
        linker.DefineFunction(HostImports.ModuleName, HostImports.Stop.Name, onStop);
        linker.AllowShadowing = false;
    }

    private static Module Decode(LinkedModule link)
    {
        try
        {
            return ModuleCache.Shared.Decode(link.Bytes);
        }
        catch (WasmFormatException e)
        {
            throw new ModuleLinkException(link.Name, null, $"the linked module {link} is not a valid module: {e.Message}", e);
        }
    }

    private static void ThrowOnMismatch(Module importer, string who, LinkedInstance exporter)
    {
        if (LinkChecker.Check(importer, exporter.Name, exporter.Original) is [var first, ..])
            throw new ModuleLinkException(exporter.Name, first.ImportName, $"{who} imports {first.ImportName}, which the linked module {exporter.Link} does not provide: {first.Problem}");
    }

    public void Dispose()
    {
        foreach (var linked in _modules) linked.Compiled?.Dispose();
    }
}
