namespace WasmProbe.Wasm.Resolution;

/// <summary>The export a run starts at: an exported function by its export name, taking as many arguments as given.</summary>
public static class EntryResolver
{
    public sealed record Entry(string Name, int Function, FunctionType Type);

    public static Resolution<Entry> Resolve(Module module, string name, int argumentCount)
    {
        if (name is null) throw new ArgumentNullException(nameof(name));
        var spaces = module.IndexSpaces;
        var export = module.Exports.FirstOrDefault(e => e.Name == name && e.Kind == ExternalKind.Function && e.Index < spaces.FunctionCount);
        if (export is null)
        {
            var exported = ExportedFunctions(module);
            return new ResolutionProblem(ResolutionStatus.EntryNotExported,
                $"no exported function '{name}' ({(exported.Count == 0 ? "it exports no functions" : "exported functions: " + string.Join(", ", exported))})");
        }
        var type = spaces.FunctionTypeOfFunction(export.Index);
        if (type.Parameters.Length != argumentCount)
        {
            return new ResolutionProblem(ResolutionStatus.EntryArgumentCount, $"'{name}' takes {type.Parameters.Length} arguments {type} but {argumentCount} were given") { EntryType = type };
        }
        return Resolution<Entry>.Found(new Entry(name, export.Index, type));
    }

    /// <summary>The names the module exports functions under, in export order.</summary>
    public static IReadOnlyList<string> ExportedFunctions(Module module) =>
        [.. module.Exports.Where(e => e.Kind == ExternalKind.Function).Select(e => e.Name)];
}
