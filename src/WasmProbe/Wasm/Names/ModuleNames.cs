using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Wasm.Names;

/// <summary>Human names for a module's entities: the name section first, export names as fallback. A malformed name
/// section is ignored (as engines do), which <see cref="NameSectionError"/> reports.</summary>
public sealed class ModuleNames
{
    private readonly Module _module;

    internal ModuleNames(Module module)
    {
        _module = module;
        var section = module.FindCustomSection("name");
        if (section is null)
        {
            Section = new NameSection();
            return;
        }
        try
        {
            Section = NameSection.Parse(section.Payload);
        }
        catch (WasmFormatException e)
        {
            Section = new NameSection();
            NameSectionError = e;
        }
    }

    public NameSection Section { get; }
    public WasmFormatException? NameSectionError { get; }

    public string? Function(int index) => Lookup(NameKind.Function, ExternalKind.Function, index);
    public string? Global(int index) => Lookup(NameKind.Global, ExternalKind.Global, index);
    public string? Memory(int index) => Lookup(NameKind.Memory, ExternalKind.Memory, index);
    public string? Table(int index) => Lookup(NameKind.Table, ExternalKind.Table, index);
    public string? Tag(int index) => Lookup(NameKind.Tag, ExternalKind.Tag, index);
    public string? Type(int index) => Section.Maps.TryGetValue(NameKind.Type, out var map) && map.TryGetValue(index, out var name) ? name : null;

    public string? Local(int function, int local) =>
        Section.IndirectMaps.TryGetValue(NameKind.Local, out var map) && map.TryGetValue(function, out var locals) && locals.TryGetValue(local, out var name) ? name : null;

    /// <summary>A function's name, or <c>func[N]</c> when it has none.</summary>
    public string FunctionOrIndex(int index) => Function(index) ?? $"func[{index}]";

    /// <summary>A function index from a decimal index (imports count first), a name-section name or an export name
    /// (<c>$name</c> always means a name, so <c>$5</c> is a function named "5"). Throws <see cref="ArgumentException"/>
    /// naming the known functions when there is no such function.</summary>
    public int ResolveFunction(string nameOrIndex)
    {
        if (nameOrIndex is null) throw new ArgumentNullException(nameof(nameOrIndex));
        string text = nameOrIndex.Trim();
        if (text.Length == 0) throw new ArgumentException("empty function name");
        var spaces = _module.IndexSpaces;
        if (text[0] != '$' && text.All(c => c >= '0' && c <= '9'))
        {
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index) || index >= spaces.FunctionCount)
            {
                throw new ArgumentException(spaces.FunctionCount == 0
                    ? $"function index {text} is out of range: the module has no functions"
                    : $"function index {text} is out of range: the module has functions 0 to {spaces.FunctionCount - 1}");
            }
            return index;
        }
        string name = text[0] == '$' && text.Length > 1 ? text.Substring(1) : text;
        if (Section.Maps.TryGetValue(NameKind.Function, out var map))
        {
            foreach (var pair in map)
            {
                if (pair.Value == name && pair.Key < spaces.FunctionCount) return pair.Key;
            }
        }
        foreach (var export in _module.Exports)
        {
            if (export.Kind == ExternalKind.Function && export.Name == name && export.Index < spaces.FunctionCount) return export.Index;
        }
        throw new ArgumentException($"no function named '{Text.InstructionFormatter.Escape(name)}'{KnownFunctions()}");
    }

    /// <summary>"; known functions: a, b, c (and 12 more)" for an error message, or a hint when there are no names.</summary>
    private string KnownFunctions()
    {
        var spaces = _module.IndexSpaces;
        var known = new List<string>();
        if (Section.Maps.TryGetValue(NameKind.Function, out var map))
        {
            foreach (var pair in map)
            {
                if (!spaces.IsImportedFunction(pair.Key) && pair.Key < spaces.FunctionCount && !known.Contains(pair.Value)) known.Add(pair.Value);
            }
        }
        foreach (var export in _module.Exports)
        {
            if (export.Kind == ExternalKind.Function && !spaces.IsImportedFunction(export.Index) && !known.Contains(export.Name)) known.Add(export.Name);
        }
        int defined = _module.Bodies.Count;
        string indices = defined == 0
            ? "the module defines no functions"
            : $"defined function indices are {spaces.ImportedFunctionCount} to {spaces.ImportedFunctionCount + defined - 1}";
        if (known.Count == 0) return $"; the module has no function names ({indices})";
        const int shown = 8;
        string list = string.Join(", ", known.Take(shown).Select(n => Text.InstructionFormatter.Escape(n)));
        if (known.Count > shown) list += $" (and {known.Count - shown} more)";
        return $"; known functions: {list} ({indices})";
    }

    private string? Lookup(NameKind kind, ExternalKind exportKind, int index)
    {
        if (Section.Maps.TryGetValue(kind, out var map) && map.TryGetValue(index, out var name)) return name;
        foreach (var export in _module.Exports)
        {
            if (export.Kind == exportKind && export.Index == index) return export.Name;
        }
        int seen = 0;
        foreach (var import in _module.Imports)
        {
            if (import.Kind != exportKind) continue;
            if (seen++ == index) return $"{import.ModuleName}.{import.Name}";
        }
        return null;
    }
}
