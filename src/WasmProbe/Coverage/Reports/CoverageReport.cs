using System.Globalization;
using System.Text;

namespace WasmProbe.Coverage.Reports;

/// <summary>The files <see cref="CoverageReport.Write"/> wrote and the summary it printed there.</summary>
public sealed record CoverageReportFiles(string Directory, string Cobertura, string Lcov, string SummaryFile, IReadOnlyList<string> GeneratedFiles, string Summary)
{
    /// <summary>One message per module and kind below the threshold given to <see cref="CoverageReport.Write"/>.</summary>
    public IReadOnlyList<string> ThresholdFailures { get; init; } = [];
}

/// <summary>One module of a report: its coverage mapped to source files through an <see cref="ISourceMap"/>.</summary>
/// <param name="functions">The functions the report counts (all of them, unless a <see cref="CoverageFilter"/> left some out).</param>
public sealed class ReportModule(ModuleCoverage coverage, string name, ISourceMap sourceMap, IReadOnlyList<ReportFile> files, IReadOnlyList<FunctionCoverage> functions)
{
    public ModuleCoverage Coverage { get; } = coverage;

    /// <summary>The module's name in this report (unique within it).</summary>
    public string Name { get; } = name;
    public ISourceMap SourceMap { get; } = sourceMap;
    public IReadOnlyList<ReportFile> Files { get; } = files;
    public IReadOnlyList<FunctionCoverage> Functions { get; } = functions;

    public int FunctionsCovered => Functions.Count(f => f.Calls > 0);
    public int FunctionsValid => Functions.Count;

    public int LinesCovered => Files.Sum(f => f.LinesCovered);
    public int LinesValid => Files.Sum(f => f.LineCount);
    public int BranchesCovered => Files.Sum(f => f.BranchesCovered);
    public int BranchesValid => Files.Sum(f => f.BranchesValid);
}

/// <summary>Writes coverage reports: Cobertura XML (<c>&lt;name&gt;.cobertura.xml</c>), LCOV
/// (<c>&lt;name&gt;.lcov.info</c>), a text summary (<c>&lt;name&gt;.summary.txt</c>) and, for modules without DWARF line
/// tables, their listing (<c>&lt;module&gt;.lst</c>, the <c>wasmprobe disasm</c> output) which the reports use as the
/// source file. Modules with DWARF map to their real source files.</summary>
public static class CoverageReport
{
    /// <summary>Maps each module to source lines; the default is DWARF when present, else the listing.</summary>
    public delegate ISourceMap SourceMapFactory(ModuleCoverage module, string listingFileName);

    /// <param name="filter">What the reports count (default: everything).</param>
    /// <param name="threshold">A minimum each module must reach; the failures are in <see cref="CoverageReportFiles.ThresholdFailures"/>,
    /// at the end of the summary, and in <c>&lt;name&gt;.threshold.txt</c> (one per line; the file is deleted when the threshold is met),
    /// which WasmProbe's MSBuild targets turn into a build error.</param>
    public static CoverageReportFiles Write(IReadOnlyList<ModuleCoverage> modules, string directory, string reportName = "coverage", SourceMapFactory? sourceMaps = null,
        CoverageFilter? filter = null, CoverageThreshold? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(modules);
        directory = System.IO.Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(directory);
        var report = Build(modules, sourceMaps, directory, filter);
        var generated = new List<string>();
        foreach (var module in report)
        {
            foreach (var file in module.SourceMap.GeneratedFiles)
            {
                string path = System.IO.Path.Combine(directory, file.File);
                WriteAtomically(path, file.Write);
                generated.Add(path);
            }
        }
        string cobertura = System.IO.Path.Combine(directory, reportName + ".cobertura.xml");
        string lcov = System.IO.Path.Combine(directory, reportName + ".lcov.info");
        string summaryFile = System.IO.Path.Combine(directory, reportName + ".summary.txt");
        WriteAtomically(cobertura, output => CoberturaWriter.Write(report, directory, output));
        WriteAtomically(lcov, output => LcovWriter.Write(report, directory, output));
        var failures = threshold?.Check(report) ?? [];
        string summary = Summary(report, filter) + $"\nreports: {cobertura}, {lcov}"
            + string.Concat(failures.Select(f => $"\nWasmProbe guest coverage below the threshold: {f}"));
        WriteAtomically(summaryFile, output => output.Write(summary + "\n"));
        string thresholdFile = System.IO.Path.Combine(directory, reportName + ".threshold.txt");
        if (failures.Count > 0) WriteAtomically(thresholdFile, output => output.Write(string.Join("\n", failures) + "\n"));
        else if (threshold is not null) File.Delete(thresholdFile);
        return new CoverageReportFiles(directory, cobertura, lcov, summaryFile, generated, summary) { ThresholdFailures = failures };
    }

