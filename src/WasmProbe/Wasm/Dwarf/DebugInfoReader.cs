namespace WasmProbe.Wasm.Dwarf;

/// <summary>Reads <c>.debug_info</c> with <c>.debug_abbrev</c> (DWARF 2-5, 32- and 64-bit): compile units and the
/// functions in the code (concrete subprograms and inlined subroutines), with names resolved through
/// DW_AT_specification / DW_AT_abstract_origin, and ranges from low/high pc, <c>.debug_ranges</c> or
/// <c>.debug_rnglists</c>. Other DIEs are walked but not kept; <see cref="ReadDie"/> reads any DIE again by its offset
/// (for the variable reader, which parses a function's DIEs only when asked).</summary>
internal sealed partial class DebugInfoReader
{
    private const string Info = ".debug_info";
    private const int MaxReferenceChain = 16;

    private readonly DwarfSections _s;
    private readonly CodeIndex _code;
    private readonly Dictionary<int, Dictionary<ulong, Abbreviation>> _abbreviationTables = [];
    private readonly Dictionary<long, NameInfo> _names = [];

    public List<CompileUnit> Units { get; } = [];

    public DwarfSections Sections => _s;
    public CodeIndex Code => _code;
    public List<DwarfFunction> Functions { get; } = [];

    /// <param name="unitsOnly">Read only each unit's root DIE (name, directories, line program, ranges).</param>
    public DebugInfoReader(DwarfSections sections, CodeIndex code, bool unitsOnly = false)
    {
        _s = sections;
        _code = code;
        _unitsOnly = unitsOnly;
    }

    private readonly bool _unitsOnly;

    internal sealed class Abbreviation(int tag, bool hasChildren, (int Attribute, int Form, long Implicit)[] attributes)
    {
        public int Tag { get; } = tag;
        public bool HasChildren { get; } = hasChildren;
        public (int Attribute, int Form, long Implicit)[] Attributes { get; } = attributes;
    }

    /// <summary>What a DIE says about names, kept for every subprogram (and scope) DIE so references can be chased.</summary>
    private sealed class NameInfo
    {
        public string? Name, LinkageName, Scope;
        public long Specification = -1, AbstractOrigin = -1;
    }

    /// <summary>An attribute value before interpretation.</summary>
    internal struct Value
    {
        public int Form;
        public ulong U; // blocks and exprlocs: their length
        public int Position; // DW_FORM_string, blocks and exprlocs: where the data starts in .debug_info
    }

    /// <summary>What reading a unit's DIEs needs, kept on the <see cref="CompileUnit"/> for later reads.</summary>
    internal sealed class UnitContext(CompileUnit unit)
    {
        public readonly CompileUnit Unit = unit;
        public int Start, FirstDie, End, Version;
        public bool Is64;
        public int AddressSize;
        public ulong StrOffsetsBase, AddrBase, RnglistsBase, LoclistsBase;
        public bool HasStrOffsetsBase, HasAddrBase, HasRnglistsBase, HasLoclistsBase;
        public ulong BaseAddress;
        public Dictionary<ulong, Abbreviation> Abbreviations = [];

        /// <summary>The offset in <paramref name="section"/> (<c>.debug_rnglists</c> or <c>.debug_loclists</c>) of the
        /// <paramref name="list"/> a DW_FORM_rnglistx or DW_FORM_loclistx <paramref name="index"/> names, read from the
        /// offsets table at <paramref name="tableBase"/> (DW_AT_*_base), or after the section's first header without one.</summary>
        public ulong IndexedListOffset(DwarfSection section, string list, ulong index, ulong? tableBase)
        {
            int entrySize = Is64 ? 8 : 4;
            ulong baseOffset = tableBase ?? (ulong)(Is64 ? 20 : 12);
            ulong at = baseOffset + index * (ulong)entrySize;
            if (index > int.MaxValue || at + (ulong)entrySize > (ulong)section.Data.Length)
                throw new DwarfFormatException(Info, Start, $"{list} index {index} is outside {section.Name} ({section.Data.Length} bytes)");
            var cursor = new DwarfCursor(section, (int)at, section.Data.Length);
            return baseOffset + cursor.Unsigned(entrySize);
        }
    }

