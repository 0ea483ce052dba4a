using WasmProbe.Inspection;

namespace WasmProbe.Probes;

/// <summary>One call of a mocked import: its arguments and what the mock returned.</summary>
public sealed record ImportCall(string Module, string Name, IReadOnlyList<WasmValue> Arguments, IReadOnlyList<WasmValue> Results)
{
    public override string ToString() =>
        $"{Module}.{Name}({string.Join(", ", Arguments.Select(a => a.FormatValue()))}){(Results.Count == 0 ? "" : " -> " + FailureReport.Results(Results))}";
}

/// <summary>The calls of <see cref="MockImportAttribute"/> imports during the probe run on this thread, in order
/// (the guest runs on the thread that runs the probe, so its mocks are called there). Outside a probe run
/// <see cref="Current"/> is null and calls are not recorded.</summary>
public sealed class ImportCallLog
{
    [ThreadStatic] private static ImportCallLog? t_current;

    private readonly List<ImportCall> _calls = [];

    public static ImportCallLog? Current => t_current;

    public IReadOnlyList<ImportCall> Calls => _calls;

    public int Count(string module, string name) => _calls.Count(c => c.Module == module && c.Name == name);

    /// <summary>Called by generated mocks.</summary>
    public static void Record(string module, string name, WasmValue[] arguments, WasmValue[] results) =>
        t_current?._calls.Add(new ImportCall(module, name, arguments, results));

    /// <summary>Records this thread's calls until the result is disposed.</summary>
    internal static Scope Begin()
    {
        var outer = t_current;
        var log = new ImportCallLog();
        t_current = log;
        return new Scope(log, outer);
    }

    internal readonly struct Scope(ImportCallLog log, ImportCallLog? outer) : IDisposable
    {
        public ImportCallLog Log => log;

        public void Dispose() => t_current = outer;
    }
}

/// <summary>An <see cref="ExpectImportCallsAttribute"/>: the run calls a mocked import this many times.</summary>
public sealed record ImportCallExpectation(string Module, string Name, int Count)
{
    public string? Check(ImportCallLog log)
    {
        int calls = log.Count(Module, Name);
        if (calls == Count) return null;
        var made = log.Calls.Where(c => c.Module == Module && c.Name == Name).Take(5).Select(c => c.ToString()).ToList();
        string shown = made.Count == 0 ? "" : $": {string.Join(", ", made)}{(calls > made.Count ? ", ..." : "")}";
        return $"import {Module}.{Name} was called {calls} {(calls == 1 ? "time" : "times")}, expected {Count} [ExpectImportCalls]{shown}";
    }
}