    /// <summary>Maps the modules' coverage to source files and lines (what the writers write). With
    /// <paramref name="directory"/>, a listing name already used there by a different listing (another test assembly's
    /// module of the same name, say) is replaced by one with the module id in it.</summary>
    /// <param name="filter">What counts: source files (DWARF), else function names (see <see cref="CoverageFilter"/>).</param>
    public static IReadOnlyList<ReportModule> Build(IReadOnlyList<ModuleCoverage> modules, SourceMapFactory? sourceMaps = null, string? directory = null, CoverageFilter? filter = null)
    {
        filter ??= CoverageFilter.All;
        sourceMaps ??= (module, listing) => SourceMaps.For(module.Module, listing);
        var result = new List<ReportModule>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var module in modules.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.ModuleId, StringComparer.Ordinal))
        {
            string name = module.Name;
            if (!names.Add(name))
            {
                name = $"{System.IO.Path.GetFileNameWithoutExtension(module.Name)}-{module.ModuleId[..8]}{System.IO.Path.GetExtension(module.Name)}";
                names.Add(name);
            }
            string listing = SafeFileName(name) + ".lst";
            var map = sourceMaps(module, listing);
            if (directory is not null && map.GeneratedFiles.Any(g => Taken(directory, g)))
            {
                listing = $"{SafeFileName(System.IO.Path.GetFileNameWithoutExtension(name))}-{module.ModuleId[..8]}{SafeFileName(System.IO.Path.GetExtension(name))}.lst";
                map = sourceMaps(module, listing);
            }
            var (files, functions) = Files(module, map, filter);
            result.Add(new ReportModule(module, name, map, files, functions));
        }
        return result;
    }

    /// <summary>The report's files and the functions it counts. With a filter, a source map to real sources (DWARF)
    /// keeps the lines of the files it counts and the functions with such a line (a function without any line is
    /// judged by its name); a listing keeps the functions whose names it counts.</summary>
    private static (List<ReportFile> Files, List<FunctionCoverage> Functions) Files(ModuleCoverage module, ISourceMap map, CoverageFilter filter)
    {
        var methods = new Dictionary<string, List<ReportMethod>>(StringComparer.Ordinal);
        var counted = new List<FunctionCoverage>();
        var spaces = module.Module.IndexSpaces;
        bool byName = map is ListingSourceMap;
        var countsFile = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool Counts(string file) => countsFile.TryGetValue(file, out bool counts) ? counts : countsFile[file] = filter.Counts(file);
        foreach (var function in module.Functions)
        {
            if (!filter.IsAll && byName && !filter.Counts(function.Name)) continue;
            var files = new Dictionary<string, MethodLines>(StringComparer.Ordinal);
            MethodLines In(string file) => files.TryGetValue(file, out var lines) ? lines : files[file] = new MethodLines();
            bool hasLines = false;
            foreach (var instruction in function.Instructions)
            {
                if (map.Map(instruction.Pc) is not { } at) continue;
                hasLines = true;
                if (filter.IsAll || byName || Counts(at.File)) In(at.File).Hit(at.Line, instruction.Hits);
            }
            foreach (var branch in function.Branches)
            {
                if (map.Map(branch.Pc) is { } at && (filter.IsAll || byName || Counts(at.File))) In(at.File).Branch(at.Line, branch);
            }
            if (filter.IsAll || byName || files.Count > 0 || (!hasLines && filter.Counts(function.Name))) counted.Add(function);
            if (files.Count == 0) continue;
            string signature = spaces.FunctionTypeOfFunction(function.Index).ToString();
            foreach (var (file, lines) in files)
            {
                if (!methods.TryGetValue(file, out var inFile)) methods[file] = inFile = [];
                inFile.Add(new ReportMethod(function, signature, lines.InLineOrder()));
            }
        }
        return ([.. methods.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new ReportFile(f.Key, f.Value))], counted);
    }

    /// <summary>One function's lines in one file while they are collected.</summary>
    private sealed class MethodLines
    {
        private readonly Dictionary<int, int> _indexOfLine = [];
        private readonly List<ReportLine> _lines = [];

        public void Hit(int number, long hits)
        {
            int index = IndexOf(number);
            if (hits > _lines[index].Hits) _lines[index] = _lines[index] with { Hits = hits };
        }

        public void Branch(int number, BranchCoverage branch)
        {
            int index = IndexOf(number);
            var branches = _lines[index].Branches as List<BranchCoverage> ?? [];
            branches.Add(branch);
            _lines[index] = _lines[index] with { Branches = branches };
        }

        public ReportLine[] InLineOrder()
        {
            var lines = _lines.ToArray();
            Array.Sort(lines, (a, b) => a.Number.CompareTo(b.Number));
            return lines;
        }

        private int IndexOf(int number)
        {
            if (_indexOfLine.TryGetValue(number, out int index)) return index;
            _indexOfLine[number] = _lines.Count;
            _lines.Add(new ReportLine(number, 0, []));
            return _lines.Count - 1;
        }
    }

    /// <summary>Per module: functions, lines and branch outcomes covered, with percentages.</summary>
    public static string Summary(IReadOnlyList<ReportModule> report, CoverageFilter? filter = null)
    {
        long runs = report.Sum(m => m.Coverage.Runs);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"WasmProbe guest coverage: {report.Count} module{(report.Count == 1 ? "" : "s")}, {runs} run{(runs == 1 ? "" : "s")}");
        if (filter is { IsAll: false }) sb.Append(CultureInfo.InvariantCulture, $" ({filter})");
        var rows = new List<string[]> { new[] { "module", "functions", "lines", "branches" } };
        foreach (var module in report)
        {
            rows.Add([module.Name, Ratio(module.FunctionsCovered, module.FunctionsValid), Ratio(module.LinesCovered, module.LinesValid), Ratio(module.BranchesCovered, module.BranchesValid)]);
        }
        if (report.Count > 1)
        {
            rows.Add(["total", Ratio(report.Sum(m => m.FunctionsCovered), report.Sum(m => m.FunctionsValid)),
                Ratio(report.Sum(m => m.LinesCovered), report.Sum(m => m.LinesValid)), Ratio(report.Sum(m => m.BranchesCovered), report.Sum(m => m.BranchesValid))]);
        }
        var widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            sb.Append('\n');
            var line = new StringBuilder();
            for (int c = 0; c < row.Length; c++)
            {
                if (c > 0) line.Append("  ");
                line.Append(c == 0 ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]));
            }
            sb.Append(line.ToString().TrimEnd());
        }
        return sb.ToString();
    }

    private static string Ratio(int covered, int total) => $"{covered}/{total} ({CoverageTotals.Percent(covered, total)})";

    private static bool Taken(string directory, GeneratedFile file)
    {
        string path = System.IO.Path.Combine(directory, file.File);
        try
        {
            if (!File.Exists(path)) return false;
            using var existing = new StreamReader(path);
            using var comparison = new ComparingWriter(existing);
            file.Write(comparison);
            return !comparison.Matches;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>A module name usable as a file name.</summary>
    internal static string SafeFileName(string name)
    {
        var invalid = System.IO.Path.GetInvalidFileNameChars();
        var sb = new StringBuilder(name.Length);
        foreach (char c in name) sb.Append(Array.IndexOf(invalid, c) >= 0 || c is ';' or ' ' ? '_' : c);
        return sb.Length == 0 ? "module" : sb.ToString();
    }

    /// <summary>Writes through a temporary file and a rename, so a reader (or a concurrent writer of the same content)
    /// never sees half a file.</summary>
    private static void WriteAtomically(string path, Action<TextWriter> write)
    {
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var output = new StreamWriter(temporary, append: false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" }) write(output);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
