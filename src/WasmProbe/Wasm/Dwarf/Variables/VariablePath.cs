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
/// applies to everything after it. In Rust, <c>.</c> also reaches through a reference (auto-deref). A path is checked
/// against types alone (<see cref="TypeOf"/>, as the source generator checks <c>[ExpectVariable]</c>) or resolved to
/// a value at a stop (<see cref="Resolve"/>); both take the same steps with the same errors.</summary>
public static class VariablePath
{
    /// <exception cref="VariablePathException">The path is malformed, names no variable in scope, or takes a step the
    /// type does not allow.</exception>
    /// <exception cref="DwarfFormatException">The DWARF of a variable on the path is malformed.</exception>
    public static VariableValue Resolve(string path, IReadOnlyList<DwarfVariable> inScope, int pc, IFrameState frame)
    {
        var parsed = Parse(path, inScope);
        var value = parsed.Variable.Evaluate(pc, frame);
        foreach (var step in parsed.Steps)
        {
            var type = Check(step, value.Type, parsed, inScope);
            VariableValue? next = step.Kind switch
            {
                StepKind.Member => (step.Arrow || type.IsPointer ? value.Dereference() : value)?.Member(step.Member!),
                StepKind.Index => value.Element(step.Index),
                _ => value.Dereference(),
            };
            value = next ?? throw StepFailed(step, type, parsed, inScope);
        }
        return value;
    }

    /// <summary>The type the path ends at, checked against the types of the variables in scope (without a frame: a
    /// Rust enum's field is looked up in every variant, a slice's length is not known).</summary>
    /// <exception cref="VariablePathException">As <see cref="Resolve"/>.</exception>
    /// <exception cref="DwarfFormatException">The DWARF of a type on the path is malformed.</exception>
    public static DwarfType TypeOf(string path, IReadOnlyList<DwarfVariable> inScope) => TypeOf(Parse(path, inScope), inScope);

    /// <summary>The variable the path starts from, with <see cref="TypeOf"/>'s check of the rest.</summary>
    /// <exception cref="VariablePathException">As <see cref="Resolve"/>.</exception>
    public static (DwarfVariable Variable, DwarfType Type) Check(string path, IReadOnlyList<DwarfVariable> inScope)
    {
        var parsed = Parse(path, inScope);
        return (parsed.Variable, TypeOf(parsed, inScope));
    }

    private static DwarfType TypeOf(ParsedPath parsed, IReadOnlyList<DwarfVariable> inScope)
    {
        var type = parsed.Variable.Type;
        foreach (var step in parsed.Steps)
        {
            var resolved = Check(step, type, parsed, inScope);
            DwarfType? next = step.Kind switch
            {
                StepKind.Member => MemberType(step.Arrow || resolved.IsPointer ? resolved.Target!.Resolved : resolved, step.Member!),
                StepKind.Index => ElementType(resolved, step.Index),
                _ => resolved.Target,
            };
            type = next ?? throw StepFailed(step, resolved, parsed, inScope);
        }
        return type;
    }

    private enum StepKind
    {
        Member,
        Index,
        Dereference,
    }

    private sealed record Step(StepKind Kind, int Position, string? Member = null, bool Arrow = false, long Index = 0);

    private sealed record ParsedPath(string Text, DwarfVariable Variable, List<Step> Steps)
    {
        /// <summary>How messages name the value a step applies to: the path up to the step.</summary>
        public string Before(Step step) => step.Kind == StepKind.Dereference
            ? Text.Substring(step.Position + 1).Trim()
            : Text.Substring(0, step.Position).Trim().TrimStart('*', ' ');
    }

    /// <summary>The grammar: derefs first (applied last, to everything after them), a name, then members and indices.</summary>
    private static ParsedPath Parse(string path, IReadOnlyList<DwarfVariable> inScope)
    {
        Compat.ThrowIfNull(path, nameof(path));
        int i = Space(path, 0);
        var derefs = new List<Step>();
        while (i < path.Length && path[i] == '*')
        {
            derefs.Add(new Step(StepKind.Dereference, i));
            i = Space(path, i + 1);
        }
        int nameAt = i;
        string name = Identifier(path, ref i, inScope);
        var variable = inScope.FirstOrDefault(v => v.Name == name)
            ?? throw new VariablePathException(VariablePathError.UnknownVariable, path, nameAt,
                $"no variable '{name}' in scope; in scope: {InScopeList(inScope)}", inScope);
        var steps = new List<Step>();
        while ((i = Space(path, i)) < path.Length)
        {
            int stepAt = i;
            if (path[i] == '.' || (path[i] == '-' && i + 1 < path.Length && path[i + 1] == '>'))
            {
                bool arrow = path[i] == '-';
                i = Space(path, i + (arrow ? 2 : 1));
                steps.Add(new Step(StepKind.Member, stepAt, Identifier(path, ref i, inScope), arrow));
            }
            else if (path[i] == '[')
            {
                i = Space(path, i + 1);
                long index = Index(path, ref i, inScope);
                i = Space(path, i);
                if (i >= path.Length || path[i] != ']') throw Error(VariablePathError.Syntax, path, i, "']' expected", inScope);
                i++;
                steps.Add(new Step(StepKind.Index, stepAt, Index: index));
            }
            else
            {
                throw Error(VariablePathError.Syntax, path, i, $"unexpected '{path[i]}'", inScope);
            }
        }
        derefs.Reverse();
        steps.AddRange(derefs);
        return new ParsedPath(path, variable, steps);
    }

