using WasmProbe.Coverage;

namespace WasmProbe.Debugging;

/// <summary>Coverage of a debug session: with coverage on (<see cref="DebugSessionOptions.Coverage"/>, or the process
/// setting), the module is first rewritten by the coverage pass and then instrumented for debugging as usual;
/// breakpoints, stepping, frames and locals are unaffected. The counters are read when the run ends (returns, traps,
/// is interrupted, or the session is disposed while paused) and merged into the session's collector.</summary>
public sealed partial class DebugSession
{
    private CoverageInstrumentation? _coverageInstrumentation;
    private CoverageRun? _coverageRun;

    /// <summary>Whether this session collects coverage.</summary>
    public bool CollectsCoverage => _options.Coverage ?? CoverageSettings.Enabled;

    /// <summary>This session's guest coverage, once its run has ended (after the final stop, or after disposal); null
    /// while it runs, when it never started, or when coverage is off. The same result is merged into
    /// <see cref="DebugSessionOptions.CoverageCollector"/> (default <see cref="CoverageCollector.Default"/>).</summary>
    public ModuleCoverage? Coverage => _coverageRun?.Error is { } error
        ? throw new InvalidOperationException($"reading the guest's coverage counters failed: {error.Message}", error)
        : _coverageRun?.Result;

    private CoverageInstrumentation? CoverageInstrumentation =>
        CollectsCoverage ? _coverageInstrumentation ??= CoverageInstrumenter.Instrument(_wasm, Module, forDebugger: true) : null;

    /// <summary>Where the linked modules' coverage goes (null: coverage is off).</summary>
    private CoverageCollector? LinkedCoverageCollector => CollectsCoverage ? _options.CoverageCollector ?? CoverageCollector.Default : null;

    private CoverageRun? StartCoverage()
    {
        if (CoverageInstrumentation is not { } instrumentation) return null;
        return _coverageRun = new CoverageRun(instrumentation, CoverageModuleName(instrumentation), _options.CoverageCollector ?? CoverageCollector.Default);
    }

    /// <summary>The module's name in reports: the file it was opened from, its name-section module name, or
    /// module_&lt;first 12 hex digits of its SHA-256&gt;.wasm.</summary>
    private string CoverageModuleName(CoverageInstrumentation instrumentation)
    {
        if (_name is not null) return _name;
        if (Module.Names.Section.ModuleName is { Length: > 0 } name) return name.EndsWith(".wasm", StringComparison.OrdinalIgnoreCase) ? name : name + ".wasm";
        return $"module_{instrumentation.ModuleId[..12]}.wasm";
    }
}
