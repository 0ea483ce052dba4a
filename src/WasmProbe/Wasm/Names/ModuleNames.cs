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

    /// <summary>A function index from a decimal index, a name-section name or an export name (a leading <c>$</c> is
    /// ignored). Throws <see cref="ArgumentException"/> naming some known functions when there is no such function.</summary>
    public int ResolveFunction(string nameOrIndex)
    {
        int count = _module.IndexSpaces.FunctionCount;
        if (int.TryParse(nameOrIndex, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
        {
            if (index < count) return index;
            throw new ArgumentException($"function index {index} is out of range: the module has {count} functions");
        }
        string name = nameOrIndex.StartsWith("$", StringComparison.Ordinal) ? nameOrIndex.Substring(1) : nameOrIndex;
        if (Section.Maps.TryGetValue(NameKind.Function, out var functions))
        {
            foreach (var pair in functions)
            {
                if (pair.Value == name) return pair.Key;
            }
        }
        foreach (var export in _module.Exports)
        {
            if (export.Kind == ExternalKind.Function && export.Name == name) return export.Index;
        }
        var known = Enumerable.Range(0, Math.Min(count, 12)).Select(i => Function(i)).Where(n => n is not null);
        throw new ArgumentException($"no function named '{nameOrIndex}' (known functions include: {string.Join(", ", known)})");
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
