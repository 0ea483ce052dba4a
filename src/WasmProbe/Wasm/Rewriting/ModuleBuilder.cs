using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Names;

namespace WasmProbe.Wasm.Rewriting;

/// <summary>Builds a modified copy of a module: new types, imported and defined functions, globals, memories, tables,
/// exports and rewritten bodies. Function imports are added after the original imports, so every defined function
/// moves up by the number of added imports; calls, ref.func, element segments, exports, the start function and the
/// name section are renumbered accordingly. All indices given to and returned by the builder are in the new module's
/// index spaces, except <see cref="RewriteBody"/>'s argument, which names an original function.</summary>
public sealed class ModuleBuilder
{
    private readonly Module _source;
    private readonly IndexSpaces _sourceSpaces;
    private readonly List<RecGroup> _addedTypes = [];
    private readonly List<(Import Import, string? Name)> _addedImports = [];
    private readonly List<GlobalDefinition> _addedGlobals = [];
    private readonly List<MemoryType> _addedMemories = [];
    private readonly List<TagType> _addedTags = [];
    private readonly List<DataSegment> _addedData = [];
    private readonly List<Export> _addedExports = [];

    private readonly List<(int TypeIndex, FunctionBody Body, string? Name)> _addedFunctions = [];
    private readonly Dictionary<int, FunctionBody> _rewrittenBodies = [];
    private bool _frozenImports;

    public ModuleBuilder(Module source)
    {
        _source = source;
        _sourceSpaces = source.IndexSpaces;
    }

    public Module Source => _source;

    /// <summary>Drop <c>.debug_*</c> custom sections, whose code addresses no longer hold once code moves.</summary>
    public bool DropDebugSections { get; set; } = true;

    private int TypeCount => _sourceSpaces.Types.Length + _addedTypes.Count;

    /// <summary>The index of a function type equal to <paramref name="type"/> (an existing plain one, or a new one).</summary>
    public int AddFunctionType(FunctionType type)
    {
        if (_functionTypes.TryGetValue(type, out int known)) return known;
        return _functionTypes[type] = FindOrAddFunctionType(type);
    }

    /// <summary>Function types already asked for (rewrites ask for the same block types over and over).</summary>
    private readonly Dictionary<FunctionType, int> _functionTypes = [];

    private int FindOrAddFunctionType(FunctionType type)
    {
        for (int i = 0; i < _source.RecGroups.Count; i++)
        {
            var group = _source.RecGroups[i];
            if (group.Types.Length == 1 && !group.Explicit && group.Types[0] is { Final: true, Supertypes.Length: 0 } sub
                && sub.Composite.Kind == CompositeKind.Func && sub.Composite.Function.Equals(type))
            {
                return _sourceSpaces.RecGroupStarts[i];
            }
        }
        for (int i = 0; i < _addedTypes.Count; i++)
        {
            if (_addedTypes[i].Types[0].Composite.Function.Equals(type)) return _sourceSpaces.Types.Length + i;
        }
        _addedTypes.Add(new RecGroup([SubType.Plain(CompositeType.OfFunction(type))], Explicit: false));
        return TypeCount - 1;
    }

    /// <summary>Imports a function and returns its new index. All imports must be added before anything that needs the
    /// final function numbering (rewritten bodies, added functions, exports of functions).</summary>
    public int AddFunctionImport(string module, string name, FunctionType type)
    {
        if (_frozenImports) throw new InvalidOperationException("add all function imports before rewriting bodies or adding functions");
        int typeIndex = AddFunctionType(type);
        _addedImports.Add((new Import(module, name, ExternalKind.Function) { TypeIndex = typeIndex }, $"{module}.{name}"));
        return _sourceSpaces.ImportedFunctionCount + _addedImports.Count - 1;
    }

    /// <summary>The new index of an original function.</summary>
    public int MapFunction(int originalIndex) => Remap.Function(originalIndex);

    private IndexRemap Remap => new(_sourceSpaces.ImportedFunctionCount, _addedImports.Count);

    public int AddGlobal(GlobalType type, Expression init)
    {
        _addedGlobals.Add(new GlobalDefinition(type, init));
        return _sourceSpaces.Globals.Length + _addedGlobals.Count - 1;
    }

