namespace WasmProbe.Wasm.Dwarf;

/// <summary>Collects the sequences the line programs emit: checks their addresses, maps them to module pcs and file
/// numbers to the table's distinct file paths, and sorts the sequences by pc.</summary>
internal sealed class LineTableBuilder : ILineSequenceSink
{
    private readonly CodeIndex _code;
    private readonly Dictionary<string, int> _fileIds = new(StringComparer.Ordinal);
    private readonly List<string> _files = [];
    private readonly List<(int StartPc, int First, int Count)> _sequences = [];
    private LineProgram? _mappedProgram;
    private int[] _fileMap = [];
    private LineRow[] _rows;
    private int _count;
    private int _dropped;

    /// <param name="sectionBytes">The size of <c>.debug_line</c>, to size the row buffer (real tables have about one
    /// row per 4 to 5 bytes).</param>
    public LineTableBuilder(CodeIndex code, int sectionBytes)
    {
        _code = code;
        _rows = new LineRow[Math.Max(64, sectionBytes / 4)];
    }

    public void Sequence(LineProgram program, RawLineRow[] rows, int count)
    {
        if (!ReferenceEquals(program, _mappedProgram) || _fileMap.Length != program.Files.Count) MapFiles(program);
        var map = _fileMap;
        int firstNumber = program.FirstFileNumber;
        int codeBase = _code.CodeBase, codeStart = _code.CodeStart;
        ulong maxAddress = codeBase < 0 ? 0 : (ulong)(_code.CodeEnd - codeBase);
        if (_rows.Length - _count < count) Array.Resize(ref _rows, Math.Max(_rows.Length * 2, _count + count));
        var output = _rows;
        int first = _count, at = first;
        ulong previous = 0;
        for (int i = 0; i < count; i++)
        {
            ref var raw = ref rows[i];
            ulong address = raw.Address;
            // Outside the code (tombstones of removed code, garbage) or going backwards: drop the whole sequence.
            if (codeBase < 0 || address > maxAddress || address < previous || codeBase + (int)address < codeStart)
            {
                _dropped++;
                return;
            }
            previous = address;
            int pc = codeBase + (int)address;
            int index = raw.File - firstNumber;
            int file = -1;
            if (raw.File >= 0 && (uint)index < (uint)map.Length)
            {
                file = map[index];
                if (file < 0) file = map[index] = FileId(program.Files[index].Path);
            }
            output[at++] = new LineRow(pc, (int)address, file, raw.Line, raw.Column, raw.Discriminator, raw.Flags);
        }
        if (count < 2 || output[first].Pc == output[at - 1].Pc) return; // an empty sequence covers nothing
        _count = at;
        _sequences.Add((output[first].Pc, first, count));
    }

    /// <summary>Starts (or extends, after DW_LNE_define_file) a program's map from file numbers to file ids; ids are
    /// given on first use, so <see cref="LineTable.Files"/> holds only files that some row names.</summary>
    private void MapFiles(LineProgram program)
    {
        var map = new int[program.Files.Count];
        int kept = ReferenceEquals(program, _mappedProgram) ? Math.Min(_fileMap.Length, map.Length) : 0;
        Array.Copy(_fileMap, map, kept);
        for (int i = kept; i < map.Length; i++) map[i] = -1;
        _fileMap = map;
        _mappedProgram = program;
    }

    private int FileId(string path)
    {
        if (!_fileIds.TryGetValue(path, out int id))
        {
            id = _files.Count;
            _files.Add(path);
            _fileIds[path] = id;
        }
        return id;
    }

    public LineTable Build(List<LineProgram> programs)
    {
        // Sequences are sorted by start pc; one that overlaps the sequence before it (which well-formed DWARF never
        // has) is dropped, so that the rows stay sorted by pc for lookups.
        bool inOrder = true;
        int end = int.MinValue;
        foreach (var (start, first, count) in _sequences)
        {
            if (start < end)
            {
                inOrder = false;
                break;
            }
            end = _rows[first + count - 1].Pc;
        }
        if (inOrder) return new LineTable(_code, _rows, _count, [.. _files], [.. programs], _dropped);

        var order = _sequences.Select((s, i) => (s, i)).OrderBy(x => x.s.StartPc).ThenBy(x => x.i).Select(x => x.s);
        var rows = new LineRow[_count];
        int at = 0, dropped = _dropped;
        end = int.MinValue;
        foreach (var (start, first, count) in order)
        {
            if (start < end)
            {
                dropped++;
                continue;
            }
            Array.Copy(_rows, first, rows, at, count);
            at += count;
            end = _rows[first + count - 1].Pc;
        }
        return new LineTable(_code, rows, at, [.. _files], [.. programs], dropped);
    }
}
