namespace WasmProbe.Wasm.Instructions;

/// <summary>How an instruction's immediates are laid out in the binary format: what the decoder reads and the encoder
/// writes. Immediate kinds that differ only in what they mean (which index space an index is of, say) share one.</summary>
public enum ImmediateLayout : byte
{
    None,
    /// <summary>0x40, a value type, or an s33 type index.</summary>
    BlockType,
    /// <summary>One u32 index.</summary>
    Index,
    /// <summary>Two u32 indices.</summary>
    IndexPair,
    /// <summary>vec(u32 label) then the default u32 label.</summary>
    BrTable,
    /// <summary>u32 align flags (bit 6 = explicit memory index follows), [u32 memidx], u64 offset.</summary>
    MemArg,
    /// <summary>A memarg then one lane byte.</summary>
    MemArgLane,
    /// <summary>One byte.</summary>
    Lane,
    /// <summary>16 raw bytes.</summary>
    Bytes16,
    S32,
    S64,
    /// <summary>4 raw bytes.</summary>
    Bytes4,
    /// <summary>8 raw bytes.</summary>
    Bytes8,
    /// <summary>vec(valtype).</summary>
    ValTypes,
    /// <summary>An s33 heap type.</summary>
    HeapType,
    /// <summary>flags byte, u32 label, two heap types.</summary>
    BrOnCast,
    /// <summary>blocktype, vec(catch clause: kind byte, [u32 tag], u32 label).</summary>
    TryTable,
    ZeroByte,
}
