using WasmProbe.Engine;

namespace WasmProbe.Debugging;

/// <summary>Rejects modules whose imports or exports would crash Wasmtime .NET's native loader (see <see cref="HostTypes"/>).</summary>
internal static class ModuleSafety
{
    public static void ThrowIfUnsupported(Module module)
    {
        var spaces = module.IndexSpaces;
        foreach (var import in module.Imports)
        {
            string what = $"import \"{import.ModuleName}\".\"{import.Name}\"";
            switch (import.Kind)
            {
                case ExternalKind.Function: CheckFunction(spaces, import.TypeIndex, what); break;
                case ExternalKind.Global: Check(import.Global!.Type, what); break;
                case ExternalKind.Table: Check(import.Table!.ElementType, what); break;
                case ExternalKind.Tag: CheckFunction(spaces, import.TypeIndex, what); break;
            }
        }
        foreach (var export in module.Exports)
        {
            string what = $"export \"{export.Name}\"";
            switch (export.Kind)
            {
                case ExternalKind.Function when export.Index < spaces.FunctionCount: CheckFunction(spaces, spaces.FunctionTypeIndices[export.Index], what); break;
                case ExternalKind.Global when export.Index < spaces.Globals.Length: Check(spaces.Globals[export.Index].Type, what); break;
                case ExternalKind.Table when export.Index < spaces.Tables.Length: Check(spaces.Tables[export.Index].ElementType, what); break;
                case ExternalKind.Tag when export.Index < spaces.TagTypes.Length: CheckFunction(spaces, spaces.TagTypes[export.Index].TypeIndex, what); break;
            }
        }
    }

    private static void CheckFunction(IndexSpaces spaces, int typeIndex, string what)
    {
        FunctionType type;
        try
        {
            type = spaces.FunctionType(typeIndex);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new NotSupportedException($"{what}: {e.Message}");
        }
        foreach (var t in type.Parameters.Concat(type.Results)) Check(t, what);
    }

    private static void Check(ValType type, string what)
    {
        if (!HostTypes.IsSupported(type))
            throw new NotSupportedException($"{what} uses {type}, which Wasmtime .NET cannot pass across the host boundary (only numbers, v128, funcref and externref can); WasmProbe cannot run this module");
    }
}