    public int AddMemory(MemoryType type)
    {
        _addedMemories.Add(type);
        return _sourceSpaces.Memories.Length + _addedMemories.Count - 1;
    }

    /// <summary>Defines an exception tag whose payload is <paramref name="type"/>'s parameters.</summary>
    public int AddTag(FunctionType type)
    {
        _addedTags.Add(new TagType(AddFunctionType(type)));
        return _sourceSpaces.TagTypes.Length + _addedTags.Count - 1;
    }

    /// <summary>Appends a data segment (the module's own keep their indices).</summary>
    public void AddData(DataSegment segment) => _addedData.Add(segment);

    public void AddExport(string name, ExternalKind kind, int index)
    {
        if (kind == ExternalKind.Function) _frozenImports = true;
        _addedExports.Add(new Export(name, kind, index));
    }

    /// <summary>Makes the module's own export <paramref name="name"/> refer to function <paramref name="function"/> (a
    /// new index) instead of the function it exported.</summary>
    public void RedirectExport(string name, int function)
    {
        if (!_source.Exports.Any(e => e.Name == name && e.Kind == ExternalKind.Function)) throw new ArgumentException($"the module exports no function named '{name}'", nameof(name));
        _redirectedExports[name] = function;
    }

    private readonly Dictionary<string, int> _redirectedExports = [];

    /// <summary>An export name not used by the module or by earlier additions, derived from <paramref name="wanted"/>.</summary>
    public string UniqueExportName(string wanted)
    {
        var taken = new HashSet<string>(_source.Exports.Select(e => e.Name).Concat(_addedExports.Select(e => e.Name)));
        string name = wanted;
        for (int i = 1; taken.Contains(name); i++) name = $"{wanted}_{i}";
        return name;
    }

    /// <summary>Adds a defined function whose body is already in the new index spaces; returns its new index.</summary>
    public int AddFunction(FunctionType type, LocalGroup[] locals, Expression code, string? name = null)
    {
        _frozenImports = true;
        _addedFunctions.Add((AddFunctionType(type), new FunctionBody(locals, code), name));
        return _sourceSpaces.FunctionCount + _addedImports.Count + _addedFunctions.Count - 1;
    }

    /// <summary>Replaces the body of original function <paramref name="originalIndex"/> with what
    /// <paramref name="rewrite"/> builds (it usually copies the original instructions and adds its own).</summary>
    public void RewriteBody(int originalIndex, Action<BodyBuilder> rewrite)
    {
        _frozenImports = true;
        int defined = originalIndex - _sourceSpaces.ImportedFunctionCount;
        if (defined < 0 || defined >= _source.Bodies.Count) throw new ArgumentOutOfRangeException(nameof(originalIndex), $"function {originalIndex} has no body");
        var body = _source.Bodies[defined];
        long localCount = _sourceSpaces.FunctionTypeOfFunction(originalIndex).Parameters.Length + body.LocalCount;
        var builder = new BodyBuilder(Remap, body, localCount, EncodesRewrittenBodies ? _buffer : null);
        rewrite(builder);
        _rewrittenBodies[defined] = EncodesRewrittenBodies ? builder.BuildEncoded(_encoder) : builder.Build();
    }

    /// <summary>Keep each rewritten or renumbered body encoded (a few bytes per instruction) rather than decoded (32
    /// bytes per instruction), for rewrites of large modules whose result is only encoded.</summary>
    public bool EncodesRewrittenBodies { get; init; }

    private readonly List<Instruction> _buffer = [];
    private readonly BodyEncoder _encoder = new();

