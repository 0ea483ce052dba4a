namespace WasmProbe.Wasm.Dwarf.Variables;

public enum LocationKind
{
    /// <summary>In linear memory at <see cref="LocationPiece.Address"/>.</summary>
    Memory,
    /// <summary>In a wasm local, global or operand stack slot (<see cref="LocationPiece.Index"/>): DW_OP_WASM_location.</summary>
    WasmLocal,
    WasmGlobal,
    WasmOperand,
    /// <summary>Not stored anywhere: the value is computed (DW_OP_stack_value) and in <see cref="LocationPiece.Value"/>.</summary>
    Value,
    /// <summary>DW_OP_implicit_value or DW_AT_const_value: the bytes are in <see cref="LocationPiece.Bytes"/>.</summary>
    ImplicitBytes,
    /// <summary>An empty piece: this part of the variable was optimized out.</summary>
    OptimizedOut,
}

/// <summary>Where (a piece of) a variable is. For the wasm kinds and <see cref="LocationKind.Value"/>, <see cref="Value"/>
/// holds the bits read from the frame when the location was evaluated.</summary>
public readonly record struct LocationPiece(LocationKind Kind, ulong Address, int Index, ulong Value, byte[]? Bytes, int? SizeInBytes)
{
    public override string ToString()
    {
        string where = Kind switch
        {
            LocationKind.Memory => FormattableString.Invariant($"memory 0x{Address:x}"),
            LocationKind.WasmLocal => FormattableString.Invariant($"local {Index}"),
            LocationKind.WasmGlobal => FormattableString.Invariant($"global {Index}"),
            LocationKind.WasmOperand => FormattableString.Invariant($"operand {Index}"),
            LocationKind.Value => FormattableString.Invariant($"value 0x{Value:x}"),
            LocationKind.ImplicitBytes => $"bytes {BitConverter.ToString(Bytes ?? [])}",
            _ => "optimized out",
        };
        return SizeInBytes is { } size ? FormattableString.Invariant($"{where} ({size} bytes)") : where;
    }
}

/// <summary>The result of evaluating a variable's location at a pc: its pieces (one, without a size, for a variable
/// in one place), or why it is not available.</summary>
public sealed class VariableLocation
{
    private VariableLocation(IReadOnlyList<LocationPiece> pieces, string? unavailableReason)
    {
        Pieces = pieces;
        UnavailableReason = unavailableReason;
    }

    public IReadOnlyList<LocationPiece> Pieces { get; }

    /// <summary>Why the variable has no value here (no location-list entry for the pc, optimized out, a frame value
    /// the runtime cannot give); null when it is available.</summary>
    public string? UnavailableReason { get; }

    public bool IsAvailable => UnavailableReason is null;

    internal static VariableLocation Of(IReadOnlyList<LocationPiece> pieces) => new(pieces, null);

    internal static VariableLocation Unavailable(string reason) => new([], reason);

    public override string ToString() => UnavailableReason is { } reason ? $"unavailable: {reason}" : string.Join(", ", Pieces);
}