    /// <summary>One DIE as read by <see cref="ReadDie"/>: a null entry (the end of a sibling list) has tag 0.</summary>
    internal readonly struct Die(UnitContext unit, int offset, Abbreviation? abbreviation, Value[] values, int end)
    {
        public UnitContext Unit { get; } = unit;
        public int Offset { get; } = offset;
        public int Tag => abbreviation?.Tag ?? 0;
        public bool IsNull => abbreviation is null;
        public bool HasChildren => abbreviation?.HasChildren ?? false;
        /// <summary>Where the DIE's first child (or next sibling) starts.</summary>
        public int End { get; } = end;

        public bool TryGet(int attribute, out Value value)
        {
            var attributes = abbreviation?.Attributes;
            for (int i = 0; attributes is not null && i < attributes.Length; i++)
            {
                if (attributes[i].Attribute == attribute)
                {
                    value = values[i];
                    return true;
                }
            }
            value = default;
            return false;
        }

        public bool Has(int attribute) => TryGet(attribute, out _);
    }

    public void Read()
    {
        if (!_s.Info.Exists) return;
        var c = new DwarfCursor(_s.Info);
        while (!c.AtEnd)
        {
            int unitStart = c.Position;
            int unitEnd = c.UnitLength(out bool is64);
            var u = new DwarfCursor(_s.Info, c.Position, unitEnd);
            ReadUnit(ref u, unitStart, is64);
            c.Position = unitEnd;
        }
        ResolveNames();
    }

    private void ReadUnit(ref DwarfCursor c, int unitStart, bool is64)
    {
        int versionAt = c.Position;
        int version = c.U16();
        if (version < 2 || version > 5) throw c.Error(versionAt, $"unsupported unit version {version} (2 to 5 are supported)");
        int unitType = 1; // DW_UT_compile
        int addressSize;
        ulong abbrevOffset;
        if (version >= 5)
        {
            unitType = c.U8();
            addressSize = c.U8();
            abbrevOffset = c.Offset(is64);
            if (unitType is 2 or 6) return; // type units: no code
            if (unitType is 4 or 5) c.U64(); // skeleton and split compile units carry a DWO id
            else if (unitType is not (1 or 3)) return; // unknown unit types are skipped by their length
        }
        else
        {
            abbrevOffset = c.Offset(is64);
            addressSize = c.U8();
        }
        if (addressSize is not (1 or 2 or 4 or 8)) throw c.Error(unitStart, $"unsupported address size {addressSize}");
        var abbreviations = Abbreviations(abbrevOffset, unitStart);
        var unit = new CompileUnit(unitStart, version, is64, addressSize);
        var ctx = new UnitContext(unit) { Start = unitStart, FirstDie = c.Position, End = c.End, Version = version, Is64 = is64, AddressSize = addressSize, Abbreviations = abbreviations };
        unit.Context = ctx;
        WalkDies(ctx, rootRead: false, Functions);
    }

    /// <summary>The concrete functions of one unit (with what is inlined in them, names resolved), for a reader made
    /// with <c>unitsOnly</c>: the unit's DIE tree is walked now (the caller keeps the result; one call at a time).</summary>
    /// <exception cref="DwarfFormatException">The unit's DIEs are malformed.</exception>
    public IReadOnlyList<DwarfFunction> FunctionsOf(CompileUnit unit)
    {
        if (!_unitsOnly) throw new InvalidOperationException("a full read has every unit's functions in Functions");
        var functions = new List<DwarfFunction>();
        if (unit.Context is { } ctx) WalkDies(ctx, rootRead: true, functions);
        foreach (var function in functions) Resolve(function);
        return functions;
    }

