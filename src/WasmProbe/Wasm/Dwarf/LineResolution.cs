using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Wasm.Dwarf;

public enum LineResolutionStatus
{
    /// <summary>The line has code: <see cref="LineResolution.Locations"/> lists where to stop.</summary>
    Resolved,
    /// <summary>The module has no DWARF line table (not built with -g, or stripped).</summary>
    NoLineInfo,
    /// <summary>No file of the line table matches the file given.</summary>
    UnknownFile,
    /// <summary>The file is known but the line has no (reachable) code; see <see cref="LineResolution.NearestLines"/>.</summary>
    NoCode,
}

/// <summary>Where a source line breakpoint stops (<see cref="DwarfInfo.ResolveLine"/>), or why it cannot: the same
/// answer and message for compile-time diagnostics and for the debugger's runtime errors.</summary>
public sealed class LineResolution
{
    internal LineResolution(string file, int line, LineResolutionStatus status, IReadOnlyList<string> matchedFiles,
        IReadOnlyList<CodeLocation> locations, IReadOnlyList<int> nearestLines, IReadOnlyList<string> knownFiles, string? error) =>
        (File, Line, Status, MatchedFiles, Locations, NearestLines, KnownFiles, Error) = (file, line, status, matchedFiles, locations, nearestLines, knownFiles, error);

    /// <summary>The file as asked for (full path, path suffix or file name).</summary>
    public string File { get; }
    public int Line { get; }
    public LineResolutionStatus Status { get; }
    public bool Success => Status == LineResolutionStatus.Resolved;

    /// <summary>The full paths of the line table's files that <see cref="File"/> names (several for an ambiguous suffix).</summary>
    public IReadOnlyList<string> MatchedFiles { get; }

    /// <summary>Every reachable instruction where the line starts (all inlined copies), by pc; function indices are in
    /// the module's function index space (imports first).</summary>
    public IReadOnlyList<CodeLocation> Locations { get; }

    /// <summary>For <see cref="LineResolutionStatus.NoCode"/>: the closest lines of the file that have code.</summary>
    public IReadOnlyList<int> NearestLines { get; }

    /// <summary>For <see cref="LineResolutionStatus.UnknownFile"/>: the files of the line table, compile units' primary
    /// source files first.</summary>
    public IReadOnlyList<string> KnownFiles { get; }

    /// <summary>A message for the user when the line cannot be resolved, e.g. "line 27 of /src/sort.c has no code;
    /// nearest lines with code: 24, 28, 29, 30"; null when resolved.</summary>
    public string? Error { get; }

    public override string ToString() => Error ?? $"{string.Join(", ", MatchedFiles)}:{Line} at {string.Join(", ", Locations)}";
}

public sealed partial class DwarfInfo
{
    private const int ListedFiles = 12;

    /// <summary>Resolves a source line to the pcs a breakpoint on it stops at: of the is_stmt rows of the line (see
    /// <see cref="LineTable.PcsForLine(string, int)"/>) at instructions that <paramref name="canStop"/> accepts
    /// (default: reachable ones, by <see cref="StackAnalyzer"/>), the first in each lexical scope (see
    /// <see cref="StatementScope"/>). Never throws for an unknown file or a line
    /// without code: the result says so, with a message listing known files or the nearest lines with code.</summary>
    /// <param name="file">A full path, a path suffix of whole segments ("src/sum.c") or a file name ("sum.c").</param>
    public LineResolution ResolveLine(string file, int line, Func<CodeLocation, bool>? canStop = null)
    {
        if (file is null) throw new ArgumentNullException(nameof(file));
        if (Lines.IsEmpty || _code is null)
            return new LineResolution(file, line, LineResolutionStatus.NoLineInfo, [], [], [], [],
                "the module has no DWARF line information (build it with -g and keep its .debug_* custom sections)");
        var files = Lines.ResolveFiles(file);
        if (files.Count == 0)
        {
            var known = KnownFiles();
            string listed = string.Join(", ", known.Take(ListedFiles)) + (known.Count > ListedFiles ? $" (and {known.Count - ListedFiles} more)" : "");
            return new LineResolution(file, line, LineResolutionStatus.UnknownFile, [], [], [], known,
                $"no source file '{file}' in the module's line table; known files: {listed}");
        }
        var matched = files.Select(f => Lines.Files[f]).ToArray();
        string where = string.Join(", ", matched);
        canStop ??= ReachabilityCheck();
        var locations = new List<CodeLocation>();
        var scopes = new HashSet<object>();
        foreach (int pc in Lines.PcsForLine(files, line).OrderBy(pc => pc))
        {
            var location = new CodeLocation(_code.FunctionAt(pc), pc);
            if (location.Function < 0 || !canStop(location)) continue;
            if (StatementScope(pc) is not { } scope || scopes.Add(scope)) locations.Add(location);
        }
        if (locations.Count > 0)
            return new LineResolution(file, line, LineResolutionStatus.Resolved, matched, locations, [], [], null);

        var withCode = Lines.LinesWithCode(files);
        var nearest = LineTable.Nearest(withCode.Where(l => l != line).ToList(), line, 4);
        bool onlyUnreachable = withCode.Contains(line);
        string reason = onlyUnreachable ? "has no reachable code" : "has no code";
        string suggestion = nearest.Count == 0 ? "the file has no lines with code" : $"nearest lines with code: {string.Join(", ", nearest)}";
        return new LineResolution(file, line, LineResolutionStatus.NoCode, matched, [], nearest, [],
            $"line {line} of {where} {reason}; {suggestion}");
    }

    /// <summary>The lexical scope of a pc (its innermost block in the innermost inlined copy or function there), or null
    /// where <c>.debug_info</c> describes no function. A line stops at its first pc in each scope, as gdb's
    /// <c>break file:line</c> does: the rows a statement's parts give (a <c>for</c>'s increment and condition, the second
    /// operand of <c>&amp;&amp;</c>, Rust's overflow check) do not stop again within one execution of it, while a loop
    /// head whose condition starts the line still stops on every iteration.</summary>
    private object? StatementScope(int pc)
    {
        var functions = ScopesAt(pc);
        return functions.Count == 0 || _variables is null ? null : _variables.InnermostScope(functions[0], pc);
    }

    /// <summary>The line table's files, the compile units' primary source files first, each group sorted.</summary>
    public IReadOnlyList<string> KnownFiles()
    {
        var primary = new HashSet<string>(StringComparer.Ordinal);
        foreach (var unit in CompileUnits)
        {
            if (unit.Path is { } path && Lines.Files.Contains(path)) primary.Add(path);
        }
        return [.. primary.OrderBy(f => f, StringComparer.Ordinal),
            .. Lines.Files.Where(f => !primary.Contains(f)).OrderBy(f => f, StringComparer.Ordinal)];
    }

    private Func<CodeLocation, bool> ReachabilityCheck()
    {
        var module = _code!.Module;
        var analyzer = new StackAnalyzer(module);
        var analyses = new Dictionary<int, FunctionAnalysis>();
        return location =>
        {
            if (!analyses.TryGetValue(location.Function, out var analysis)) analyses[location.Function] = analysis = analyzer.Analyze(location.Function);
            return Resolution.PcResolver.CanStopAt(analysis, location.Pc);
        };
    }
}
