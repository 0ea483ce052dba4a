using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Decoding;

/// <summary>Reads value, heap, block, composite and extern types.</summary>
internal static class TypeDecoder
{
    public static ValType ReadValType(WasmReader r)
    {
        int at = r.Position;
        byte b = r.ReadByte();
        switch (b)
        {
            case 0x7F: return ValType.I32;
            case 0x7E: return ValType.I64;
            case 0x7D: return ValType.F32;
            case 0x7C: return ValType.F64;
            case 0x7B: return ValType.V128;
            case 0x63:
            case 0x64:
                var heap = ReadHeapType(r);
                // (ref null <abstract>) has a one-byte shorthand, which is the canonical form.
                if (b == 0x63 && !heap.IsConcrete) r.NonCanonical = true;
                return ValType.Ref(heap, nullable: b == 0x63);
            default:
                long code = (long)b - 0x80;
                if (HeapType.IsAbstractCode(code)) return ValType.Ref(new HeapType(code), nullable: true);
                throw r.Error(at, $"malformed value type 0x{b:x2}");
        }
    }

    public static ValType ReadReferenceType(WasmReader r)
    {
        int at = r.Position;
        var type = ReadValType(r);
        if (!type.IsRef) throw r.Error(at, $"malformed reference type: {type} is not a reference type");
        return type;
    }

    public static HeapType ReadHeapType(WasmReader r)
    {
        int at = r.Position;
        long code = r.ReadS33();
        if (code < 0 && !HeapType.IsAbstractCode(code))
        {
            if (code == -0x1B) throw r.Error(at, "shared heap types (shared-everything threads) are not supported");
            throw r.Error(at, $"malformed heap type 0x{(byte)(code + 0x80):x2}");
        }
        return new HeapType(code);
    }

    public static BlockType ReadBlockType(WasmReader r)
    {
        byte b = r.PeekByte();
        if (b == 0x40)
        {
            r.Position++;
            return BlockType.Empty;
        }
        if (b is >= 0x40 and < 0x80) return BlockType.Value(ReadValType(r));
        int at = r.Position;
        long index = r.ReadS33();
        if (index < 0) throw r.Error(at, "malformed block type");
        if (index > int.MaxValue) throw r.Error(at, $"type index {index} is beyond any index space this runtime supports");
        return BlockType.Function((int)index);
    }

    public static Limits ReadLimits(WasmReader r, bool isMemory)
    {
        int at = r.Position;
        byte flags = r.ReadByte();
        int allowed = isMemory ? 0x0F : 0x05;
        if ((flags & ~allowed) != 0) throw r.Error(at, $"malformed limits flags 0x{flags:x2}");
        bool hasMax = (flags & 1) != 0;
        bool shared = (flags & 2) != 0;
        bool is64 = (flags & 4) != 0;
        bool customPageSize = (flags & 8) != 0;
        ulong min = is64 ? r.ReadU64() : r.ReadU32();
        ulong? max = hasMax ? (is64 ? r.ReadU64() : r.ReadU32()) : null;
        int pageAt = r.Position;
        uint? pageSizeLog2 = customPageSize ? r.ReadU32() : null;
        // The custom-page-sizes proposal allows pages of 1 byte and of 64 KiB only (what Wasmtime accepts).
        if (pageSizeLog2 is { } log2 && log2 != 0 && log2 != 16) throw r.Error(pageAt, $"invalid custom page size: 2^{log2} bytes (only 1 and 65536 are allowed)");
        return new Limits(min, max, shared, is64, pageSizeLog2);
    }

    public static TableType ReadTableType(WasmReader r)
    {
        var element = ReadReferenceType(r);
        return new TableType(element, ReadLimits(r, isMemory: false));
    }

    public static GlobalType ReadGlobalType(WasmReader r)
    {
        var type = ReadValType(r);
        return new GlobalType(type, ReadMutability(r));
    }

    private static bool ReadMutability(WasmReader r)
    {
        int at = r.Position;
        byte b = r.ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw r.Error(at, $"malformed mutability 0x{b:x2}"),
        };
    }

    public static RecGroup ReadRecGroup(WasmReader r)
    {
        if (r.PeekByte() != 0x4E) return new RecGroup([ReadSubType(r)], Explicit: false);
        r.Position++;
        int count = r.ReadCount();
        var types = new SubType[count];
        for (int i = 0; i < count; i++) types[i] = ReadSubType(r);
        return new RecGroup(types, Explicit: true);
    }

    private static SubType ReadSubType(WasmReader r)
    {
        byte b = r.PeekByte();
        if (b is not (0x50 or 0x4F)) return SubType.Plain(ReadCompositeType(r));
        r.Position++;
        int count = r.ReadCount();
        var supertypes = new int[count];
        for (int i = 0; i < count; i++) supertypes[i] = r.ReadIndex();
        return new SubType(ReadCompositeType(r), Final: b == 0x4F, supertypes, HasSubPrefix: true);
    }

    private static CompositeType ReadCompositeType(WasmReader r)
    {
        int at = r.Position;
        byte form = r.ReadByte();
        switch (form)
        {
            case 0x60:
                var parameters = ReadValTypes(r);
                var results = ReadValTypes(r);
                return CompositeType.OfFunction(new FunctionType(parameters, results));
            case 0x5F:
                int count = r.ReadCount(2);
                var fields = new FieldType[count];
                for (int i = 0; i < count; i++) fields[i] = ReadFieldType(r);
                return CompositeType.OfStruct(fields);
            case 0x5E:
                return CompositeType.OfArray(ReadFieldType(r));
            default:
                throw r.Error(at, $"malformed type form 0x{form:x2} (expected func 0x60, struct 0x5f or array 0x5e)");
        }
    }

    private static ValType[] ReadValTypes(WasmReader r)
    {
        int count = r.ReadCount();
        if (count == 0) return [];
        var types = new ValType[count];
        for (int i = 0; i < count; i++) types[i] = ReadValType(r);
        return types;
    }

    private static FieldType ReadFieldType(WasmReader r)
    {
        byte b = r.PeekByte();
        if (b is 0x78 or 0x77)
        {
            r.Position++;
            return new FieldType(ValType.I32, (PackedType)b, ReadMutability(r));
        }
        var type = ReadValType(r);
        return new FieldType(type, PackedType.None, ReadMutability(r));
    }
}
