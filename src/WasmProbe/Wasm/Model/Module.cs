using WasmProbe.Wasm.Names;

namespace WasmProbe.Wasm.Model;

/// <summary>A decoded WebAssembly module. Decode with <see cref="Decoding.ModuleDecoder"/>, encode with
/// <see cref="Encoding.ModuleEncoder"/>. Transformations build new modules (see <see cref="Rewriting.ModuleRewriter"/>)
/// rather than editing a decoded one, because a decoded module may carry verbatim encodings of its sections.</summary>
public sealed class Module
{
    public List<RecGroup> RecGroups { get; } = [];
    public List<Import> Imports { get; } = [];

    /// <summary>The type index of each function the module defines (the function section).</summary>
    public List<int> FunctionTypeIndices { get; } = [];

    public List<TableDefinition> Tables { get; } = [];
    public List<MemoryType> Memories { get; } = [];
    public List<TagType> Tags { get; } = [];
    public List<GlobalDefinition> Globals { get; } = [];
    public List<Export> Exports { get; } = [];
    public int? Start { get; set; }
    public List<ElementSegment> Elements { get; } = [];

    /// <summary>The data count section's value, if the module has that section.</summary>
    public uint? DataCount { get; set; }

    public List<FunctionBody> Bodies { get; } = [];
    public List<DataSegment> Data { get; } = [];
    public List<CustomSection> CustomSections { get; } = [];

    /// <summary>The sections in input order. The encoder follows it and places sections it lacks by the required order.</summary>
    public List<SectionSlot> Layout { get; } = [];

    /// <summary>Whole sections (id and size included) whose input encoding was not canonical; the encoder copies them.</summary>
    internal Dictionary<SectionId, byte[]> OriginalSections { get; } = [];

    /// <summary>Module offset of the code section's payload (its size field excluded): DWARF code addresses count from here.</summary>
    public int CodeSectionPayloadOffset { get; set; } = -1;

    /// <summary>The function (index among all functions, imports first) whose body holds the module offset
    /// <paramref name="pc"/> (its size field and locals included), or -1. Bodies are where the decoder found them
    /// (<see cref="FunctionBody.Offset"/>; a rewrite keeps each body's original offset): each reaches the next one's
    /// start, the last one its <see cref="FunctionBody.End"/> when known.</summary>
    public int FunctionAt(int pc)
    {
        int lo = 0, hi = Bodies.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Bodies[mid].Offset <= pc) lo = mid + 1;
            else hi = mid - 1;
        }
        if (hi < 0 || Bodies[hi].Offset < 0) return -1;
        var body = Bodies[hi];
        return body.End >= 0 && pc >= body.End ? -1 : IndexSpaces.ImportedFunctionCount + hi;
    }

    private IndexSpaces? _indexSpaces;
    private ModuleNames? _names;

    /// <summary>Types, functions, tables, memories, globals and tags in their index spaces (imports first).
    /// Computed once; build a new module rather than changing this one after the first call.</summary>
    public IndexSpaces IndexSpaces => _indexSpaces ??= new IndexSpaces(this);

    /// <summary>Names from the name section, with export names as fallback.</summary>
    public ModuleNames Names => _names ??= new ModuleNames(this);

    public int ImportedFunctionCount => IndexSpaces.ImportedFunctionCount;

    public CustomSection? FindCustomSection(string name) => CustomSections.FirstOrDefault(s => s.Name == name);
}
