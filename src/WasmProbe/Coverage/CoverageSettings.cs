using System.Reflection;

namespace WasmProbe.Coverage;

/// <summary>Process-wide coverage settings: whether guest runs (debug sessions, probe runs, <c>Instantiate()</c>
/// instances) collect coverage by default, and where the reports
/// of the process go when it exits.
/// <list type="bullet">
/// <item>Enabled by the test project's MSBuild property <c>&lt;WasmProbeCoverage&gt;true&lt;/WasmProbeCoverage&gt;</c>
/// (WasmProbe.Coverage.targets turns it into <c>[assembly: AssemblyMetadata("WasmProbe.Coverage", "true")]</c>), or by
/// the environment variable <c>WASMPROBE_COVERAGE=1</c> (<c>0</c> turns it off whatever the assembly says).</item>
/// <item>Directory: <c>WASMPROBE_COVERAGE_DIR</c> (set by the targets for <c>dotnet test</c>), else the assembly's
/// <c>WasmProbe.CoverageDirectory</c> metadata, else <c>wasmprobe-coverage</c> under the current directory.</item>
/// <item>Report name: <c>WASMPROBE_COVERAGE_NAME</c>, else the entry assembly's name (the test assembly under xunit v3),
/// else <c>coverage</c>.</item>
/// <item>What reports count and the threshold: <c>WASMPROBE_COVERAGE_INCLUDE</c>, <c>_EXCLUDE</c>, <c>_THRESHOLD</c>,
/// <c>_THRESHOLD_TYPE</c>, else the assembly's <c>WasmProbe.CoverageInclude</c> (...) metadata, which the properties
/// <c>WasmProbeCoverageInclude</c>, <c>WasmProbeCoverageExclude</c>, <c>WasmProbeCoverageThreshold</c> and
/// <c>WasmProbeCoverageThresholdType</c> become.</item>
/// </list></summary>
public static class CoverageSettings
{
    public const string EnabledVariable = "WASMPROBE_COVERAGE";
    public const string DirectoryVariable = "WASMPROBE_COVERAGE_DIR";
    public const string NameVariable = "WASMPROBE_COVERAGE_NAME";
    public const string EnabledMetadata = "WasmProbe.Coverage";
    public const string DirectoryMetadata = "WasmProbe.CoverageDirectory";

    public const string IncludeVariable = "WASMPROBE_COVERAGE_INCLUDE";
    public const string ExcludeVariable = "WASMPROBE_COVERAGE_EXCLUDE";
    public const string ThresholdVariable = "WASMPROBE_COVERAGE_THRESHOLD";
    public const string ThresholdTypeVariable = "WASMPROBE_COVERAGE_THRESHOLD_TYPE";

    private static readonly Lazy<bool> LazyEnabled = new(ReadEnabled);

    /// <summary>What the process's reports count (<see cref="CoverageFilter"/>).</summary>
    public static CoverageFilter Filter => CoverageFilter.Parse(Setting(IncludeVariable, "WasmProbe.CoverageInclude"), Setting(ExcludeVariable, "WasmProbe.CoverageExclude"));

    /// <summary>The minimum each module must reach, or null.</summary>
    /// <exception cref="FormatException">The threshold or its type is malformed.</exception>
    public static CoverageThreshold? Threshold =>
        CoverageThreshold.Parse(Setting(ThresholdVariable, "WasmProbe.CoverageThreshold"), Setting(ThresholdTypeVariable, "WasmProbe.CoverageThresholdType"));

    private static string? Setting(string variable, string metadata) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment ? fromEnvironment : Metadata(metadata);

    /// <summary>Whether sessions collect coverage unless their options say otherwise, and the process writes reports
    /// when it exits.</summary>
    public static bool Enabled => LazyEnabled.Value;

    public static string Directory
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
            var fromAssembly = Metadata(DirectoryMetadata);
            if (!string.IsNullOrWhiteSpace(fromAssembly)) return Path.GetFullPath(fromAssembly);
            return Path.GetFullPath("wasmprobe-coverage");
        }
    }

    public static string ReportName
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(NameVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
            return Assembly.GetEntryAssembly()?.GetName().Name ?? "coverage";
        }
    }

    private static bool ReadEnabled()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnabledVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return fromEnvironment.Trim() is "1" or "true" or "True" or "TRUE" or "yes" or "on";
        return string.Equals(Metadata(EnabledMetadata), "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An assembly-level <see cref="AssemblyMetadataAttribute"/> value: the entry assembly's, else the first
    /// loaded assembly that has it.</summary>
    private static string? Metadata(string key)
    {
        var entry = Assembly.GetEntryAssembly();
        var candidates = entry is null ? AppDomain.CurrentDomain.GetAssemblies() : [entry, .. AppDomain.CurrentDomain.GetAssemblies()];
        foreach (var assembly in candidates)
        {
            if (assembly.IsDynamic) continue;
            foreach (var attribute in assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            {
                if (attribute.Key == key) return attribute.Value;
            }
        }
        return null;
    }
}
