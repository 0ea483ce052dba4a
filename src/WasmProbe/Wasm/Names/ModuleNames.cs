using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Resolution;

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
    /// naming the known functions when there is no such function (see <see cref="FunctionResolver"/>).</summary>
    public int ResolveFunction(string nameOrIndex) => FunctionResolver.Resolve(_module, nameOrIndex).ValueOrThrow();

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
