namespace WasmProbe.Wasm.Dwarf;

[Flags]
public enum LineRowFlags : byte
{
    None = 0,
    IsStatement = 1,
    BasicBlock = 2,
    EndSequence = 4,
    PrologueEnd = 8,
    EpilogueBegin = 16,
}

/// <summary>One row of the line table. <see cref="Pc"/> is a module offset (the code section payload's offset plus the
/// DWARF <see cref="Address"/>); the row covers the pcs from its own up to the next row's. An end-sequence row marks
/// the first pc after its sequence and covers nothing. <see cref="File"/> indexes <see cref="LineTable.Files"/> (-1: the
/// row names a file the program does not define). Line 0 means "no source line" (compiler-generated code).</summary>
public readonly struct LineRow(int pc, int address, int file, int line, int column, int discriminator, LineRowFlags flags)
{
    public int Pc { get; } = pc;
    public int Address { get; } = address;
    public int File { get; } = file;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public int Discriminator { get; } = discriminator;
    public LineRowFlags Flags { get; } = flags;

    public bool IsStatement => (Flags & LineRowFlags.IsStatement) != 0;
    public bool EndSequence => (Flags & LineRowFlags.EndSequence) != 0;
    public bool PrologueEnd => (Flags & LineRowFlags.PrologueEnd) != 0;
    public bool EpilogueBegin => (Flags & LineRowFlags.EpilogueBegin) != 0;

    public override string ToString() => $"0x{Address:x} (pc 0x{Pc:x}) file {File} line {Line} col {Column} {Flags}";
}

/// <summary>A source position: full file path, 1-based line, column (0 = unknown) and, when known, the DWARF name of the
/// function (for inlined code, the inlined function) it belongs to.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public string? Function { get; init; }

    /// <summary><c>file:line</c> or <c>file:line:column</c>.</summary>
    public string Position => Column > 0 ? $"{File}:{Line}:{Column}" : $"{File}:{Line}";

    /// <summary><c>function at file:line:column</c> (without the function when unknown).</summary>
    public override string ToString() => Function is null ? Position : $"{Function} at {Position}";
}

/// <summary>The module's line table: all line-number programs of <c>.debug_line</c>, their sequences mapped to module pcs
/// and sorted. Sequences outside the code section (code removed by the linker, whose addresses are tombstones) are
/// dropped. Lookups: <see cref="Locate"/> (pc to source), <see cref="PcsForLine"/> (source line to breakpoint pcs),
/// <see cref="LinesWithCode"/>, <see cref="FindFiles"/>.</summary>
public sealed class LineTable
{
    private readonly CodeIndex? _code;
    private readonly LineRow[] _rows; // the first _count entries are the rows
    private readonly int _count;
    private readonly string[] _files;
    private readonly LineProgram[] _programs;
    private HashSet<int>? _statementStarts;

    public static LineTable Empty { get; } = new(null, [], 0, [], [], 0);

    internal LineTable(CodeIndex? code, LineRow[] rows, int count, string[] files, LineProgram[] programs, int droppedSequences)
    {
        _code = code;
        _rows = rows;
        _count = count;
        _files = files;
        _programs = programs;
        DroppedSequences = droppedSequences;
        Rows = new ArraySegment<LineRow>(rows, 0, count);
    }

    /// <summary>The line-number programs (units of <c>.debug_line</c>) in section order.</summary>
    public IReadOnlyList<LineProgram> Programs => _programs;

    /// <summary>Every file the rows name, as full normalized paths (distinct).</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>All rows, sorted by pc, each sequence ending with its end-sequence row.</summary>
    public IReadOnlyList<LineRow> Rows { get; }

    /// <summary>Sequences dropped because they lie outside the code section (code the linker removed has tombstone
    /// addresses), their addresses decrease, or they overlap an earlier sequence.</summary>
    public int DroppedSequences { get; }

    public bool IsEmpty => _count == 0;

    public string? FileName(int file) => (uint)file < (uint)_files.Length ? _files[file] : null;

