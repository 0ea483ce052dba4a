using Die = WasmProbe.Wasm.Dwarf.DebugInfoReader.Die;
using UnitContext = WasmProbe.Wasm.Dwarf.DebugInfoReader.UnitContext;

namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>Reads the variables of a function (its scope tree) the first time they are asked for, and of a unit (its
/// globals) likewise; thread-safe.</summary>
internal sealed class VariableReader(DebugInfoReader info)
{
    private const int MaxReferenceChain = 16;

    private readonly Dictionary<int, Scope> _functions = [];
    private readonly Dictionary<int, List<DwarfVariable>> _globals = [];
    private readonly TypeReader _types = new(info);

    /// <summary>The variables visible at <paramref name="pc"/> in <paramref name="function"/> (a concrete function or an
    /// inlined copy; the variables of copies inlined into it are theirs): innermost scope first, in declaration order
    /// within a scope, then the unit's globals; a name declared in an inner scope hides the outer ones.</summary>
    public IReadOnlyList<DwarfVariable> VariablesAt(DwarfFunction function, int pc)
    {
        var chain = ScopeChain(function, pc);
        var innermost = chain[chain.Count - 1];
        // The same for every pc of the innermost scope: kept there (a benign race if two threads compute it).
        if (innermost.Visible is { } known) return known;
        var visible = new List<DwarfVariable>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            foreach (var variable in chain[i].Variables)
            {
                if (names.Add(variable.Name)) visible.Add(variable);
            }
        }
        foreach (var variable in Globals(function.Unit.Context!))
        {
            if (names.Add(variable.Name)) visible.Add(variable);
        }
        return innermost.Visible = visible;
    }

    /// <summary>The innermost lexical block of <paramref name="function"/> holding <paramref name="pc"/> (the function's
    /// own scope when no block does): an identity, for grouping pcs by scope.</summary>
    public object InnermostScope(DwarfFunction function, int pc)
    {
        var chain = ScopeChain(function, pc);
        return chain[chain.Count - 1];
    }

    /// <summary>The function's scope, then each nested block holding the pc, outermost first.</summary>
    private List<Scope> ScopeChain(DwarfFunction function, int pc)
    {
        var chain = new List<Scope>();
        for (var scope = ScopeOf(function); scope is not null;)
        {
            chain.Add(scope);
            Scope? inner = null;
            foreach (var child in scope.Children)
            {
                if (child.Contains(pc))
                {
                    inner = child;
                    break;
                }
            }
            scope = inner;
        }
        return chain;
    }

    private Scope ScopeOf(DwarfFunction function)
    {
        lock (_functions)
        {
            if (!_functions.TryGetValue(function.DieOffset, out var scope)) _functions[function.DieOffset] = scope = ReadScopes(function);
            return scope;
        }
    }

    /// <summary>Walks the function's DIE tree once, without recursion: parameters, variables and lexical blocks are
    /// kept; the subtrees of inlined copies, nested functions and types are passed over.</summary>
    private Scope ReadScopes(DwarfFunction function)
    {
        var unit = function.Unit.Context!;
        var root = new Scope(function.Ranges);
        var die = info.ReadDie(unit, function.DieOffset);
        if (!die.HasChildren) return root;
        var frameBase = FrameBaseOf(function);
        var scopes = new List<Scope?> { root };
        int position = die.End;
        while (scopes.Count > 0 && position < unit.End)
        {
            var child = info.ReadDie(unit, position);
            position = child.End;
            if (child.IsNull)
            {
                scopes.RemoveAt(scopes.Count - 1);
                continue;
            }
            var scope = scopes[scopes.Count - 1];
            Scope? inner = null;
            if (scope is not null)
            {
                switch (child.Tag)
                {
                    case DwarfTag.FormalParameter:
                    case DwarfTag.Variable:
                        if (Variable(child, function, frameBase, child.Tag == DwarfTag.FormalParameter ? VariableKind.Parameter : VariableKind.Local) is { } variable) scope.Variables.Add(variable);
                        break;
                    case DwarfTag.LexicalBlock:
                        inner = new Scope(info.PcRanges(child));
                        scope.Children.Add(inner);
                        break;
                }
            }
            if (child.HasChildren) scopes.Add(inner);
        }
        return root;
    }

    /// <summary>DW_AT_frame_base of the concrete function the code of <paramref name="function"/> is in.</summary>
    private LocationDescription? FrameBaseOf(DwarfFunction function)
    {
        var concrete = function;
        while (concrete.Caller is not null) concrete = concrete.Caller;
        var die = info.ReadDie(concrete.Unit.Context!, concrete.DieOffset);
        return die.TryGet(DwarfAttribute.FrameBase, out var v) ? LocationDescription.Read(info, die, v) : null;
    }

    public List<DwarfVariable> Globals(UnitContext unit)
    {
        lock (_globals)
        {
            if (_globals.TryGetValue(unit.Start, out var globals)) return globals;
            globals = [];
            var root = info.ReadDie(unit, unit.FirstDie);
            foreach (var child in info.Children(root))
            {
                if (child.Tag == DwarfTag.Variable && !child.Has(DwarfAttribute.Declaration) && Variable(child, null, null, VariableKind.Global) is { } variable) globals.Add(variable);
            }
            _globals[unit.Start] = globals;
            return globals;
        }
    }

    private DwarfVariable? Variable(Die die, DwarfFunction? function, LocationDescription? frameBase, VariableKind kind)
    {
        string? name = null;
        long typeOffset = -1;
        int line = 0;
        // Name, type and line may be on the abstract origin (inlined and out-of-line copies) or the declaration.
        var source = die;
        for (int hops = 0; hops < MaxReferenceChain; hops++)
        {
            if (name is null && source.TryGet(DwarfAttribute.Name, out var n)) name = info.String(source.Unit, n);
            if (typeOffset < 0) typeOffset = TypeReader.TypeOffset(source);
            if (line == 0 && source.TryGet(DwarfAttribute.DeclLine, out var l)) line = (int)Math.Min(l.U, int.MaxValue);
            if (!source.TryGet(DwarfAttribute.AbstractOrigin, out var origin) && !source.TryGet(DwarfAttribute.Specification, out origin)) break;
            if (info.ReferencedDie(source, origin) is not { } next) break;
            source = next;
        }
        if (name is null) return null; // artificial unnamed parameters cannot be referred to
        LocationDescription? location = null;
        byte[]? constant = null;
        if (die.TryGet(DwarfAttribute.Location, out var loc))
        {
            location = LocationDescription.Read(info, die, loc);
            if (kind == VariableKind.Local && IsFixedAddress(location, die.Unit)) kind = VariableKind.Static;
        }
        else if (die.TryGet(DwarfAttribute.ConstValue, out var value))
        {
            constant = ConstantBytes(value);
        }
        var type = typeOffset < 0 ? DwarfType.Void(SourceLanguages.Of(die.Unit.Unit.Language)) : _types.TypeAt(typeOffset);
        return new DwarfVariable(this, name, type, kind, function, location, frameBase, constant, die.Unit) { DeclarationLine = line };
    }

    private static bool IsFixedAddress(LocationDescription location, UnitContext unit) =>
        !location.IsList && location.TryFind(0, out var e) && e.Length > 0 && e.Section.Data[e.Start] is DwarfOp.Addr or DwarfOp.Addrx;

    /// <summary>DW_AT_const_value as the value's bytes (little-endian for the data forms).</summary>
    private byte[] ConstantBytes(DebugInfoReader.Value value)
    {
        if (DebugInfoReader.IsBlockForm(value.Form))
        {
            var bytes = new byte[value.U];
            Array.Copy(info.Sections.Info.Data, value.Position, bytes, 0, bytes.Length);
            return bytes;
        }
        return BitConverter.GetBytes(value.U);
    }

    public bool HasLocation(LocationDescription location, int pc) =>
        location.TryFind(unchecked((ulong)(pc - info.Code.CodeBase)), out var expression) && expression.Length > 0;

    public VariableLocation Evaluate(LocationDescription location, LocationDescription? frameBase, UnitContext unit, int pc, IFrameState frame)
    {
        ulong address = unchecked((ulong)(pc - info.Code.CodeBase));
        if (!location.TryFind(address, out var expression)) return VariableLocation.Unavailable(FormattableString.Invariant($"no location at pc 0x{pc:x}"));
        Func<EvaluatedFrameBase>? fb = frameBase is null ? null : () => EvaluateFrameBase(frameBase, unit, address, frame);
        return new LocationEvaluator(info, unit, frame, fb).Evaluate(expression);
    }

    private EvaluatedFrameBase EvaluateFrameBase(LocationDescription frameBase, UnitContext unit, ulong address, IFrameState frame)
    {
        if (!frameBase.TryFind(address, out var expression)) return new EvaluatedFrameBase(0, "no frame base at this pc");
        var location = new LocationEvaluator(info, unit, frame, null).Evaluate(expression);
        if (!location.IsAvailable) return new EvaluatedFrameBase(0, location.UnavailableReason);
        if (location.Pieces.Count != 1) return new EvaluatedFrameBase(0, "the frame base is in pieces");
        var piece = location.Pieces[0];
        return piece.Kind switch
        {
            LocationKind.Memory => new EvaluatedFrameBase(piece.Address, null),
            LocationKind.ImplicitBytes or LocationKind.OptimizedOut => new EvaluatedFrameBase(0, "the frame base is not an address"),
            _ => new EvaluatedFrameBase(piece.Value, null),
        };
    }
}