    /// <summary>The variables in scope as messages list them: <c>n (int), a (int *)</c>.</summary>
    public static string InScopeList(IReadOnlyList<DwarfVariable> inScope) =>
        inScope.Count == 0 ? "none" : string.Join(", ", inScope.Select(v => $"{v.Name} ({v.Type.Name})"));

    /// <summary>Whether the type allows the step (the rules both walks share); the resolved type.</summary>
    private static DwarfType Check(Step step, DwarfType type, ParsedPath parsed, IReadOnlyList<DwarfVariable> inScope)
    {
        var resolved = type.Resolved;
        switch (step.Kind)
        {
            case StepKind.Member:
                bool throughPointer = step.Arrow || (resolved.IsPointer && type.Language == SourceLanguage.Rust);
                if (throughPointer && !resolved.IsPointer) throw Error(VariablePathError.NotAPointer, parsed.Text, step.Position, $"'{parsed.Before(step)}' is not a pointer ({type.Name})", inScope);
                var aggregate = throughPointer ? resolved.Target!.Resolved : resolved;
                if (!aggregate.IsAggregate)
                {
                    string hint = !throughPointer && resolved.IsPointer ? " (use '->' for a pointer)" : "";
                    throw Error(VariablePathError.NotAStructure, parsed.Text, step.Position, $"'{parsed.Before(step)}' is not a structure or union ({type.Name}){hint}", inScope);
                }
                return throughPointer ? resolved : aggregate;
            case StepKind.Index:
                bool indexable = resolved.Kind == DwarfTypeKind.Array || resolved.IsPointer || VariableValue.IsRustSlice(resolved);
                if (!indexable) throw Error(VariablePathError.NotIndexable, parsed.Text, step.Position, $"'{parsed.Before(step)}' is not an array or pointer ({type.Name})", inScope);
                return resolved;
            default:
                if (!resolved.IsPointer) throw Error(VariablePathError.NotAPointer, parsed.Text, step.Position, $"'{parsed.Before(step)}' is not a pointer ({type.Name})", inScope);
                return resolved;
        }
    }

    /// <summary>The error of a step the type allows but the value (or the type's members) does not have.</summary>
    private static VariablePathException StepFailed(Step step, DwarfType type, ParsedPath parsed, IReadOnlyList<DwarfVariable> inScope)
    {
        string before = parsed.Before(step);
        if (step.Kind == StepKind.Index)
            return Error(VariablePathError.IndexOutOfRange, parsed.Text, step.Position, $"index {step.Index} is out of range for '{before}' ({type.Name})", inScope);
        if (step.Kind == StepKind.Dereference)
            return Error(VariablePathError.NotAPointer, parsed.Text, step.Position, $"'{before}' is not a pointer ({type.Name})", inScope);
        var aggregate = type.IsPointer ? type.Target!.Resolved : type;
        return Error(VariablePathError.NoSuchMember, parsed.Text, step.Position,
            $"{aggregate.Name} has no member '{step.Member}'; its members: {string.Join(", ", MemberNames(aggregate))}", inScope);
    }

    /// <summary>The names a member step can take: the data members, or for a Rust enum every variant's fields.</summary>
    private static IEnumerable<string> MemberNames(DwarfType aggregate) =>
        (aggregate.VariantPart is { } part ? part.Variants.SelectMany(v => v.Members).SelectMany(m => m.Type.Resolved.Members) : aggregate.Members)
        .Select(m => m.Name).OfType<string>().Distinct();

    private static DwarfType? MemberType(DwarfType aggregate, string name)
    {
        if (aggregate.VariantPart is not { } part) return aggregate.Member(name)?.Type;
        foreach (var variant in part.Variants.SelectMany(v => v.Members))
        {
            if (variant.Type.Resolved.Member(name) is { } field) return field.Type;
        }
        return null;
    }

    private static DwarfType? ElementType(DwarfType indexable, long index)
    {
        if (VariableValue.IsRustSlice(indexable)) return indexable.Member("data_ptr")!.Type.Resolved.Target;
        if (indexable.IsPointer) return indexable.Target;
        if (indexable.Dimensions.Count > 0 && indexable.Dimensions[0] is { } count && index >= count) return null;
        return indexable.ElementType;
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
