namespace WasmProbe.Wasm.Linking;

/// <summary>An import from a linked module that the module's exports do not satisfy: <see cref="Problem"/> says what
/// differs (no such export, another kind, another type).</summary>
public sealed record LinkMismatch(Import Import, string Problem)
{
    /// <summary><c>module::name</c>, as Wasmtime names imports.</summary>
    public string ImportName => $"{Import.ModuleName}::{Import.Name}";
}

/// <summary>Checks the imports a module takes from a linked module against that module's exports, as the engine's
/// linker would (the same rule for the runtime and the generator's compile-time check). Types compare structurally;
/// memories and tables by Wasm's limits subtyping.</summary>
public static class LinkChecker
{
    public static IReadOnlyList<LinkMismatch> Check(Module importer, string linkName, Module exporter)
    {
        var mismatches = new List<LinkMismatch>();
        foreach (var import in importer.Imports)
        {
            if (import.ModuleName != linkName) continue;
            if (Problem(importer, import, exporter) is { } problem) mismatches.Add(new LinkMismatch(import, problem));
        }
        return mismatches;
    }

    private static string? Problem(Module importer, Import import, Module exporter)
    {
        var export = exporter.Exports.FirstOrDefault(e => e.Name == import.Name);
        if (export is null)
        {
            var names = exporter.Exports.Where(e => e.Kind == import.Kind).Select(e => e.Name).ToList();
            string listed = names.Count == 0 ? $"it exports no {Kind(import.Kind)}" : $"its {Kind(import.Kind)} exports: " + string.Join(", ", names.Take(20)) + (names.Count > 20 ? $", +{names.Count - 20}" : "");
            return $"'{import.ModuleName}' has no export named '{import.Name}' ({listed})";
        }
        if (export.Kind != import.Kind) return $"'{import.Name}' is a {Kind(export.Kind)} there, the import wants a {Kind(import.Kind)}";
        var spaces = exporter.IndexSpaces;
        switch (import.Kind)
        {
            case ExternalKind.Function:
            {
                var wanted = importer.IndexSpaces.FunctionType(import.TypeIndex);
                var given = spaces.FunctionTypeOfFunction(export.Index);
                return wanted.Equals(given) ? null : $"the import's type is {wanted}, the export's {given}";
            }
            case ExternalKind.Global:
            {
                var wanted = import.Global!;
                var given = spaces.Globals[export.Index];
                return wanted == given ? null : $"the import is a {Describe(wanted)} global, the export a {Describe(given)} one";
            }
            case ExternalKind.Memory:
            {
                var given = spaces.Memories[export.Index].Limits;
                return LimitsProblem(import.Memory!.Limits, given, "memory");
            }
            case ExternalKind.Table:
            {
                var wanted = import.Table!;
                var given = spaces.Tables[export.Index];
                if (!wanted.ElementType.Equals(given.ElementType)) return $"the import is a table of {wanted.ElementType}, the export of {given.ElementType}";
                return LimitsProblem(wanted.Limits, given.Limits, "table");
            }
            case ExternalKind.Tag:
            {
                var wanted = importer.IndexSpaces.FunctionType(import.TypeIndex);
                var given = spaces.TagFunctionType(export.Index);
                return wanted.Equals(given) ? null : $"the import's payload is {wanted}, the export's {given}";
            }
            default:
                return null;
        }
    }

    /// <summary>An import accepts an export whose limits lie within its own: at least its minimum, at most its maximum.</summary>
    private static string? LimitsProblem(Limits wanted, Limits given, string what)
    {
        if (wanted.Is64 != given.Is64 || wanted.Shared != given.Shared || (wanted.PageSizeLog2 ?? 16) != (given.PageSizeLog2 ?? 16))
            return $"the import is a {what} of limits {wanted}, the export of {given}";
        if (given.Minimum < wanted.Minimum) return $"the export's {what} has minimum {given.Minimum}, below the import's {wanted.Minimum}";
        if (wanted.Maximum is { } max && (given.Maximum is not { } givenMax || givenMax > max))
            return $"the export's {what} has maximum {given.Maximum?.ToString() ?? "none"}, the import allows at most {max}";
        return null;
    }

    private static string Describe(GlobalType type) => (type.Mutable ? "mutable " : "immutable ") + type.Type;

    private static string Kind(ExternalKind kind) => kind switch
    {
        ExternalKind.Function => "function",
        ExternalKind.Table => "table",
        ExternalKind.Memory => "memory",
        ExternalKind.Global => "global",
        _ => "tag",
    };
}
