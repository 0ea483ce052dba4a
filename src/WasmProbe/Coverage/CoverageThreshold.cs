using System.Globalization;
using WasmProbe.Coverage.Reports;

namespace WasmProbe.Coverage;

/// <summary>What a threshold measures.</summary>
public enum CoverageKind
{
    Line,
    Branch,
    Function,
}

/// <summary>A minimum coverage per module, as coverlet's Threshold/ThresholdType: each module of a report must reach
/// <see cref="Percent"/> in each of <see cref="Kinds"/> (measured over what the report's <see cref="CoverageFilter"/>
/// counts). A kind a module has nothing of (no branches, say) is not checked.</summary>
public sealed record CoverageThreshold(double Percent, IReadOnlyList<CoverageKind> Kinds)
{
    /// <summary>Parses the MSBuild / CLI forms: a percent (<c>80</c>, <c>72.5</c>) and kinds (<c>line,branch</c>,
    /// <c>line;function</c>; empty: line, branch and function). Null when <paramref name="percent"/> is empty.</summary>
    /// <exception cref="FormatException">Either is malformed (the message says which and why).</exception>
    public static CoverageThreshold? Parse(string? percent, string? kinds)
    {
        if (string.IsNullOrWhiteSpace(percent)) return null;
        if (!double.TryParse(percent.Trim().TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= 0 && value <= 100))
            throw new FormatException($"the coverage threshold '{percent}' is not a percentage from 0 to 100");
        var list = new List<CoverageKind>();
        foreach (var kind in (kinds ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parsed = kind.ToLowerInvariant() switch
            {
                "line" => CoverageKind.Line,
                "branch" => CoverageKind.Branch,
                "function" or "method" => CoverageKind.Function,
                _ => throw new FormatException($"the coverage threshold type '{kind}' is not line, branch or function"),
            };
            if (!list.Contains(parsed)) list.Add(parsed);
        }
        return new CoverageThreshold(value, list.Count > 0 ? list : [CoverageKind.Line, CoverageKind.Branch, CoverageKind.Function]);
    }

    /// <summary>One message per module and kind below the threshold, e.g. <c>wc-O0.wasm: line coverage 51.2% (599 of
    /// 1170 lines) is below the threshold of 80%</c>; empty when every module reaches it.</summary>
    public IReadOnlyList<string> Check(IReadOnlyList<ReportModule> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var failures = new List<string>();
        foreach (var module in report)
        {
            foreach (var kind in Kinds)
            {
                var (covered, total, unit) = kind switch
                {
                    CoverageKind.Line => (module.LinesCovered, module.LinesValid, "lines"),
                    CoverageKind.Branch => (module.BranchesCovered, module.BranchesValid, "branch outcomes"),
                    _ => (module.FunctionsCovered, module.FunctionsValid, "functions"),
                };
                if (total == 0) continue;
                double measured = 100.0 * covered / total;
                if (measured < Percent)
                    failures.Add($"{module.Name}: {kind.ToString().ToLowerInvariant()} coverage {Shown(measured)} ({covered} of {total} {unit}) is below the threshold of {Percent.ToString(CultureInfo.InvariantCulture)}%");
            }
        }
        return failures;
    }

    /// <summary>As the summary shows it (one decimal), with two more decimals where that rounds up to the threshold:
    /// 79.96% is "80.0% (79.96%)".</summary>
    private string Shown(double percent)
    {
        string rounded = percent.ToString("0.0", CultureInfo.InvariantCulture) + "%";
        return Math.Round(percent, 1) < Percent ? rounded : $"{rounded} ({(Math.Floor(percent * 100) / 100).ToString("0.00", CultureInfo.InvariantCulture)}%)";
    }
}
