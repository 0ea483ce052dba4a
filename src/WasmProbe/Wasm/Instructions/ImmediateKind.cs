namespace WasmProbe.Wasm.Instructions;

/// <summary>What an instruction's immediates are (which index space an index is of, say); <see cref="ImmediateLayout"/> is
/// how the binary format lays them out.</summary>
public enum ImmediateKind : byte
{
    None,
    /// <summary>blocktype: 0x40, a value type, or an s33 type index (block, loop, if, legacy try).</summary>
    BlockType,
    /// <summary>One u32 label index (br, br_if, br_on_null, br_on_non_null, rethrow, delegate).</summary>
    Label,
    /// <summary>vec(labelidx) then the default labelidx.</summary>
    BrTable,
    /// <summary>One u32 function index (call, return_call, ref.func).</summary>
    Function,
    /// <summary>typeidx then tableidx (call_indirect, return_call_indirect).</summary>
    CallIndirect,
    /// <summary>One u32 local index.</summary>
    Local,
    /// <summary>One u32 global index.</summary>
    Global,
    /// <summary>One u32 table index (table.get/set/size/grow/fill).</summary>
    Table,
    /// <summary>One u32 memory index (memory.size, memory.grow, memory.fill).</summary>
    Memory,
    /// <summary>memarg: u32 align flags (bit 6 = explicit memory index follows), [u32 memidx], u64 offset.</summary>
    MemArg,
    /// <summary>memarg then one lane byte (v128.load8_lane ...).</summary>
    MemArgLane,
    /// <summary>One lane index byte (extract_lane / replace_lane).</summary>
    Lane,
    /// <summary>16 lane index bytes (i8x16.shuffle).</summary>
    Shuffle,
    /// <summary>s32 constant.</summary>
    I32,
    /// <summary>s64 constant.</summary>
    I64,
    /// <summary>4 raw bytes.</summary>
    F32,
    /// <summary>8 raw bytes.</summary>
    F64,
    /// <summary>16 raw bytes.</summary>
    V128,
    /// <summary>vec(valtype) (typed select 0x1C).</summary>
    SelectTypes,
    /// <summary>One heap type (ref.null).</summary>
    HeapType,
    /// <summary>One u32 type index (call_ref, return_call_ref, struct.new, array.new, array.get ...).</summary>
    Type,
    /// <summary>typeidx then u32 field index (struct.get, struct.set ...).</summary>
    TypeField,
    /// <summary>Two type indices (array.copy).</summary>
    TypeType,
    /// <summary>typeidx then u32 count (array.new_fixed).</summary>
    TypeCount,
    /// <summary>typeidx then dataidx (array.new_data, array.init_data).</summary>
    TypeData,
    /// <summary>typeidx then elemidx (array.new_elem, array.init_elem).</summary>
    TypeElem,
    /// <summary>One heap type, non-nullable target (ref.test, ref.cast).</summary>
    RefTest,
    /// <summary>One heap type, nullable target (ref.test null, ref.cast null).</summary>
    RefTestNull,
    /// <summary>flags byte, labelidx, heap type 1, heap type 2 (br_on_cast, br_on_cast_fail).</summary>
    BrOnCast,
    /// <summary>One u32 tag index (throw, legacy catch).</summary>
    Tag,
    /// <summary>blocktype, vec(catch clause) (try_table).</summary>
    TryTable,
    /// <summary>One u32 data index (data.drop).</summary>
    Data,
    /// <summary>One u32 element index (elem.drop).</summary>
    Element,
    /// <summary>dataidx then memidx (memory.init).</summary>
    MemoryInit,
    /// <summary>Two memory indices, destination first (memory.copy).</summary>
    MemoryCopy,
    /// <summary>elemidx then tableidx (table.init).</summary>
    TableInit,
    /// <summary>Two table indices, destination first (table.copy).</summary>
    TableCopy,
    /// <summary>One reserved zero byte (atomic.fence).</summary>
    ZeroByte,
}
