namespace WasmProbe.Wasm.Dwarf;

/// <summary>The functions DWARF describes in the code, by pc: concrete functions and, within them, inlined copies.</summary>
public sealed class FunctionTable
{
    private readonly DwarfFunction[] _functions;
    private readonly int[] _starts;
    private readonly PcRange[] _ranges;
    private readonly DwarfFunction[] _owners;

    public static FunctionTable Empty { get; } = new([]);

    internal FunctionTable(IEnumerable<DwarfFunction> functions)
    {
        _functions = [.. functions.OrderBy(f => f.EntryPc).ThenBy(f => f.DieOffset)];
        var entries = _functions.SelectMany(f => f.Ranges.Select(r => (Range: r, Function: f))).OrderBy(e => e.Range.Start).ThenBy(e => e.Function.DieOffset).ToArray();
        _ranges = [.. entries.Select(e => e.Range)];
        _owners = [.. entries.Select(e => e.Function)];
        _starts = [.. _ranges.Select(r => r.Start)];
    }

    /// <summary>The concrete (not inlined) functions, by entry pc.</summary>
    public IReadOnlyList<DwarfFunction> All => _functions;

    /// <summary>The concrete function whose code contains <paramref name="pc"/>.</summary>
    public DwarfFunction? FunctionAt(int pc)
    {
        int lo = 0, hi = _starts.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (_starts[mid] <= pc) lo = mid + 1;
            else hi = mid;
        }
        // Concrete functions do not overlap in well-formed DWARF; look back a little in case they do.
        for (int i = lo - 1, steps = 0; i >= 0 && steps < 16; i--, steps++)
        {
            if (_ranges[i].Contains(pc)) return _owners[i];
        }
        return null;
    }

    /// <summary>The functions active at <paramref name="pc"/>, innermost first: the inlined copies containing it (the
    /// most deeply inlined first), then the concrete function. Empty when no function covers the pc.</summary>
    public IReadOnlyList<DwarfFunction> ScopesAt(int pc)
    {
        var function = FunctionAt(pc);
        if (function is null) return [];
        var chain = new List<DwarfFunction> { function };
        for (var current = function; current is not null;)
        {
            DwarfFunction? next = null;
            foreach (var inlined in current.Inlined)
            {
                if (inlined.Contains(pc))
                {
                    next = inlined;
                    break;
                }
            }
            if (next is not null) chain.Add(next);
            current = next;
        }
        chain.Reverse();
        return chain;
    }

    /// <summary>Concrete functions whose name or linkage name is <paramref name="name"/>.</summary>
    public IReadOnlyList<DwarfFunction> Named(string name) =>
        [.. _functions.Where(f => f.Name == name || f.LinkageName == name)];
}
