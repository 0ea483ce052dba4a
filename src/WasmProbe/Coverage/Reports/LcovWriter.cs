using System.Globalization;
using System.Text;

namespace WasmProbe.Coverage.Reports;

/// <summary>LCOV tracefile (geninfo format): one record per source file with FN/FNDA (functions and their calls),
/// BRDA (one block per branch point, one branch per outcome; "-" when the branch instruction never ran) and DA (line
/// hits). Paths are absolute (generated listings resolve against the report directory).</summary>
public static class LcovWriter
{
    public static string Write(IReadOnlyList<ReportModule> report, string sourceDirectory)
    {
        var sb = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        foreach (var module in report)
        {
            foreach (var file in module.Files)
            {
                sb.Append("TN:").Append('\n');
                sb.Append("SF:").Append(Path.IsPathRooted(file.Path) ? file.Path : Path.GetFullPath(Path.Combine(sourceDirectory, file.Path))).Append('\n');

                var names = new HashSet<string>(StringComparer.Ordinal);
                var methods = new List<(string Name, int Line, long Calls)>();
                foreach (var method in file.Methods)
                {
                    if (method.Lines.Count == 0) continue;
                    string name = method.Function.Name;
                    if (!names.Add(name))
                    {
                        name = $"{name}[{method.Function.Index}]";
                        names.Add(name);
                    }
                    methods.Add((name.Replace(',', '_'), method.Lines.Keys.First(), method.Function.Calls));
                }
                foreach (var (name, line, _) in methods) sb.Append(invariant, $"FN:{line},{name}\n");
                foreach (var (name, _, calls) in methods) sb.Append(invariant, $"FNDA:{calls},{name}\n");
                sb.Append(invariant, $"FNF:{methods.Count}\n");
                sb.Append(invariant, $"FNH:{methods.Count(m => m.Calls > 0)}\n");

                int block = 0, found = 0, hit = 0;
                foreach (var line in file.Lines.Values)
                {
                    foreach (var branch in line.Branches)
                    {
                        for (int i = 0; i < branch.Outcomes.Count; i++)
                        {
                            string taken = branch.Executions == 0 ? "-" : branch.Outcomes[i].Count.ToString(invariant);
                            sb.Append(invariant, $"BRDA:{line.Number},{block},{i},{taken}\n");
                            found++;
                            if (branch.Outcomes[i].Count > 0) hit++;
                        }
                        block++;
                    }
                }
                sb.Append(invariant, $"BRF:{found}\n");
                sb.Append(invariant, $"BRH:{hit}\n");
                foreach (var line in file.Lines.Values) sb.Append(invariant, $"DA:{line.Number},{line.Hits}\n");
                sb.Append(invariant, $"LF:{file.Lines.Count}\n");
                sb.Append(invariant, $"LH:{file.LinesCovered}\n");
                sb.Append("end_of_record\n");
            }
        }
        return sb.ToString();
    }
}
