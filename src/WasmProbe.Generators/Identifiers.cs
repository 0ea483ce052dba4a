using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace WasmProbe.Generators;

/// <summary>C# identifiers from wasm names: characters outside [A-Za-z0-9_] become '_', a leading digit gets a '_',
/// keywords get '@'. Names that collide or that a generated type cannot use fall back to the caller's
/// fallback (local3, global1, ...).</summary>
internal static class Identifiers
{
    /// <summary>Members every generated view already has (from object) or reserves.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length + 1);
        foreach (char c in name) sb.Append(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' ? c : '_');
        if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;

    /// <summary>Assigns identifiers for a list of (index, wasm name or null): sanitized names where unique and
    /// allowed, else <paramref name="fallback"/>+index.</summary>
    public static string[] Assign(IReadOnlyList<string?> names, string fallback, IEnumerable<string> taken)
    {
        var used = new HashSet<string>(taken, StringComparer.Ordinal);
        foreach (string r in Reserved) used.Add(r);
        var result = new string?[names.Count];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var sanitized = new string?[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is not { Length: > 0 } name) continue;
            string s = Sanitize(name);
            sanitized[i] = s;
            counts[s] = counts.TryGetValue(s, out int c) ? c + 1 : 1;
        }
        // Names first (unique ones win their name), then fallbacks for the rest.
        for (int i = 0; i < names.Count; i++)
        {
            if (sanitized[i] is { } s && counts[s] == 1 && !used.Contains(s))
            {
                result[i] = s;
                used.Add(s);
            }
        }
        for (int i = 0; i < names.Count; i++)
        {
            if (result[i] is not null) continue;
            string candidate = fallback + i.ToString(CultureInfo.InvariantCulture);
            while (used.Contains(candidate)) candidate = "_" + candidate;
            result[i] = candidate;
            used.Add(candidate);
        }
        return result.Select(r => Escape(r!)).ToArray();
    }

    /// <summary>A type-name part from a function name: sanitized, first letter upper-cased (fib -> Fib).</summary>
    public static string TypePart(string? functionName, int index)
    {
        if (functionName is null) return "Func" + index.ToString(CultureInfo.InvariantCulture);
        string s = Sanitize(functionName).TrimStart('_');
        if (s.Length == 0 || char.IsDigit(s[0])) s = "F" + s;
        return char.ToUpperInvariant(s[0]) + s.Substring(1);
    }

    public static string Literal(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ' || c > '~') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Text for XML doc comments.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
