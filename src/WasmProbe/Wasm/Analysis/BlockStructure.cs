namespace WasmProbe.Wasm.Analysis;

/// <summary>The nesting of one body's blocks, from its instructions alone (no types): where each block, loop, if,
/// try_table and legacy try ends, where an if's else is, and which block holds each instruction. One pass driven by
/// the opcode table's <see cref="ControlKind"/>; <see cref="Compute"/> reuses the arrays of the previous body, so a pass
/// over a module's functions allocates them for its largest function only.</summary>
public sealed class BlockStructure
{
    private int[] _end = [];
    private int[] _else = [];
    private int[] _enclosing = [];
    private int[] _open = [];

    /// <summary>Overwrites this structure with that of <paramref name="code"/>.</summary>
    public BlockStructure Compute(Expression code)
    {
        int n = code.Count;
        if (_end.Length < n)
        {
            _end = new int[n];
            _else = new int[n];
            _enclosing = new int[n];
            _open = new int[n + 1];
        }
        int depth = 0;
        var instructions = code.Instructions;
        for (int i = 0; i < n; i++)
        {
            _end[i] = -1;
            _enclosing[i] = depth > 0 ? _open[depth - 1] : -1;
            var info = OpcodeTable.Get(instructions[i].Opcode);
            if (info.OpensBlock)
            {
                _else[i] = -1;
                _open[depth++] = i;
            }
            else if (info.Control == ControlKind.Else && depth > 0)
            {
                _else[_open[depth - 1]] = i;
            }
            else if (info.ClosesBlock && depth > 0)
            {
                int opener = _open[--depth];
                _end[opener] = i;
                if (_else[opener] >= 0) _end[_else[opener]] = i;
            }
        }
        return this;
    }

    /// <summary>For block, loop, if, try_table, try and else: the index of the end (or delegate) that closes it; -1
    /// for any other instruction.</summary>
    public int EndOf(int index) => _end[index];

    /// <summary>The else of the if at <paramref name="ifIndex"/>, or -1 when it has none.</summary>
    public int ElseOf(int ifIndex) => _else[ifIndex];

    /// <summary>The opener of the innermost block that holds instruction <paramref name="index"/> (for else, catch and
    /// end, the block they belong to; for an opener, the block around it), or -1 for the function's own block.</summary>
    public int EnclosingBlock(int index) => _enclosing[index];
}