    /// <param name="rootRead">The unit's root DIE was read before (by a reader made with <c>unitsOnly</c>): walk the
    /// functions below it.</param>
    private void WalkDies(UnitContext ctx, bool rootRead, List<DwarfFunction> concrete)
    {
        var unit = ctx.Unit;
        var abbreviations = ctx.Abbreviations;
        int version = ctx.Version;
        var c = new DwarfCursor(_s.Info, ctx.FirstDie, ctx.End);
        // Walk the DIE tree without recursion: per depth, the function and qualified scope children inherit.
        var functions = new List<DwarfFunction?> { null };
        var scopes = new List<string?> { null };
        int depth = 0;
        bool first = true;
        var values = new Value[64];
        while (!c.AtEnd)
        {
            int dieOffset = c.Position;
            ulong code = c.Uleb();
            if (code == 0)
            {
                if (depth == 0)
                {
                    if (first) break;
                    continue; // padding after the root DIE's children
                }
                depth--;
                continue;
            }
            if (!abbreviations.TryGetValue(code, out var abbreviation))
                throw c.Error(dieOffset, $"abbreviation code {code} is not in the abbreviation table of the unit at .debug_info+0x{ctx.Start:x}");
            if (abbreviation.Attributes.Length > values.Length) values = new Value[abbreviation.Attributes.Length];
            int tag = abbreviation.Tag;
            bool interesting = first || tag is DwarfTag.Subprogram or DwarfTag.InlinedSubroutine or DwarfTag.Namespace
                or DwarfTag.ClassType or DwarfTag.StructureType or DwarfTag.UnionType;
            var attributes = abbreviation.Attributes;
            for (int i = 0; i < attributes.Length; i++)
            {
                var (attribute, form, implicitValue) = attributes[i];
                ReadValue(ref c, ctx, form, implicitValue, ref values[i], version);
            }

            var parentFunction = functions[depth];
            var parentScope = scopes[depth];
            DwarfFunction? function = parentFunction;
            string? scope = parentScope;
            if (first)
            {
                first = false;
                if (!rootRead)
                {
                    ReadUnitDie(ctx, abbreviation, values);
                    Units.Add(unit);
                    if (_unitsOnly) return;
                }
            }
            else if (interesting)
            {
                var info = new NameInfo { Scope = parentScope };
                var pc = PcAttributes.None;
                bool declaration = false;
                int callLine = 0, callColumn = 0;
                long callFile = -1;
                for (int i = 0; i < attributes.Length; i++)
                {
                    ref var v = ref values[i];
                    switch (attributes[i].Attribute)
                    {
                        case DwarfAttribute.Name: info.Name = String(ctx, v); break;
                        case DwarfAttribute.LinkageName:
                        case DwarfAttribute.MipsLinkageName: info.LinkageName = String(ctx, v); break;
                        case DwarfAttribute.Specification: info.Specification = Reference(ctx, v); break;
                        case DwarfAttribute.AbstractOrigin: info.AbstractOrigin = Reference(ctx, v); break;
                        case DwarfAttribute.Declaration: declaration = v.U != 0; break;
                        case DwarfAttribute.CallFile: callFile = (long)Math.Min(v.U, int.MaxValue); break;
                        case DwarfAttribute.CallLine: callLine = (int)Math.Min(v.U, int.MaxValue); break;
                        case DwarfAttribute.CallColumn: callColumn = (int)Math.Min(v.U, int.MaxValue); break;
                        default: pc.Take(this, ctx, attributes[i].Attribute, v); break;
                    }
                }
                if (tag is DwarfTag.Subprogram or DwarfTag.InlinedSubroutine)
                {
                    _names[dieOffset] = info;
                    var pcRanges = declaration ? null : pc.Ranges(this, ctx);
                    // Code the linker removed has tombstone addresses: such functions (and what is inlined in them) are dropped.
                    if (pcRanges is { Count: > 0 } && (tag == DwarfTag.Subprogram || parentFunction is not null))
                    {
                        bool inlined = tag == DwarfTag.InlinedSubroutine;
                        function = new DwarfFunction(unit, dieOffset, inlined, inlined ? parentFunction : null)
                        {
                            Ranges = pcRanges,
                            LinkageName = info.LinkageName,
                            Specification = info.Specification,
                            AbstractOrigin = info.AbstractOrigin,
                            CallFile = (int)callFile,
                        };
                        if (inlined)
                        {
                            parentFunction!._inlined.Add(function);
                            if (callLine > 0) function.CallSite = new SourceLocation("", callLine, callColumn);
                        }
                        else
                        {
                            concrete.Add(function);
                        }
                    }
                    else if (tag == DwarfTag.InlinedSubroutine || pc.HasLowPcOrRanges)
                    {
                        function = null; // dead code: nothing below it is in the module
                    }
                }
                else
                {
                    // A namespace, class, struct or union: qualifies the names of what it contains.
                    string? name = null;
                    for (int i = 0; i < attributes.Length; i++)
                    {
                        if (attributes[i].Attribute == DwarfAttribute.Name) name = String(ctx, values[i]);
                    }
                    scope = name is null ? parentScope : parentScope is null ? name : parentScope + "::" + name;
                    _names[dieOffset] = new NameInfo { Name = name, Scope = parentScope };
                }
            }
            if (abbreviation.HasChildren)
            {
                depth++;
                if (functions.Count <= depth)
                {
                    functions.Add(null);
                    scopes.Add(null);
                }
                functions[depth] = function;
                scopes[depth] = scope;
            }
            else if (depth == 0)
            {
                break; // a root DIE without children
            }
        }
    }

