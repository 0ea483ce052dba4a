using WasmProbe.Wasm.Names;
using WasmProbe.Wasm.Text;

namespace WasmProbe.Wasm.Resolution;

/// <summary>Functions by index or by name: a name-section name first (the lowest index that has it), then an export
/// name. Text is read by <see cref="NameText"/>.</summary>
public static class FunctionResolver
{
    public static Resolution<int> Resolve(Module module, int index)
    {
        int count = module.IndexSpaces.FunctionCount;
        if (index >= 0 && index < count) return Resolution<int>.Found(index);
        return new ResolutionProblem(ResolutionStatus.FunctionIndexOutOfRange, $"function {index} does not exist (the module has {count} functions)");
    }

    public static Resolution<int> Resolve(Module module, string nameOrIndex)
    {
        if (nameOrIndex is null) throw new ArgumentNullException(nameof(nameOrIndex));
        var text = NameText.Parse(nameOrIndex);
        int count = module.IndexSpaces.FunctionCount;
        if (text.IsIndex)
        {
            if (text.Index >= 0 && text.Index < count) return Resolution<int>.Found((int)text.Index);
            return new ResolutionProblem(ResolutionStatus.FunctionIndexOutOfRange, count == 0
                ? $"function index {text.Name} is out of range: the module has no functions"
                : $"function index {text.Name} is out of range: the module has functions 0 to {count - 1}");
        }
        if (text.Name.Length == 0) return new ResolutionProblem(ResolutionStatus.FunctionNotFound, "empty function name");
        int found = ByName(module, text.Name);
        if (found >= 0) return Resolution<int>.Found(found);
        return new ResolutionProblem(ResolutionStatus.FunctionNotFound, $"no function named '{InstructionFormatter.Escape(text.Name)}'{KnownFunctions(module)}");
    }

    /// <summary>The function the module defines (not imports) at <paramref name="index"/>: a probe can stop only in code.</summary>
    public static Resolution<int> Defined(Module module, Resolution<int> function)
    {
        if (!function.IsResolved) return function;
        int index = function.Value;
        if (!module.IndexSpaces.IsImportedFunction(index)) return function;
        return new ResolutionProblem(ResolutionStatus.FunctionImported, $"function {index} ({module.Names.FunctionOrIndex(index)}) is imported and has no code") { Index = index };
    }

    private static int ByName(Module module, string name)
    {
        int count = module.IndexSpaces.FunctionCount;
        if (module.Names.Section.Maps.TryGetValue(NameKind.Function, out var map))
        {
            int lowest = -1;
            foreach (var pair in map)
            {
                if (pair.Value == name && pair.Key < count && (lowest < 0 || pair.Key < lowest)) lowest = pair.Key;
            }
            if (lowest >= 0) return lowest;
        }
        foreach (var export in module.Exports)
        {
            if (export.Kind == ExternalKind.Function && export.Name == name && export.Index < count) return export.Index;
        }
        return -1;
    }

    /// <summary>"; known functions: a, b, c (and 12 more)" for an error message, or a hint when there are no names.</summary>
    private static string KnownFunctions(Module module)
    {
        var spaces = module.IndexSpaces;
        var known = new List<string>();
        if (module.Names.Section.Maps.TryGetValue(NameKind.Function, out var map))
        {
            foreach (var pair in map)
            {
                if (!spaces.IsImportedFunction(pair.Key) && pair.Key < spaces.FunctionCount && !known.Contains(pair.Value)) known.Add(pair.Value);
            }
        }
        foreach (var export in module.Exports)
        {
            if (export.Kind == ExternalKind.Function && !spaces.IsImportedFunction(export.Index) && !known.Contains(export.Name)) known.Add(export.Name);
        }
        int defined = module.Bodies.Count;
        string indices = defined == 0
            ? "the module defines no functions"
            : $"defined function indices are {spaces.ImportedFunctionCount} to {spaces.ImportedFunctionCount + defined - 1}";
        if (known.Count == 0) return $"; the module has no function names ({indices})";
        const int shown = 8;
        string list = string.Join(", ", known.Take(shown).Select(n => InstructionFormatter.Escape(n)));
        if (known.Count > shown) list += $" (and {known.Count - shown} more)";
        return $"; known functions: {list} ({indices})";
    }
}
