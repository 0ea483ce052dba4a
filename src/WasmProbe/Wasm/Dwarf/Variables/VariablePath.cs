using System.Globalization;
using WasmProbe.Wasm.Polyfills;

namespace WasmProbe.Wasm.Dwarf.Variables;

public enum VariablePathError
{
    /// <summary>The path does not follow the grammar.</summary>
    Syntax,
    /// <summary>No variable of that name is in scope (<see cref="VariablePathException.InScope"/> lists those that are).</summary>
    UnknownVariable,
    /// <summary><c>.name</c> or <c>-&gt;name</c> on a structure or union without that member.</summary>
    NoSuchMember,
    /// <summary><c>.name</c> on a value that is not a structure or union.</summary>
    NotAStructure,
    /// <summary><c>*</c> or <c>-&gt;</c> on a value that is not a pointer.</summary>
    NotAPointer,
    /// <summary><c>[i]</c> on a value that is not an array, slice or pointer.</summary>
    NotIndexable,
    /// <summary><c>[i]</c> past the known element count.</summary>
    IndexOutOfRange,
}

/// <summary>A path that does not fit the variables in scope or their types.</summary>
public sealed class VariablePathException(VariablePathError error, string path, int position, string message, IReadOnlyList<DwarfVariable> inScope)
    : Exception(message)
{
    public VariablePathError Error { get; } = error;
    public string Path { get; } = path;

    /// <summary>Where in <see cref="Path"/> the failing step starts.</summary>
    public int Position { get; } = position;

    /// <summary>The variables that were in scope.</summary>
    public IReadOnlyList<DwarfVariable> InScope { get; } = inScope;
}

/// <summary>Resolves paths into variables: <c>name</c>, <c>name.field</c>, <c>name[3]</c>, <c>name-&gt;field</c>,
/// <c>*name</c>, and combinations (<c>it.tag[1]</c>, <c>items[2].qty</c>, <c>*p-&gt;next</c>). As in C, <c>*</c>
/// applies to everything after it. In Rust, <c>.</c> also reaches through a reference (auto-deref).</summary>
public static class VariablePath
{
    /// <exception cref="VariablePathException">The path is malformed, names no variable in scope, or takes a step the
    /// type does not allow.</exception>
    /// <exception cref="DwarfFormatException">The DWARF of a variable on the path is malformed.</exception>
    public static VariableValue Resolve(string path, IReadOnlyList<DwarfVariable> inScope, int pc, IFrameState frame)
    {
        Compat.ThrowIfNull(path, nameof(path));
        int i = Space(path, 0);
        int derefs = 0;
        var derefAt = new List<int>();
        while (i < path.Length && path[i] == '*')
        {
            derefAt.Add(i);
            derefs++;
            i = Space(path, i + 1);
        }
        int nameAt = i;
        string name = Identifier(path, ref i, inScope);
        var variable = inScope.FirstOrDefault(v => v.Name == name)
            ?? throw new VariablePathException(VariablePathError.UnknownVariable, path, nameAt,
                $"no variable '{name}' in scope; in scope: {(inScope.Count == 0 ? "none" : string.Join(", ", inScope.Select(v => $"{v.Name} ({v.Type.Name})")))}", inScope);
        var value = variable.Evaluate(pc, frame);
        while ((i = Space(path, i)) < path.Length)
        {
            int stepAt = i;
            if (path[i] == '.' || (path[i] == '-' && i + 1 < path.Length && path[i + 1] == '>'))
            {
                bool arrow = path[i] == '-';
                i = Space(path, i + (arrow ? 2 : 1));
                string member = Identifier(path, ref i, inScope);
                if (arrow || (value.Type.Resolved.IsPointer && value.Type.Language == SourceLanguage.Rust))
                {
                    value = value.Dereference() ?? throw Error(VariablePathError.NotAPointer, path, stepAt, $"'{value.Expression}' is not a pointer ({value.Type.Name})", inScope);
                }
                value = Member(value, member, path, stepAt, arrow, inScope);
            }
            else if (path[i] == '[')
            {
                i = Space(path, i + 1);
                long index = Index(path, ref i, inScope);
                i = Space(path, i);
                if (i >= path.Length || path[i] != ']') throw Error(VariablePathError.Syntax, path, i, "']' expected", inScope);
                i++;
                var resolved = value.Type.Resolved;
                bool indexable = resolved.Kind == DwarfTypeKind.Array || resolved.IsPointer || VariableValue.IsRustSlice(resolved);
                if (!indexable) throw Error(VariablePathError.NotIndexable, path, stepAt, $"'{value.Expression}' is not an array or pointer ({value.Type.Name})", inScope);
                value = value.Element(index) ?? throw Error(VariablePathError.IndexOutOfRange, path, stepAt, $"index {index} is out of range for '{value.Expression}' ({value.Type.Name})", inScope);
            }
            else
            {
                throw Error(VariablePathError.Syntax, path, i, $"unexpected '{path[i]}'", inScope);
            }
        }
        for (int d = derefs - 1; d >= 0; d--)
        {
            value = value.Dereference() ?? throw Error(VariablePathError.NotAPointer, path, derefAt[d], $"'{value.Expression}' is not a pointer ({value.Type.Name})", inScope);
        }
        return value;
    }

    private static VariableValue Member(VariableValue value, string member, string path, int at, bool arrow, IReadOnlyList<DwarfVariable> inScope)
    {
        var type = value.Type.Resolved;
        if (!type.IsAggregate)
        {
            string hint = !arrow && type.IsPointer ? " (use '->' for a pointer)" : "";
            throw Error(VariablePathError.NotAStructure, path, at, $"'{value.Expression}' is not a structure or union ({value.Type.Name}){hint}", inScope);
        }
        return value.Member(member) ?? throw Error(VariablePathError.NoSuchMember, path, at,
            $"{value.Type.Name} has no member '{member}'; its members: {string.Join(", ", value.VisibleMembers().Select(m => m.Member.Name).OfType<string>())}", inScope);
    }

    private static VariablePathException Error(VariablePathError error, string path, int at, string message, IReadOnlyList<DwarfVariable> inScope) =>
        new(error, path, at, message, inScope);

    private static int Space(string path, int i)
    {
        while (i < path.Length && char.IsWhiteSpace(path[i])) i++;
        return i;
    }

    private static string Identifier(string path, ref int i, IReadOnlyList<DwarfVariable> inScope)
    {
        int start = i;
        if (i < path.Length && (char.IsLetter(path[i]) || path[i] == '_'))
        {
            while (i < path.Length && (char.IsLetterOrDigit(path[i]) || path[i] == '_')) i++;
        }
        if (i == start) throw Error(VariablePathError.Syntax, path, i, "a name expected", inScope);
        return path.Substring(start, i - start);
    }

    private static long Index(string path, ref int i, IReadOnlyList<DwarfVariable> inScope)
    {
        int start = i;
        bool hex = i + 1 < path.Length && path[i] == '0' && (path[i + 1] == 'x' || path[i + 1] == 'X');
        if (hex) i += 2;
        int digits = i;
        while (i < path.Length && (hex ? Uri.IsHexDigit(path[i]) : Compat.IsAsciiDigit(path[i]))) i++;
        string text = path.Substring(digits, i - digits);
        if (text.Length == 0 || !long.TryParse(text, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out long index) || index < 0)
            throw Error(VariablePathError.Syntax, path, start, "an index (a non-negative integer) expected", inScope);
        return index;
    }
}
