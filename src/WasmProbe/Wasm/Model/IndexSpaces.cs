namespace WasmProbe.Wasm.Model;

/// <summary>The module's index spaces flattened, imports first, for O(1) lookups.</summary>
public sealed class IndexSpaces
{
    internal IndexSpaces(Module module)
    {
        var types = new List<SubType>();
        var recGroupStarts = new List<int>();
        foreach (var group in module.RecGroups)
        {
            recGroupStarts.Add(types.Count);
            types.AddRange(group.Types);
        }
        Types = types.ToArray();
        RecGroupStarts = recGroupStarts.ToArray();

        var functions = new List<int>();
        var tables = new List<TableType>();
        var memories = new List<MemoryType>();
        var globals = new List<GlobalType>();
        var tags = new List<TagType>();
        foreach (var import in module.Imports)
        {
            switch (import.Kind)
            {
                case ExternalKind.Function: functions.Add(import.TypeIndex); break;
                case ExternalKind.Table: tables.Add(import.Table!); break;
                case ExternalKind.Memory: memories.Add(import.Memory!); break;
                case ExternalKind.Global: globals.Add(import.Global!); break;
                case ExternalKind.Tag: tags.Add(new TagType(import.TypeIndex)); break;
            }
        }
        ImportedFunctionCount = functions.Count;
        ImportedTableCount = tables.Count;
        ImportedMemoryCount = memories.Count;
        ImportedGlobalCount = globals.Count;
        ImportedTagCount = tags.Count;
        functions.AddRange(module.FunctionTypeIndices);
        tables.AddRange(module.Tables.Select(t => t.Type));
        memories.AddRange(module.Memories);
        globals.AddRange(module.Globals.Select(g => g.Type));
        tags.AddRange(module.Tags);
        FunctionTypeIndices = functions.ToArray();
        Tables = tables.ToArray();
        Memories = memories.ToArray();
        Globals = globals.ToArray();
        TagTypes = tags.ToArray();
    }

    public SubType[] Types { get; }

    /// <summary>The first type index of each recursion group.</summary>
    public int[] RecGroupStarts { get; }

    public int[] FunctionTypeIndices { get; }
    public TableType[] Tables { get; }
    public MemoryType[] Memories { get; }
    public GlobalType[] Globals { get; }
    public TagType[] TagTypes { get; }

    public int ImportedFunctionCount { get; }
    public int ImportedTableCount { get; }
    public int ImportedMemoryCount { get; }
    public int ImportedGlobalCount { get; }
    public int ImportedTagCount { get; }

    public int FunctionCount => FunctionTypeIndices.Length;

    /// <summary>The function type of a type index; throws <see cref="ArgumentOutOfRangeException"/> for a bad index or a
    /// non-function type.</summary>
    public FunctionType FunctionType(int typeIndex)
    {
        if ((uint)typeIndex >= (uint)Types.Length) throw new ArgumentOutOfRangeException(nameof(typeIndex), $"type index {typeIndex} is out of range (the module has {Types.Length} types)");
        var composite = Types[typeIndex].Composite;
        if (composite.Kind != CompositeKind.Func) throw new ArgumentOutOfRangeException(nameof(typeIndex), $"type {typeIndex} is a {composite.Kind} type, not a function type");
        return composite.Function;
    }

    public FunctionType FunctionTypeOfFunction(int functionIndex)
    {
        if ((uint)functionIndex >= (uint)FunctionTypeIndices.Length) throw new ArgumentOutOfRangeException(nameof(functionIndex), $"function index {functionIndex} is out of range (the module has {FunctionTypeIndices.Length} functions)");
        return FunctionType(FunctionTypeIndices[functionIndex]);
    }

    public FunctionType TagFunctionType(int tagIndex)
    {
        if ((uint)tagIndex >= (uint)TagTypes.Length) throw new ArgumentOutOfRangeException(nameof(tagIndex), $"tag index {tagIndex} is out of range (the module has {TagTypes.Length} tags)");
        return FunctionType(TagTypes[tagIndex].TypeIndex);
    }

    /// <summary>Whether <paramref name="functionIndex"/> is an import (imports come first in the function index space).</summary>
    public bool IsImportedFunction(int functionIndex) => functionIndex < ImportedFunctionCount;
}