    /// <summary>The index in <see cref="Rows"/> of the row covering <paramref name="pc"/>, or -1.</summary>
    public int RowIndexAt(int pc)
    {
        var rows = _rows;
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (rows[mid].Pc <= pc) lo = mid + 1;
            else hi = mid;
        }
        int index = lo - 1;
        return index >= 0 && !_rows[index].EndSequence ? index : -1;
    }

    /// <summary>The row covering <paramref name="pc"/>, if any.</summary>
    public LineRow? RowAt(int pc)
    {
        int index = RowIndexAt(pc);
        return index < 0 ? null : _rows[index];
    }

    /// <summary>The source position of <paramref name="pc"/>: the file, line and column of the row covering it; null when
    /// no row covers it, or the row has line 0 or an unknown file.</summary>
    public SourceLocation? Locate(int pc)
    {
        int index = RowIndexAt(pc);
        if (index < 0) return null;
        var row = _rows[index];
        return row.Line == 0 || row.File < 0 ? null : new SourceLocation(_files[row.File], row.Line, row.Column);
    }

    /// <summary>The files <paramref name="file"/> names: by full path if one matches exactly, else by path suffix of
    /// whole segments ("src/sum.c"), else by file name ("sum.c"). Several files can match a suffix or name.</summary>
    public IReadOnlyList<string> FindFiles(string file) => [.. ResolveFiles(file).Select(i => _files[i])];

    internal List<int> ResolveFiles(string file)
    {
        var best = new List<int>();
        int bestScore = 0;
        for (int i = 0; i < _files.Length; i++)
        {
            int score = SourcePaths.Match(_files[i], file);
            if (score == 0 || score < bestScore) continue;
            if (score > bestScore)
            {
                best.Clear();
                bestScore = score;
            }
            best.Add(i);
        }
        return best;
    }

    /// <summary>The pcs to stop at for a source line: for every is_stmt row of that line (in every sequence, so every
    /// inlined or duplicated copy), its first instruction (see <see cref="StopPc"/>), in pc order without
    /// duplicates. A row that merely continues the line of the row before it (same file and line) adds nothing: the
    /// line was entered earlier. Empty when the line has no code (or the file is unknown: see <see cref="FindFiles"/>).</summary>
    public IReadOnlyList<int> PcsForLine(string file, int line) => PcsForLine(ResolveFiles(file), line);

    internal IReadOnlyList<int> PcsForLine(List<int> files, int line)
    {
        var pcs = new SortedSet<int>();
        if (files.Count == 0 || line <= 0) return [];
        for (int i = 0; i < _count; i++)
        {
            var row = _rows[i];
            if (row.Line != line || !row.IsStatement || row.EndSequence || !files.Contains(row.File)) continue;
            if (i > 0 && !_rows[i - 1].EndSequence && _rows[i - 1].Line == line && _rows[i - 1].File == row.File && _rows[i - 1].Pc <= row.Pc) continue;
            int pc = StopPc(i);
            if (pc >= 0) pcs.Add(pc);
        }
        return [.. pcs];
    }

    /// <summary>The lines of <paramref name="file"/> (resolved as by <see cref="FindFiles"/>) that have at least one
    /// is_stmt row, sorted: the lines a breakpoint can be set on.</summary>
    public IReadOnlyList<int> LinesWithCode(string file) => LinesWithCode(ResolveFiles(file));

    internal IReadOnlyList<int> LinesWithCode(List<int> files)
    {
        var lines = new SortedSet<int>();
        if (files.Count == 0) return [];
        for (int i = 0; i < _count; i++)
        {
            var row = _rows[i];
            if (row.IsStatement && !row.EndSequence && row.Line > 0 && files.Contains(row.File) && StopPc(i) >= 0) lines.Add(row.Line);
        }
        return [.. lines];
    }

    /// <summary>Up to <paramref name="count"/> lines with code closest to <paramref name="line"/> (ties: the earlier
    /// line first), sorted, for "did you mean" messages.</summary>
    public IReadOnlyList<int> NearestLinesWithCode(string file, int line, int count = 4) => Nearest(LinesWithCode(file), line, count);

    internal static IReadOnlyList<int> Nearest(IReadOnlyList<int> lines, int line, int count) =>
        [.. lines.OrderBy(l => Math.Abs(l - line)).ThenBy(l => l).Take(count).OrderBy(l => l)];

    /// <summary>Whether <paramref name="pc"/> (an instruction start) is where an is_stmt row with a source line begins,
    /// i.e. a place where a source-level step may stop.</summary>
    public bool IsStatementStart(int pc)
    {
        if (_statementStarts is null)
        {
            var starts = new HashSet<int>();
            for (int i = 0; i < _count; i++)
            {
                var row = _rows[i];
                if (!row.IsStatement || row.EndSequence || row.Line == 0 || row.File < 0) continue;
                int at = StopPc(i);
                if (at >= 0) starts.Add(at);
            }
            _statementStarts = starts;
        }
        return _statementStarts.Contains(pc);
    }

    /// <summary>Where a stop for the row <c>Rows[index]</c> happens: its first instruction, past <c>block</c> and
    /// <c>loop</c> opcodes (so a stop at a loop head is met on every iteration); -1 when the row covers no instruction
    /// start (or is an end-sequence row).</summary>
    public int StopPc(int index)
    {
        if ((uint)index >= (uint)_count || _rows[index].EndSequence) return -1;
        int pc = _rows[index].Pc;
        if (_code is null) return pc;
        // Rows at the same address share the code up to the next address (lookups report the last of them).
        int next = index + 1;
        while (next < _count && _rows[next].Pc == pc && !_rows[next].EndSequence) next++;
        int limit = next < _count ? _rows[next].Pc : int.MaxValue;
        return limit == pc ? -1 : _code.StopPc(pc, limit);
    }
}