    public Module Build()
    {
        var remap = Remap;
        var m = new Module();
        m.RecGroups.AddRange(_source.RecGroups);
        m.RecGroups.AddRange(_addedTypes);
        m.Imports.AddRange(_source.Imports);
        m.Imports.AddRange(_addedImports.Select(i => i.Import));
        m.FunctionTypeIndices.AddRange(_source.FunctionTypeIndices);
        m.FunctionTypeIndices.AddRange(_addedFunctions.Select(f => f.TypeIndex));
        m.Tables.AddRange(_source.Tables.Select(t => t.Init is null ? t : t with { Init = remap.Apply(t.Init) }));
        m.Memories.AddRange(_source.Memories);
        m.Memories.AddRange(_addedMemories);
        m.Tags.AddRange(_source.Tags);
        m.Tags.AddRange(_addedTags);
        m.Globals.AddRange(_source.Globals.Select(g => g with { Init = remap.Apply(g.Init) }));
        m.Globals.AddRange(_addedGlobals);
        m.Exports.AddRange(_source.Exports.Select(e => e.Kind != ExternalKind.Function ? e
            : e with { Index = _redirectedExports.TryGetValue(e.Name, out int redirected) ? redirected : remap.Function(e.Index) }));
        m.Exports.AddRange(_addedExports);
        m.Start = _source.Start is { } start ? remap.Function(start) : null;
        m.Elements.AddRange(_source.Elements.Select(e => RemapElement(e, remap)));
        m.DataCount = _source.DataCount + (uint)_addedData.Count;
        for (int i = 0; i < _source.Bodies.Count; i++)
        {
            if (_rewrittenBodies.TryGetValue(i, out var rewritten)) m.Bodies.Add(rewritten);
            else m.Bodies.Add(EncodesRewrittenBodies ? EncodeRemapped(_source.Bodies[i], remap) : RemapBody(_source.Bodies[i], remap));
        }
        m.Bodies.AddRange(_addedFunctions.Select(f => f.Body));
        m.Data.AddRange(_source.Data);
        m.Data.AddRange(_addedData);

        foreach (var slot in _source.Layout)
        {
            if (slot.Id != SectionId.Custom)
            {
                m.Layout.Add(slot);
                continue;
            }
            var custom = _source.CustomSections[slot.CustomIndex];
            if (DropDebugSections && custom.Name.StartsWith(".debug_", StringComparison.Ordinal)) continue;
            if (custom.Name == "name") custom = new CustomSection("name", RenumberedNames(remap).Encode());
            m.Layout.Add(new SectionSlot(SectionId.Custom, m.CustomSections.Count));
            m.CustomSections.Add(custom);
        }
        return m;
    }

    private static FunctionBody RemapBody(FunctionBody body, IndexRemap remap)
    {
        var code = remap.Apply(body.Code);
        return ReferenceEquals(code, body.Code) ? body : new FunctionBody(body.Locals, code) { Offset = body.Offset };
    }

    /// <summary>A body whose calls move, renumbered and encoded at once (see <see cref="EncodesRewrittenBodies"/>).</summary>
    private FunctionBody EncodeRemapped(FunctionBody body, IndexRemap remap)
    {
        var code = remap.Apply(body.Code);
        if (ReferenceEquals(code, body.Code)) return body;
        return _encoder.Encode(new FunctionBody(body.Locals, code) { Offset = body.Offset });
    }

    private static ElementSegment RemapElement(ElementSegment segment, IndexRemap remap)
    {
        if (remap.IsIdentity) return segment;
        return segment with
        {
            FunctionIndices = segment.FunctionIndices?.Select(remap.Function).ToArray(),
            Expressions = segment.Expressions?.Select(remap.Apply).ToArray(),
        };
    }

    private NameSection RenumberedNames(IndexRemap remap)
    {
        var original = _source.Names.Section;
        var names = new NameSection { ModuleName = original.ModuleName };
        foreach (var (kind, map) in original.Maps)
        {
            var copy = names.Map(kind);
            foreach (var pair in map) copy[kind == NameKind.Function ? remap.Function(pair.Key) : pair.Key] = pair.Value;
        }
        foreach (var (kind, map) in original.IndirectMaps)
        {
            var copy = names.IndirectMap(kind);
            foreach (var pair in map) copy[kind is NameKind.Local or NameKind.Label ? remap.Function(pair.Key) : pair.Key] = pair.Value;
        }
        names.UnknownSubsections.AddRange(original.UnknownSubsections);
        var functions = names.Map(NameKind.Function);
        for (int i = 0; i < _addedImports.Count; i++)
        {
            if (_addedImports[i].Name is { } name) functions[_sourceSpaces.ImportedFunctionCount + i] = name;
        }
        for (int i = 0; i < _addedFunctions.Count; i++)
        {
            if (_addedFunctions[i].Name is { } name) functions[_sourceSpaces.FunctionCount + _addedImports.Count + i] = name;
        }
        return names;
    }
}
