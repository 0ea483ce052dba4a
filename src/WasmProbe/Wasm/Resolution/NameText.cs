using System.Globalization;

namespace WasmProbe.Wasm.Resolution;

/// <summary>How every front end reads a name written by a user: surrounding white space is ignored, a leading
/// <c>$</c> (the text format's sigil) is dropped, and digits alone are an index (<c>$5</c> is the name "5").</summary>
/// <param name="Name">The name without white space or sigil (the digits when <paramref name="IsIndex"/>).</param>
/// <param name="Index">When <paramref name="IsIndex"/>: the index, or -1 when it does not fit a long.</param>
internal readonly record struct NameText(string Name, bool IsIndex, long Index)
{
    public static NameText Parse(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed.All(c => c >= '0' && c <= '9'))
            return new NameText(trimmed, true, long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out long index) ? index : -1);
        string name = trimmed.Length > 1 && trimmed[0] == '$' ? trimmed.Substring(1) : trimmed;
        return new NameText(name, false, -1);
    }

    /// <summary>N when <paramref name="name"/> is <paramref name="prefix"/> followed by the decimal N (the fallback
    /// names views give unnamed entities: local3, global0), else -1.</summary>
    public static long FallbackIndex(string name, string prefix)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length) return -1;
        string digits = name.Substring(prefix.Length);
        return digits.All(c => c >= '0' && c <= '9') && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1;
    }
}
