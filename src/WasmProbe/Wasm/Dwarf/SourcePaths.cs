using System.Text;

namespace WasmProbe.Wasm.Dwarf;

/// <summary>Joins and compares source paths as DWARF writes them (POSIX or Windows style, whatever the host is).</summary>
public static class SourcePaths
{
    public static bool IsAbsolute(string path) =>
        path.Length > 0 && (path[0] == '/' || path[0] == '\\' || (path.Length >= 2 && path[1] == ':' && char.IsLetter(path[0])));

    /// <summary><paramref name="name"/> relative to <paramref name="directory"/> (unless absolute), normalized.</summary>
    public static string Join(string? directory, string name)
    {
        if (IsAbsolute(name) || string.IsNullOrEmpty(directory)) return Normalize(name);
        if (name.Length == 0) return Normalize(directory!);
        char separator = directory!.IndexOf('/') < 0 && directory.IndexOf('\\') >= 0 ? '\\' : '/';
        return Normalize(directory + separator + name);
    }

    /// <summary>Removes empty and "." segments and resolves ".." lexically (a leading ".." of a relative path stays).</summary>
    public static string Normalize(string path)
    {
        if (path.Length == 0) return path;
        if (path.IndexOf("/.", StringComparison.Ordinal) < 0 && path.IndexOf("\\.", StringComparison.Ordinal) < 0
            && path.IndexOf("//", StringComparison.Ordinal) < 0 && !path.StartsWith(".", StringComparison.Ordinal)
            && path.IndexOf('\\') < 0)
            return path;
        char separator = path.IndexOf('/') < 0 && path.IndexOf('\\') >= 0 ? '\\' : '/';
        string root = "";
        int start = 0;
        if (path.Length >= 2 && path[1] == ':' && char.IsLetter(path[0]))
        {
            root = path.Substring(0, 2);
            start = 2;
        }
        if (start < path.Length && (path[start] == '/' || path[start] == '\\'))
        {
            root += separator;
            start++;
        }
        var parts = new List<string>();
        foreach (var part in path.Substring(start).Split('/', '\\'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            if (part == ".." && root.Length > 0) continue; // "/.." is "/"
            parts.Add(part);
        }
        var builder = new StringBuilder(path.Length);
        builder.Append(root);
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0) builder.Append(separator);
            builder.Append(parts[i]);
        }
        return builder.Length == 0 ? "." : builder.ToString();
    }

    /// <summary>The last segment of a path.</summary>
    public static string FileName(string path)
    {
        int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash < 0 ? path : path.Substring(slash + 1);
    }

    /// <summary>How <paramref name="query"/> names <paramref name="path"/>: 3 = the same full path, 2 = a path suffix of
    /// whole segments ("src/sum.c" for "/home/me/src/sum.c"), 1 = ... which includes a bare file name, 0 = no match.
    /// Separators compare equal whichever way they lean.</summary>
    public static int Match(string path, string query)
    {
        if (query.Length == 0) return 0;
        string p = Slashes(path), q = Slashes(Normalize(query));
        if (string.Equals(p, q, StringComparison.Ordinal)) return 3;
        if (p.Length > q.Length && p.EndsWith(q, StringComparison.Ordinal) && p[p.Length - q.Length - 1] == '/' && q[0] != '/')
            return q.IndexOf('/') >= 0 ? 2 : 1;
        return 0;
    }

    private static string Slashes(string path) => path.IndexOf('\\') < 0 ? path : path.Replace('\\', '/');
}
