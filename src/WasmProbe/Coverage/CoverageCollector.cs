using WasmProbe.Coverage.Reports;

namespace WasmProbe.Coverage;

/// <summary>Merges coverage per module (same bytes = same module) across any number of runs, sessions and tests.
/// Thread-safe. <see cref="Default"/> receives every coverage session's result unless the session names another
/// collector; when coverage is on for the process (<see cref="CoverageSettings.Enabled"/>), it writes its reports to
/// <see cref="CoverageSettings.Directory"/> when the process exits and prints the summary to stderr.</summary>
public sealed class CoverageCollector
{
    private readonly object _lock = new();
    private readonly Dictionary<string, ModuleCoverage> _modules = [];
    private readonly HashSet<IPendingCoverage> _pending = [];
    private bool _exitHook;

    public static CoverageCollector Default { get; } = new();

    public void Add(ModuleCoverage coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        lock (_lock)
        {
            _modules[coverage.ModuleId] = _modules.TryGetValue(coverage.ModuleId, out var existing) ? existing.Merge(coverage) : coverage;
            HookExit();
        }
    }

    /// <summary>Keeps a guest instance whose coverage is added when it is disposed; one still alive when the process
    /// exits is collected then, before the reports are written.</summary>
    internal void Track(IPendingCoverage instance)
    {
        lock (_lock)
        {
            _pending.Add(instance);
            HookExit();
        }
    }

    internal void Untrack(IPendingCoverage instance)
    {
        lock (_lock) _pending.Remove(instance);
    }

    private void HookExit()
    {
        if (ReferenceEquals(this, Default) && !_exitHook && CoverageSettings.Enabled)
        {
            _exitHook = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => WriteAtExit();
        }
    }

    /// <summary>The merged coverage of every module seen so far, by name.</summary>
    public IReadOnlyList<ModuleCoverage> Modules
    {
        get
        {
            lock (_lock) return [.. _modules.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.ModuleId, StringComparer.Ordinal)];
        }
    }

    public ModuleCoverage? this[string moduleId]
    {
        get
        {
            lock (_lock) return _modules.GetValueOrDefault(moduleId);
        }
    }

    public void Clear()
    {
        lock (_lock) _modules.Clear();
    }

    /// <summary>Writes Cobertura, LCOV, the summary and the listings of modules without debug info to
    /// <paramref name="directory"/>; see <see cref="CoverageReport"/>.</summary>
    public CoverageReportFiles WriteReports(string directory, string reportName = "coverage") =>
        CoverageReport.Write(Modules, directory, reportName);

    private void WriteAtExit()
    {
        try
        {
            IPendingCoverage[] pending;
            lock (_lock) pending = [.. _pending];
            foreach (var instance in pending) instance.CollectCoverage();
            if (Modules.Count == 0) return;
            CoverageThreshold? threshold = null;
            string? invalid = null;
            try
            {
                threshold = CoverageSettings.Threshold;
            }
            catch (FormatException e)
            {
                invalid = e.Message;
            }
            var files = CoverageReport.Write(Modules, CoverageSettings.Directory, CoverageSettings.ReportName, filter: CoverageSettings.Filter, threshold: threshold);
            Console.Error.WriteLine(files.Summary);
            if (invalid is not null)
            {
                // Reported where a missed threshold is, so the build fails with the reason.
                File.WriteAllText(System.IO.Path.Combine(files.Directory, CoverageSettings.ReportName + ".threshold.txt"), invalid + "\n");
                Console.Error.WriteLine($"WasmProbe guest coverage: {invalid}");
            }
            Console.Error.Flush();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"WasmProbe coverage: writing the reports failed: {e.GetType().Name}: {e.Message}");
        }
    }
}

/// <summary>A live guest instance that adds its coverage to a collector when it is done (<see cref="CollectCoverage"/>).</summary>
internal interface IPendingCoverage
{
    /// <summary>Reads the instance's counters and merges them (once; later calls do nothing).</summary>
    void CollectCoverage();
}