    private void ReadUnitDie(UnitContext ctx, Abbreviation abbreviation, Value[] values)
    {
        var unit = ctx.Unit;
        var attributes = abbreviation.Attributes;
        // Bases first: other attributes of the same DIE may be indices relative to them.
        for (int i = 0; i < attributes.Length; i++)
        {
            switch (attributes[i].Attribute)
            {
                case DwarfAttribute.StrOffsetsBase: ctx.StrOffsetsBase = values[i].U; ctx.HasStrOffsetsBase = true; break;
                case DwarfAttribute.AddrBase:
                case DwarfAttribute.GnuAddrBase: ctx.AddrBase = values[i].U; ctx.HasAddrBase = true; break;
                case DwarfAttribute.RnglistsBase:
                case DwarfAttribute.GnuRangesBase: ctx.RnglistsBase = values[i].U; ctx.HasRnglistsBase = true; break;
                case DwarfAttribute.LoclistsBase: ctx.LoclistsBase = values[i].U; ctx.HasLoclistsBase = true; break;
            }
        }
        var pc = PcAttributes.None;
        for (int i = 0; i < attributes.Length; i++)
        {
            var v = values[i];
            switch (attributes[i].Attribute)
            {
                case DwarfAttribute.Name: unit.Name = String(ctx, v); break;
                case DwarfAttribute.CompDir: unit.CompilationDirectory = String(ctx, v); break;
                case DwarfAttribute.Producer: unit.Producer = String(ctx, v); break;
                case DwarfAttribute.Language: unit.Language = (int)Math.Min(v.U, int.MaxValue); break;
                case DwarfAttribute.StmtList: unit.StatementList = (long)Math.Min(v.U, long.MaxValue); break;
                default: pc.Take(this, ctx, attributes[i].Attribute, v); break;
            }
        }
        if (pc.Low >= 0) ctx.BaseAddress = (ulong)pc.Low;
        if (pc.Ranges(this, ctx) is { } unitRanges) unit.Ranges = unitRanges;
    }

    // ----- abbreviations -----

    private Dictionary<ulong, Abbreviation> Abbreviations(ulong offset, int unitStart)
    {
        if (offset >= (ulong)_s.Abbrev.Data.Length)
            throw new DwarfFormatException(Info, unitStart, $"abbreviation offset 0x{offset:x} is past the end of .debug_abbrev ({_s.Abbrev.Data.Length} bytes)");
        if (_abbreviationTables.TryGetValue((int)offset, out var table)) return table;
        table = [];
        var c = new DwarfCursor(_s.Abbrev, (int)offset, _s.Abbrev.Data.Length);
        var attributes = new List<(int, int, long)>();
        while (true)
        {
            int at = c.Position;
            ulong code = c.Uleb();
            if (code == 0) break;
            int tag = c.UlebInt("tag");
            bool hasChildren = c.U8() != 0;
            attributes.Clear();
            while (true)
            {
                int attributeAt = c.Position;
                int attribute = c.UlebInt("attribute");
                int form = c.UlebInt("form");
                if (attribute == 0 && form == 0) break;
                if (!IsKnownForm(form)) throw c.Error(attributeAt, $"unknown form 0x{form:x}");
                long implicitValue = form == DwarfForm.ImplicitConst ? c.Sleb() : 0;
                attributes.Add((attribute, form, implicitValue));
            }
            if (table.ContainsKey(code)) throw c.Error(at, $"abbreviation code {code} is defined twice");
            table[code] = new Abbreviation(tag, hasChildren, [.. attributes]);
        }
        _abbreviationTables[(int)offset] = table;
        return table;
    }

    private static bool IsKnownForm(int form) =>
        form is >= DwarfForm.Addr and <= DwarfForm.Addrx4 and not 0x02
        || form is DwarfForm.GnuAddrIndex or DwarfForm.GnuStrIndex or DwarfForm.GnuRefAlt or DwarfForm.GnuStrpAlt;

    // ----- DIEs by offset -----

