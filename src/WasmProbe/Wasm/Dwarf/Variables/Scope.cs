namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>A function's body or a DW_TAG_lexical_block in it: the variables it declares and its nested scopes.</summary>
internal sealed class Scope(IReadOnlyList<PcRange>? ranges)
{
    /// <summary>null: the scope covers all of its parent (a block without pc attributes).</summary>
    public IReadOnlyList<PcRange>? Ranges { get; } = ranges;

    public List<DwarfVariable> Variables { get; } = [];
    public List<Scope> Children { get; } = [];

    /// <summary>What <see cref="VariableReader.VariablesAt"/> gives when this is the innermost scope, once computed.</summary>
    public IReadOnlyList<DwarfVariable>? Visible { get; set; }

    public bool Contains(int pc)
    {
        if (Ranges is null) return true;
        foreach (var range in Ranges)
        {
            if (range.Contains(pc)) return true;
        }
        return false;
    }
}
