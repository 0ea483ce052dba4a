using System.Globalization;

namespace WasmProbe.Coverage.Reports;

/// <summary>LCOV tracefile (geninfo format): one record per source file with FN/FNDA (functions and their calls),
/// BRDA (one block per branch point, one branch per outcome; "-" when the branch instruction never ran) and DA (line
/// hits). Paths are absolute (generated listings resolve against the report directory).</summary>
public static class LcovWriter
{
    public static void Write(IReadOnlyList<ReportModule> report, string sourceDirectory, TextWriter output)
    {
        var invariant = CultureInfo.InvariantCulture;
        foreach (var module in report)
        {
            foreach (var file in module.Files)
            {
                output.Write("TN:\n");
                output.Write("SF:" + (Path.IsPathRooted(file.Path) ? file.Path : Path.GetFullPath(Path.Combine(sourceDirectory, file.Path))) + "\n");

                var names = new HashSet<string>(StringComparer.Ordinal);
                var methods = new List<(string Name, int Line, long Calls)>();
                foreach (var method in file.Methods)
                {
                    string name = method.Function.Name;
                    if (!names.Add(name))
                    {
                        name = $"{name}[{method.Function.Index}]";
                        names.Add(name);
                    }
                    methods.Add((name.Replace(',', '_'), method.Lines[0].Number, method.Function.Calls));
                }
                foreach (var (name, line, _) in methods) output.Write(string.Create(invariant, $"FN:{line},{name}\n"));
                foreach (var (name, _, calls) in methods) output.Write(string.Create(invariant, $"FNDA:{calls},{name}\n"));
                output.Write(string.Create(invariant, $"FNF:{methods.Count}\n"));
                output.Write(string.Create(invariant, $"FNH:{methods.Count(m => m.Calls > 0)}\n"));

                int block = 0, found = 0, hit = 0;
                foreach (var line in file.Lines)
                {
                    foreach (var branch in line.Branches)
                    {
                        for (int i = 0; i < branch.Outcomes.Count; i++)
                        {
                            string taken = branch.Executions == 0 ? "-" : branch.Outcomes[i].Count.ToString(invariant);
                            output.Write(string.Create(invariant, $"BRDA:{line.Number},{block},{i},{taken}\n"));
                            found++;
                            if (branch.Outcomes[i].Count > 0) hit++;
                        }
                        block++;
                    }
                }
                output.Write(string.Create(invariant, $"BRF:{found}\n"));
                output.Write(string.Create(invariant, $"BRH:{hit}\n"));
                foreach (var line in file.Lines) output.Write(string.Create(invariant, $"DA:{line.Number},{line.Hits}\n"));
                output.Write(string.Create(invariant, $"LF:{file.LineCount}\n"));
                output.Write(string.Create(invariant, $"LH:{file.LinesCovered}\n"));
                output.Write("end_of_record\n");
            }
        }
    }
}
