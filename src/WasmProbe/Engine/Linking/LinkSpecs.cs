using WasmProbe.Instrumentation;

namespace WasmProbe.Engine.Linking;

/// <summary>A linked module as text gives it: the import module name and the file.</summary>
public sealed record LinkSpec(string Name, string Path);

/// <summary>The text form of a linked module, <c>NAME=PATH</c>, shared by the CLI (<c>--link</c>), the generated probe
/// classes (<c>[LinkModule]</c>, checked by the generator, which compiles this file in) and the runtime: one parser, one
/// set of messages.</summary>
public static class LinkSpecs
{
    /// <summary>Why <paramref name="name"/> cannot name a linked module, or null.</summary>
    public static string? NameProblem(string? name) =>
        name is null || name.Length == 0 ? "a linked module needs a name (the import module name the guest uses)"
        : name == HostImports.ModuleName ? $"'{HostImports.ModuleName}' is the import module of WasmProbe's probes; a linked module cannot take it"
        : name.IndexOf('\0') >= 0 ? "a linked module's name cannot contain a NUL character"
        : null;

    /// <summary>Parses <c>NAME=PATH</c>; null and the problem when malformed.</summary>
    public static LinkSpec? Parse(string? text, out string? problem)
    {
        int equals = text?.IndexOf('=') ?? -1;
        problem = text is null || equals < 0 ? $"'{text}' is not NAME=PATH"
            : equals == text.Length - 1 ? $"'{text}' has no path after '='"
            : NameProblem(text.Substring(0, equals));
        return problem is null ? new LinkSpec(text!.Substring(0, equals), text.Substring(equals + 1)) : null;
    }

    /// <summary>Parses a list of <c>NAME=PATH</c>; a name given twice is a problem (the guest's imports from it would be
    /// ambiguous).</summary>
    public static IReadOnlyList<LinkSpec>? ParseAll(IEnumerable<string?> texts, out string? problem)
    {
        var links = new List<LinkSpec>();
        foreach (var text in texts)
        {
            if (Parse(text, out problem) is not { } link) return null;
            if (DuplicateProblem(links.Select(l => l.Name), link.Name) is { } duplicate)
            {
                problem = duplicate;
                return null;
            }
            links.Add(link);
        }
        problem = null;
        return links;
    }

    /// <summary>Why a module named <paramref name="name"/> cannot be linked after <paramref name="earlier"/>, or null.</summary>
    public static string? DuplicateProblem(IEnumerable<string> earlier, string name) =>
        earlier.Contains(name, StringComparer.Ordinal) ? $"the module name '{name}' is linked twice" : null;
}