    /// <summary>The DIE at <paramref name="offset"/> of <paramref name="unit"/>'s DIEs.</summary>
    internal Die ReadDie(UnitContext unit, int offset)
    {
        if (offset < unit.FirstDie || offset >= unit.End)
            throw new DwarfFormatException(Info, offset, $"DIE offset 0x{offset:x} is outside the DIEs of its unit [0x{unit.FirstDie:x}, 0x{unit.End:x})");
        var c = new DwarfCursor(_s.Info, offset, unit.End);
        ulong code = c.Uleb();
        if (code == 0) return new Die(unit, offset, null, [], c.Position);
        if (!unit.Abbreviations.TryGetValue(code, out var abbreviation))
            throw c.Error(offset, $"abbreviation code {code} is not in the unit's abbreviation table");
        var attributes = abbreviation.Attributes;
        var values = attributes.Length == 0 ? [] : new Value[attributes.Length];
        for (int i = 0; i < attributes.Length; i++) ReadValue(ref c, unit, attributes[i].Form, attributes[i].Implicit, ref values[i], unit.Version);
        return new Die(unit, offset, abbreviation, values, c.Position);
    }

    /// <summary>The DIE a reference attribute points at (in any unit), or null when the reference is not followed.</summary>
    internal Die? ReferencedDie(Die from, Value reference)
    {
        long offset = Reference(from.Unit, reference);
        if (offset < 0) return null;
        var unit = offset >= from.Unit.FirstDie && offset < from.Unit.End ? from.Unit : UnitContaining(offset);
        if (unit is null) throw new DwarfFormatException(Info, from.Offset, $"reference to 0x{offset:x} is outside every unit");
        return ReadDie(unit, (int)offset);
    }

    /// <summary>The DIE at an absolute <c>.debug_info</c> offset, in whichever unit holds it.</summary>
    internal Die DieAt(long offset)
    {
        var unit = UnitContaining(offset) ?? throw new DwarfFormatException(Info, Math.Max(0, offset), $"DIE offset 0x{offset:x} is outside every unit");
        return ReadDie(unit, (int)offset);
    }

    private UnitContext? UnitContaining(long offset)
    {
        int lo = 0, hi = Units.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            var unit = Units[mid].Context!;
            if (offset < unit.Start) hi = mid - 1;
            else if (offset >= unit.End) lo = mid + 1;
            else return unit;
        }
        return null;
    }

    /// <summary>The direct children of <paramref name="parent"/> (their own children skipped); a unit's end also
    /// ends the list, as it ends the walk of <see cref="Read"/>.</summary>
    internal List<Die> Children(Die parent)
    {
        var children = new List<Die>();
        if (!parent.HasChildren) return children;
        int position = parent.End, depth = 0;
        while (position < parent.Unit.End)
        {
            var die = ReadDie(parent.Unit, position);
            position = die.End;
            if (die.IsNull)
            {
                if (depth-- == 0) break;
                continue;
            }
            if (depth == 0) children.Add(die);
            if (die.HasChildren) depth++;
        }
        return children;
    }

    /// <summary>A constant attribute (data, sdata, udata or implicit const forms), sign-extended from its size when
    /// <paramref name="signed"/>; null for other forms.</summary>
    internal static long? Constant(Value v, bool signed)
    {
        int bits = v.Form switch
        {
            DwarfForm.Data1 => 8,
            DwarfForm.Data2 => 16,
            DwarfForm.Data4 => 32,
            DwarfForm.Data8 or DwarfForm.Udata or DwarfForm.Sdata or DwarfForm.ImplicitConst => 64,
            _ => 0,
        };
        if (bits == 0) return null;
        if (!signed || bits == 64) return unchecked((long)v.U);
        int shift = 64 - bits;
        return unchecked((long)v.U << shift >> shift);
    }

    // ----- names -----

    private void ResolveNames()
    {
        foreach (var function in Functions) Resolve(function);
    }

    private void Resolve(DwarfFunction function)
    {
        var (name, linkage) = NameOf(function.DieOffset);
        function.Name = name;
        function.LinkageName ??= linkage;
        foreach (var inlined in function._inlined) Resolve(inlined);
    }

    /// <summary>The qualified name and linkage name of the DIE at <paramref name="offset"/>, following
    /// specification and abstract-origin references (a bounded number of times: cycles end, too).</summary>
    private (string? Name, string? Linkage) NameOf(long offset)
    {
        string? name = null, linkage = null;
        for (int hops = 0; hops < MaxReferenceChain && offset >= 0 && _names.TryGetValue(offset, out var info); hops++)
        {
            linkage ??= info.LinkageName;
            if (name is null && info.Name is not null) name = info.Scope is null ? info.Name : info.Scope + "::" + info.Name;
            if (name is not null && linkage is not null) break;
            offset = info.Specification >= 0 ? info.Specification : info.AbstractOrigin;
        }
        return (name, linkage);
    }
}
