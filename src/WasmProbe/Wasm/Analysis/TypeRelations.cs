namespace WasmProbe.Wasm.Analysis;

/// <summary>Subtyping between value types (the GC proposal's rules, with declared supertypes for concrete types).</summary>
internal static class TypeRelations
{
    public static bool IsSubtype(ValType sub, ValType super, IndexSpaces spaces)
    {
        if (sub.Kind == ValueKind.Unknown || sub == super) return true;
        if (!sub.IsRef || !super.IsRef) return sub.Kind == super.Kind;
        if (sub.Nullable && !super.Nullable) return false;
        return IsHeapSubtype(sub.Heap, super.Heap, spaces);
    }

    public static bool IsHeapSubtype(HeapType sub, HeapType super, IndexSpaces spaces)
    {
        if (sub == super) return true;
        if (sub.IsConcrete && super.IsConcrete) return DeclaresSupertype(sub.TypeIndex, super.TypeIndex, spaces);
        if (sub.IsConcrete)
        {
            var kind = Kind(sub.TypeIndex, spaces);
            return kind switch
            {
                CompositeKind.Func => super == HeapType.Func,
                CompositeKind.Struct => super == HeapType.Struct || super == HeapType.Eq || super == HeapType.Any,
                _ => super == HeapType.Array || super == HeapType.Eq || super == HeapType.Any,
            };
        }
        if (super.IsConcrete)
        {
            var kind = Kind(super.TypeIndex, spaces);
            return (sub == HeapType.NoFunc && kind == CompositeKind.Func) || (sub == HeapType.None && kind != CompositeKind.Func);
        }
        return Top(sub) == Top(super) && (IsBottom(sub) || super == Top(super) || (super == HeapType.Eq && (sub == HeapType.I31 || sub == HeapType.Struct || sub == HeapType.Array)));
    }

    private static CompositeKind Kind(int typeIndex, IndexSpaces spaces) =>
        (uint)typeIndex < (uint)spaces.Types.Length ? spaces.Types[typeIndex].Composite.Kind : CompositeKind.Func;

    private static bool DeclaresSupertype(int sub, int super, IndexSpaces spaces)
    {
        for (int guard = 0; guard < 64 && (uint)sub < (uint)spaces.Types.Length; guard++)
        {
            var supertypes = spaces.Types[sub].Supertypes;
            if (supertypes.Length == 0) return false;
            sub = supertypes[0];
            if (sub == super) return true;
        }
        return false;
    }

    private static bool IsBottom(HeapType heap) => heap == HeapType.None || heap == HeapType.NoFunc || heap == HeapType.NoExtern || heap == HeapType.NoExn;

    private static HeapType Top(HeapType heap)
    {
        if (heap == HeapType.Func || heap == HeapType.NoFunc) return HeapType.Func;
        if (heap == HeapType.Extern || heap == HeapType.NoExtern) return HeapType.Extern;
        if (heap == HeapType.Exn || heap == HeapType.NoExn) return HeapType.Exn;
        return HeapType.Any;
    }
}
