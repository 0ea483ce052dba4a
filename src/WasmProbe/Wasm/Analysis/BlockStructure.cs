using WasmProbe.Wasm.Instructions;

namespace WasmProbe.Wasm.Analysis;

/// <summary>The nesting of one body's blocks, from its instructions alone (no types): where each block, loop, if,
/// try_table and legacy try ends, and where an if's else is. One pass; <see cref="Compute"/> reuses the arrays of the
/// previous body, so a pass over a module's functions allocates them for its largest function only.</summary>
public sealed class BlockStructure
{
    private int[] _end = [];
    private int[] _else = [];
    private int[] _open = [];

    /// <summary>Overwrites this structure with that of <paramref name="code"/>.</summary>
    public BlockStructure Compute(Expression code)
    {
        int n = code.Count;
        if (_end.Length < n)
        {
            _end = new int[n];
            _else = new int[n];
            _open = new int[n + 1];
        }
        int depth = 0;
        var instructions = code.Instructions;
        for (int i = 0; i < n; i++)
        {
            _end[i] = -1;
            switch (instructions[i].Opcode)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If or Opcode.TryTable or Opcode.Try:
                    _else[i] = -1;
                    _open[depth++] = i;
                    break;
                case Opcode.Else when depth > 0:
                    _else[_open[depth - 1]] = i;
                    break;
                case Opcode.End or Opcode.Delegate when depth > 0:
                {
                    int opener = _open[--depth];
                    _end[opener] = i;
                    if (instructions[opener].Opcode == Opcode.If && _else[opener] >= 0) _end[_else[opener]] = i;
                    break;
                }
            }
        }
        return this;
    }

    /// <summary>For block, loop, if, try_table, try and else: the index of the end (or delegate) that closes it; -1
    /// for any other instruction.</summary>
    public int EndOf(int index) => _end[index];

    /// <summary>The else of the if at <paramref name="ifIndex"/>, or -1 when it has none.</summary>
    public int ElseOf(int ifIndex) => _else[ifIndex];
}
