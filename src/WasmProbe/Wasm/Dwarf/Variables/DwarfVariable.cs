namespace WasmProbe.Wasm.Dwarf.Variables;

public enum VariableKind
{
    Parameter,
    Local,
    /// <summary>A <c>static</c> variable of a function (its location is a fixed address).</summary>
    Static,
    /// <summary>A variable at the compile unit's level (globals and file statics).</summary>
    Global,
}

/// <summary>A source-level variable: a DW_TAG_formal_parameter or DW_TAG_variable, with its name and type found on
/// the DIE or through DW_AT_abstract_origin / DW_AT_specification.</summary>
public sealed class DwarfVariable
{
    private readonly VariableReader _reader;
    private readonly byte[]? _constant;

    internal DwarfVariable(VariableReader reader, string name, DwarfType type, VariableKind kind, DwarfFunction? function,
        LocationDescription? location, LocationDescription? frameBase, byte[]? constant, DebugInfoReader.UnitContext unit)
    {
        (_reader, Unit) = (reader, unit);
        (Name, Type, Kind, Function) = (name, type, kind, function);
        (Location, FrameBase, _constant) = (location, frameBase, constant);
    }

    public string Name { get; }
    public DwarfType Type { get; }
    public VariableKind Kind { get; }

    /// <summary>DW_AT_decl_line; 0 when not given.</summary>
    public int DeclarationLine { get; internal set; }

    /// <summary>The function (or inlined copy) declaring it; null for globals.</summary>
    public DwarfFunction? Function { get; }

    /// <summary>Whether the DWARF says where the variable is (some location, a location list or a constant value).</summary>
    public bool HasLocation => Location is not null || _constant is not null;

    /// <summary>Whether the DWARF gives the variable a location at <paramref name="pc"/> (a location list may have
    /// no entry there, or an empty expression: optimized out).</summary>
    public bool IsAvailableAt(int pc) => _constant is not null || (Location is not null && _reader.HasLocation(Location, pc));

    internal LocationDescription? Location { get; }
    internal LocationDescription? FrameBase { get; }
    internal DebugInfoReader.UnitContext Unit { get; }

    /// <summary>Where the variable is at <paramref name="pc"/> in <paramref name="frame"/>.</summary>
    /// <exception cref="DwarfFormatException">The location expression is malformed.</exception>
    public VariableLocation Locate(int pc, IFrameState frame)
    {
        if (_constant is not null) return VariableLocation.Of([new LocationPiece(LocationKind.ImplicitBytes, 0, 0, 0, _constant, null)]);
        if (Location is null) return VariableLocation.Unavailable("optimized out (no location)");
        return _reader.Evaluate(Location, FrameBase, Unit, pc, frame);
    }

    /// <summary>The variable's value at <paramref name="pc"/> in <paramref name="frame"/>, read lazily from the frame.</summary>
    /// <exception cref="DwarfFormatException">The location expression is malformed.</exception>
    public VariableValue Evaluate(int pc, IFrameState frame) => VariableValue.Of(Name, Type, Locate(pc, frame), frame);

    public override string ToString() => $"{Name}: {Type.Name}";
}
