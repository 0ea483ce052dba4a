namespace WasmProbe.Engine.Wasi;

/// <summary>A directory the guest sees through WASI: <see cref="HostPath"/> (null: a fresh temporary directory per
/// guest instance, deleted with it) opened at <see cref="GuestPath"/>, read-only unless <see cref="Writable"/>.</summary>
public sealed record PreopenedDirectory(string? HostPath, string GuestPath, bool Writable = false)
{
    /// <summary>A new empty directory for each guest instance (each probe run, each <c>Instantiate()</c>).</summary>
    public static PreopenedDirectory Temporary(string guestPath, bool writable = true) => new(null, guestPath, writable);

    public bool IsTemporary => HostPath is null;

    public override string ToString() => $"{HostPath ?? WasiSpecs.TemporaryHost}{WasiSpecs.Separator}{GuestPath}{WasiSpecs.Separator}{(Writable ? "rw" : "ro")}";
}

/// <summary>The text forms of WASI settings shared by <c>[WasmModule]</c> (checked by the generator, which compiles
/// this file in), the CLI (<c>--env</c>, <c>--dir</c>) and the runtime: one parser, one set of messages.
/// <list type="bullet">
/// <item>Environment variable: <c>NAME=value</c> (the name is not empty and has no <c>=</c>; the value may be empty).</item>
/// <item>Directory: <c>HOST::GUEST</c> or <c>HOST::GUEST::ro</c> / <c>::rw</c> (read-only by default, as Wasmtime's
/// <c>--dir</c> with <c>::</c>); <c>HOST</c> is a host path (relative: to the project directory in tests, to the
/// current directory in the CLI) or <c>{temp}</c>, a fresh temporary directory per guest instance; <c>GUEST</c> is
/// where the guest finds it, an absolute path or <c>.</c>.</item>
/// </list></summary>
public static class WasiSpecs
{
    public const string Separator = "::";
    public const string TemporaryHost = "{temp}";

    /// <summary>Parses <c>NAME=value</c>; null and the problem when malformed.</summary>
    public static KeyValuePair<string, string>? ParseEnvironment(string? text, out string? problem)
    {
        problem = null;
        int equals = text?.IndexOf('=') ?? -1;
        if (text is null || equals < 0) problem = $"'{text}' is not NAME=value";
        else if (equals == 0) problem = $"'{text}' has an empty variable name";
        else if (text.IndexOf('\0') >= 0) problem = $"'{Printable(text)}' contains a NUL character";
        if (problem is not null) return null;
        return new KeyValuePair<string, string>(text!.Substring(0, equals), text.Substring(equals + 1));
    }

    /// <summary>Parses a list of <c>NAME=value</c>; a name given twice is a problem (it is ambiguous which one wins).</summary>
    public static IReadOnlyDictionary<string, string>? ParseEnvironment(IEnumerable<string?> texts, out string? problem)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            if (ParseEnvironment(text, out problem) is not { } variable) return null;
            if (variables.ContainsKey(variable.Key))
            {
                problem = $"the variable '{variable.Key}' is set twice";
                return null;
            }
            variables.Add(variable.Key, variable.Value);
        }
        problem = null;
        return variables;
    }

    /// <summary>Parses <c>HOST::GUEST[::ro|::rw]</c>; null and the problem when malformed. The host path is returned as
    /// written (resolving a relative one is the caller's: it knows what it is relative to).</summary>
    public static PreopenedDirectory? ParseDirectory(string? text, out string? problem)
    {
        problem = null;
        var parts = (text ?? "").Split([Separator], StringSplitOptions.None);
        if (text is null || parts.Length < 2 || parts.Length > 3)
        {
            problem = $"'{text}' is not HOST::GUEST, HOST::GUEST::ro or HOST::GUEST::rw";
            return null;
        }
        string host = parts[0], guest = parts[1];
        bool writable = false;
        if (parts.Length == 3)
        {
            if (parts[2] == "rw") writable = true;
            else if (parts[2] != "ro") problem = $"'{text}': the mode is '{parts[2]}', not ro or rw";
        }
        if (problem is null && host.Length == 0) problem = $"'{text}' has no host directory (a path, or {TemporaryHost})";
        else if (problem is null && !(guest == "." || guest.StartsWith("/", StringComparison.Ordinal))) problem = $"'{text}': the guest path '{guest}' is not absolute (start it with /) nor '.'";
        else if (problem is null && (text.IndexOf('\0') >= 0)) problem = $"'{Printable(text)}' contains a NUL character";
        if (problem is not null) return null;
        return new PreopenedDirectory(host == TemporaryHost ? null : host, guest, writable);
    }

    /// <summary>Parses a list of directories; a guest path given twice is a problem.</summary>
    public static IReadOnlyList<PreopenedDirectory>? ParseDirectories(IEnumerable<string?> texts, out string? problem)
    {
        var directories = new List<PreopenedDirectory>();
        foreach (var text in texts)
        {
            if (ParseDirectory(text, out problem) is not { } directory) return null;
            if (directories.Any(d => d.GuestPath == directory.GuestPath))
            {
                problem = $"the guest path '{directory.GuestPath}' is opened twice";
                return null;
            }
            directories.Add(directory);
        }
        problem = null;
        return directories;
    }

    /// <summary>Parses stdin given as hex bytes (<c>"68 69 0a"</c>: pairs of hex digits, spaces between pairs optional).</summary>
    public static byte[]? ParseHexBytes(string? text, out string? problem)
    {
        problem = null;
        var bytes = new List<byte>();
        string digits = (text ?? "").Replace(" ", "");
        if (digits.Length % 2 != 0) problem = $"'{text}' has an odd number of hex digits";
        for (int i = 0; problem is null && i < digits.Length; i += 2)
        {
            int high = Hex(digits[i]), low = Hex(digits[i + 1]);
            if (high < 0 || low < 0) problem = $"'{text}' is not hex bytes (at '{digits.Substring(i, 2)}')";
            else bytes.Add((byte)(high * 16 + low));
        }
        return problem is null ? bytes.ToArray() : null;
    }

    private static int Hex(char c) => c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : -1;

    private static string Printable(string text) => text.Replace("\0", "\\0");
}
