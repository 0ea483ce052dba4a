namespace WasmProbe.Engine;

/// <summary>Which value types may appear in a module's imports and exports when it runs on Wasmtime .NET: numbers,
/// v128, funcref and externref. Others (anyref, exnref, GC and typed function references) abort the process inside
/// the native module loader, so they must never reach it.</summary>
public static class HostTypes
{
    public static bool IsSupported(ValType type) =>
        !type.IsRef || (type.Nullable && (type.Heap == HeapType.Func || type.Heap == HeapType.Extern));
}
