using System.Text;
using System.Text.RegularExpressions;

namespace WasmProbe.Coverage;

/// <summary>Which parts of a module coverage reports and thresholds count, as coverlet's Include/Exclude: globs over
/// the source paths of the DWARF line table (a line counts when its file matches), or, for modules without DWARF (and
/// functions without any line), over function names. Something counts when it matches an include (or there are none)
/// and no exclude: exclude wins.
/// <para>Globs: <c>**</c> is any run of characters, <c>*</c> any run without <c>/</c>, <c>?</c> one character other
/// than <c>/</c>. A glob that does not start with <c>/</c> may also match from the start of any path segment:
/// <c>sort.c</c> matches <c>/cguest/sort.c</c>, <c>libc-*/**</c> matches <c>libc-top-half/musl/src/stdio/printf.c</c>.</para></summary>
public sealed class CoverageFilter
{
    private readonly Regex[] _include;
    private readonly Regex[] _exclude;

    public CoverageFilter(IEnumerable<string> include, IEnumerable<string> exclude)
    {
        Include = [.. Split(include)];
        Exclude = [.. Split(exclude)];
        _include = [.. Include.Select(Compile)];
        _exclude = [.. Exclude.Select(Compile)];
    }

    /// <summary>Everything counts.</summary>
    public static CoverageFilter All { get; } = new([], []);

    /// <summary>From semicolon-separated lists (as MSBuild properties and <c>--include a;b</c> give them).</summary>
    public static CoverageFilter Parse(string? include, string? exclude) => new([include ?? ""], [exclude ?? ""]);

    public IReadOnlyList<string> Include { get; }
    public IReadOnlyList<string> Exclude { get; }

    public bool IsAll => Include.Count == 0 && Exclude.Count == 0;

    /// <summary>Whether a source path or function name counts.</summary>
    public bool Counts(string pathOrName) =>
        (_include.Length == 0 || _include.Any(r => r.IsMatch(pathOrName))) && !_exclude.Any(r => r.IsMatch(pathOrName));

    public override string ToString() =>
        IsAll ? "everything" : string.Join(", ", new[] { Include.Count > 0 ? "include " + string.Join(";", Include) : null, Exclude.Count > 0 ? "exclude " + string.Join(";", Exclude) : null }.Where(s => s is not null));

    private static IEnumerable<string> Split(IEnumerable<string> lists) =>
        lists.SelectMany(list => list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal);

    private static Regex Compile(string glob)
    {
        var pattern = new StringBuilder(glob.StartsWith('/') || glob.StartsWith("**", StringComparison.Ordinal) ? "^" : "^(?:.*/)?");
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                // "**/" also matches no directory at all: "a/**/b" matches "a/b".
                bool slash = i + 2 < glob.Length && glob[i + 2] == '/';
                pattern.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') pattern.Append("[^/]*");
            else if (c == '?') pattern.Append("[^/]");
            else pattern.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }
}
