using System.Globalization;
using System.Text;
using WasmProbe.Wasm.Names;
using WasmProbe.Wasm.Polyfills;

namespace WasmProbe.Wasm.Text;

/// <summary>Formats single instructions (and the types they mention) in WebAssembly text-format spelling, the way
/// <c>wasm-tools print</c> writes them: <c>i32.const -1</c>, <c>local.get $n</c>, <c>call $fib</c>,
/// <c>i32.load offset=8 align=2</c>, <c>br_table 0 1 2 0</c>, <c>try_table (result i32) (catch 0 1)</c>...</summary>
/// <remarks>
/// Functions, locals, globals, tables, memories, tags, types, data and element segments and struct fields print as
/// <c>$name</c> when <see cref="Module.Names"/> knows a name (quoted as <c>$"..."</c> when it is not a plain
/// identifier), otherwise as their index. Labels always print as relative depths. Optional indices follow
/// wasm-tools: a memory index is printed only when non-zero, both indices of <c>memory.copy</c>/<c>table.copy</c>
/// only when one is non-zero, the table of <c>call_indirect</c>/<c>table.init</c> only when non-zero; the table of
/// <c>table.get</c>/<c>table.set</c>/... always. A memarg omits <c>offset=0</c> and the natural alignment.
/// Floats print in the shortest decimal form that round-trips (<c>1.5</c>, <c>-0</c>, <c>1e+20</c>), infinities as
/// <c>inf</c>/<c>-inf</c>, the canonical NaN as <c>nan</c>/<c>-nan</c> and other NaNs with their payload
/// (<c>nan:0x200000</c>).
/// </remarks>
public static class InstructionFormatter
{
    /// <summary>Formats <paramref name="instruction"/>, an instruction of <paramref name="code"/> (the body of
    /// function <paramref name="functionIndex"/>, whose local names are used; pass -1 for a constant expression).</summary>
    public static string Format(Module module, int functionIndex, Expression code, in Instruction instruction)
    {
        Compat.ThrowIfNull(module, nameof(module));
        Compat.ThrowIfNull(code, nameof(code));
        var info = instruction.Info;
        var sb = new StringBuilder(info.Name);
        var names = module.Names;
        switch (info.Immediates)
        {
            case ImmediateKind.None:
                break;
            case ImmediateKind.BlockType:
                AppendBlockType(sb, module, instruction.BlockType);
                break;
            case ImmediateKind.Label:
                sb.Append(' ').Append(Unsigned(instruction.Index));
                break;
            case ImmediateKind.BrTable:
                for (int i = 0; i < instruction.PoolCount; i++) sb.Append(' ').Append(Unsigned(code.BrTableLabel(instruction, i)));
                sb.Append(' ').Append(Unsigned(instruction.Index));
                break;
            case ImmediateKind.Function:
                sb.Append(' ').Append(Reference(names.Function(instruction.Index), instruction.Index));
                break;
            case ImmediateKind.CallIndirect:
                if (instruction.Index2 != 0) sb.Append(' ').Append(Table(module, instruction.Index2));
                sb.Append(" (type ").Append(TypeReference(module, instruction.Index)).Append(')');
                break;
            case ImmediateKind.Local:
                sb.Append(' ').Append(Reference(functionIndex >= 0 ? names.Local(functionIndex, instruction.Index) : null, instruction.Index));
                break;
            case ImmediateKind.Global:
                sb.Append(' ').Append(Reference(names.Global(instruction.Index), instruction.Index));
                break;
            case ImmediateKind.Table:
                sb.Append(' ').Append(Table(module, instruction.Index));
                break;
            case ImmediateKind.Memory:
                if (instruction.Index != 0) sb.Append(' ').Append(Memory(module, instruction.Index));
                break;
            case ImmediateKind.MemArg:
                AppendMemArg(sb, module, instruction.Opcode, instruction.MemArg);
                break;
            case ImmediateKind.MemArgLane:
                AppendMemArg(sb, module, instruction.Opcode, instruction.MemArg);
                sb.Append(' ').Append(instruction.Lane.ToString(CultureInfo.InvariantCulture));
                break;
            case ImmediateKind.Lane:
                sb.Append(' ').Append(instruction.Lane.ToString(CultureInfo.InvariantCulture));
                break;
            case ImmediateKind.Shuffle:
            {
                var (low, high) = instruction.V128;
                for (int i = 0; i < 16; i++)
                {
                    ulong half = i < 8 ? low : high;
                    sb.Append(' ').Append(((byte)(half >> (8 * (i & 7)))).ToString(CultureInfo.InvariantCulture));
                }
                break;
            }
            case ImmediateKind.I32:
                sb.Append(' ').Append(instruction.I32.ToString(CultureInfo.InvariantCulture));
                break;
            case ImmediateKind.I64:
                sb.Append(' ').Append(instruction.I64.ToString(CultureInfo.InvariantCulture));
                break;
            case ImmediateKind.F32:
                sb.Append(' ').Append(FormatF32(instruction.F32Bits));
                break;
            case ImmediateKind.F64:
                sb.Append(' ').Append(FormatF64(instruction.F64Bits));
                break;
            case ImmediateKind.V128:
            {
                var (low, high) = instruction.V128;
                sb.Append(" i32x4");
                foreach (uint lane in new[] { (uint)low, (uint)(low >> 32), (uint)high, (uint)(high >> 32) })
                    sb.Append(" 0x").Append(lane.ToString("x8", CultureInfo.InvariantCulture));
                break;
            }
            case ImmediateKind.SelectTypes:
                sb.Append(" (result");
                for (int i = 0; i < instruction.PoolCount; i++) sb.Append(' ').Append(FormatValType(module, code.SelectType(instruction, i)));
                sb.Append(')');
                break;
            case ImmediateKind.HeapType:
                sb.Append(' ').Append(FormatHeapType(module, instruction.HeapType));
                break;
            case ImmediateKind.Type:
                sb.Append(' ').Append(TypeReference(module, instruction.Index));
                break;
            case ImmediateKind.TypeField:
                sb.Append(' ').Append(TypeReference(module, instruction.Index))
                  .Append(' ').Append(Reference(IndirectName(names, NameKind.Field, instruction.Index, instruction.Index2), instruction.Index2));
                break;
            case ImmediateKind.TypeType:
                sb.Append(' ').Append(TypeReference(module, instruction.Index))
                  .Append(' ').Append(TypeReference(module, instruction.Index2));
                break;
            case ImmediateKind.TypeCount:
                sb.Append(' ').Append(TypeReference(module, instruction.Index))
                  .Append(' ').Append(Unsigned(instruction.Index2));
                break;
            case ImmediateKind.TypeData:
                sb.Append(' ').Append(TypeReference(module, instruction.Index))
                  .Append(' ').Append(Reference(DirectName(names, NameKind.Data, instruction.Index2), instruction.Index2));
                break;
            case ImmediateKind.TypeElem:
                sb.Append(' ').Append(TypeReference(module, instruction.Index))
                  .Append(' ').Append(Reference(DirectName(names, NameKind.Element, instruction.Index2), instruction.Index2));
                break;
            case ImmediateKind.RefTest:
                sb.Append(' ').Append(FormatRefType(module, instruction.HeapType, nullable: false));
                break;
            case ImmediateKind.RefTestNull:
                sb.Append(' ').Append(FormatRefType(module, instruction.HeapType, nullable: true));
                break;
            case ImmediateKind.BrOnCast:
                sb.Append(' ').Append(Unsigned(instruction.CastLabel))
                  .Append(' ').Append(FormatValType(module, instruction.CastSource))
                  .Append(' ').Append(FormatValType(module, instruction.CastTarget));
                break;
            case ImmediateKind.Tag:
                sb.Append(' ').Append(Reference(names.Tag(instruction.Index), instruction.Index));
                break;
            case ImmediateKind.TryTable:
                AppendBlockType(sb, module, instruction.BlockType);
                for (int i = 0; i < instruction.PoolCount; i++)
                {
                    var clause = code.Catch(instruction, i);
                    sb.Append(" (").Append(clause.Kind switch
                    {
                        CatchKind.Catch => "catch",
                        CatchKind.CatchRef => "catch_ref",
                        CatchKind.CatchAll => "catch_all",
                        _ => "catch_all_ref",
                    });
                    if (clause.HasTag) sb.Append(' ').Append(Reference(names.Tag(clause.Tag), clause.Tag));
                    sb.Append(' ').Append(Unsigned(clause.Label)).Append(')');
                }
                break;
            case ImmediateKind.Data:
                sb.Append(' ').Append(Reference(DirectName(names, NameKind.Data, instruction.Index), instruction.Index));
                break;
            case ImmediateKind.Element:
                sb.Append(' ').Append(Reference(DirectName(names, NameKind.Element, instruction.Index), instruction.Index));
                break;
            case ImmediateKind.MemoryInit:
                if (instruction.Index2 != 0) sb.Append(' ').Append(Memory(module, instruction.Index2));
                sb.Append(' ').Append(Reference(DirectName(names, NameKind.Data, instruction.Index), instruction.Index));
                break;
            case ImmediateKind.MemoryCopy:
                if (instruction.Index != 0 || instruction.Index2 != 0)
                    sb.Append(' ').Append(Memory(module, instruction.Index)).Append(' ').Append(Memory(module, instruction.Index2));
                break;
            case ImmediateKind.TableInit:
                if (instruction.Index2 != 0) sb.Append(' ').Append(Table(module, instruction.Index2));
                sb.Append(' ').Append(Reference(DirectName(names, NameKind.Element, instruction.Index), instruction.Index));
                break;
            case ImmediateKind.TableCopy:
                if (instruction.Index != 0 || instruction.Index2 != 0)
                    sb.Append(' ').Append(Table(module, instruction.Index)).Append(' ').Append(Table(module, instruction.Index2));
                break;
            case ImmediateKind.ZeroByte:
                break;
            default:
                throw new InvalidOperationException($"unhandled immediate kind {info.Immediates} of {info.Name}");
        }
        return sb.ToString();
    }

    /// <summary>A value type in text syntax: <c>i32</c>, <c>funcref</c>, <c>(ref null $t)</c>, <c>(ref 3)</c>.
    /// <see cref="ValType.Unknown"/> (a value of unreachable code) prints as <c>unknown</c>.</summary>
    public static string FormatValType(Module module, ValType type) => type.Kind switch
    {
        ValueKind.I32 => "i32",
        ValueKind.I64 => "i64",
        ValueKind.F32 => "f32",
        ValueKind.F64 => "f64",
        ValueKind.V128 => "v128",
        ValueKind.Ref => FormatRefType(module, type.Heap, type.Nullable),
        _ => "unknown",
    };

    /// <summary>A reference type, with the shorthand (<c>anyref</c>, <c>nullref</c>...) for nullable abstract types.</summary>
    public static string FormatRefType(Module module, HeapType heap, bool nullable)
    {
        if (nullable && !heap.IsConcrete)
        {
            string? shorthand = heap.Code switch
            {
                -0x10 => "funcref",
                -0x11 => "externref",
                -0x12 => "anyref",
                -0x13 => "eqref",
                -0x14 => "i31ref",
                -0x15 => "structref",
                -0x16 => "arrayref",
                -0x17 => "exnref",
                -0x0C => "nullexnref",
                -0x0D => "nullfuncref",
                -0x0E => "nullexternref",
                -0x0F => "nullref",
                _ => null,
            };
            if (shorthand is not null) return shorthand;
        }
        return (nullable ? "(ref null " : "(ref ") + FormatHeapType(module, heap) + ")";
    }

    /// <summary>A heap type: an abstract one (<c>func</c>, <c>any</c>, <c>none</c>...) or a type name or index.</summary>
    public static string FormatHeapType(Module module, HeapType heap) =>
        heap.IsConcrete ? TypeReference(module, heap.TypeIndex) : heap.ToString();

    /// <summary>An f32 bit pattern as a text-format literal that reads back to the same bits.</summary>
    public static string FormatF32(uint bits)
    {
        string sign = (bits >> 31) != 0 ? "-" : "";
        uint exponent = (bits >> 23) & 0xFF;
        uint mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF)
        {
            if (mantissa == 0) return sign + "inf";
            return mantissa == 0x40_0000 ? sign + "nan" : $"{sign}nan:0x{mantissa:x}";
        }
        return Decimal(Compat.UInt32BitsToSingle(bits).ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>An f64 bit pattern as a text-format literal that reads back to the same bits.</summary>
    public static string FormatF64(ulong bits)
    {
        string sign = (bits >> 63) != 0 ? "-" : "";
        ulong exponent = (bits >> 52) & 0x7FF;
        ulong mantissa = bits & 0xF_FFFF_FFFF_FFFFUL;
        if (exponent == 0x7FF)
        {
            if (mantissa == 0) return sign + "inf";
            return mantissa == 0x8_0000_0000_0000UL ? sign + "nan" : $"{sign}nan:0x{mantissa:x}";
        }
        return Decimal(Compat.UInt64BitsToDouble(bits).ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary><c>$name</c> when <paramref name="name"/> is set (quoted when it is not a plain identifier), otherwise the index.</summary>
    public static string Reference(string? name, int index) => name is null ? Unsigned(index) : Identifier(name);

    /// <summary>A name as a text-format identifier: <c>$fib</c>, or <c>$"my name"</c> when it has characters an
    /// identifier cannot hold.</summary>
    public static string Identifier(string name)
    {
        bool plain = name.Length > 0;
        foreach (char ch in name)
        {
            if (!IsIdChar(ch))
            {
                plain = false;
                break;
            }
        }
        return plain ? "$" + name : "$\"" + Escape(name, escapeQuotes: true) + "\"";
    }

    /// <summary>A name with backslashes, control characters (and, when <paramref name="escapeQuotes"/>, double quotes)
    /// escaped as in text-format strings (<c>\n</c>, <c>\t</c>, <c>\u{7f}</c>), so it prints on one line.</summary>
    public static string Escape(string name, bool escapeQuotes = false)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char ch in name)
        {
            switch (ch)
            {
                case '"' when escapeQuotes: sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (ch < 0x20 || ch == 0x7F) sb.Append("\\u{").Append(((int)ch).ToString("x", CultureInfo.InvariantCulture)).Append('}');
                    else sb.Append(ch);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>The natural alignment (log2 of the access size in bytes) of a memory instruction: what a memarg
    /// may leave out.</summary>
    public static int NaturalAlignmentExponent(Opcode opcode) =>
        s_naturalAlignment.TryGetValue(opcode, out int exponent) ? exponent : 0;

    private static readonly Dictionary<Opcode, int> s_naturalAlignment = BuildNaturalAlignments();

    private static Dictionary<Opcode, int> BuildNaturalAlignments()
    {
        var result = new Dictionary<Opcode, int>();
        foreach (var info in OpcodeTable.All)
        {
            if (info.Immediates is ImmediateKind.MemArg or ImmediateKind.MemArgLane) result[info.Opcode] = AccessBits(info.Name) switch
            {
                8 => 0,
                16 => 1,
                32 => 2,
                64 => 3,
                _ => 4,
            };
        }
        return result;
    }

    /// <summary>The access width in bits from a memory instruction's name: the digits after load/store/rmw/wait
    /// (<c>i64.load32_s</c>: 32, <c>v128.load8x8_s</c>: 64, <c>i32.atomic.rmw8.add_u</c>: 8), else the width of the
    /// value type prefix (<c>f64.store</c>: 64, <c>v128.load</c>: 128; <c>memory.atomic.notify</c>: 32).</summary>
    private static int AccessBits(string name)
    {
        foreach (string verb in (ReadOnlySpan<string>)["load", "store", "rmw", "wait"])
        {
            int at = name.IndexOf(verb, StringComparison.Ordinal);
            if (at < 0) continue;
            int start = at + verb.Length, end = start;
            while (end < name.Length && Compat.IsAsciiDigit(name[end])) end++;
            if (end == start) break;
            int bits = int.Parse(name.Substring(start, end - start), CultureInfo.InvariantCulture);
            return end < name.Length && name[end] == 'x' ? 64 : bits;
        }
        if (name.StartsWith("i64.", StringComparison.Ordinal) || name.StartsWith("f64.", StringComparison.Ordinal)) return 64;
        if (name.StartsWith("v128.", StringComparison.Ordinal)) return 128;
        return 32;
    }

    private static void AppendMemArg(StringBuilder sb, Module module, Opcode opcode, MemArg memArg)
    {
        if (memArg.MemoryIndex != 0) sb.Append(' ').Append(Memory(module, memArg.MemoryIndex));
        if (memArg.Offset != 0) sb.Append(" offset=").Append(memArg.Offset.ToString(CultureInfo.InvariantCulture));
        if (memArg.AlignExponent != NaturalAlignmentExponent(opcode))
        {
            sb.Append(" align=").Append(memArg.AlignExponent < 64
                ? (1UL << (int)memArg.AlignExponent).ToString(CultureInfo.InvariantCulture)
                : "2**" + memArg.AlignExponent.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void AppendBlockType(StringBuilder sb, Module module, BlockType type)
    {
        if (type.IsEmpty) return;
        if (type.IsFunctionType) sb.Append(" (type ").Append(TypeReference(module, type.TypeIndex)).Append(')');
        else sb.Append(" (result ").Append(FormatValType(module, type.ValType)).Append(')');
    }

    private static string TypeReference(Module module, int index) => Reference(module.Names.Type(index), index);
    private static string Table(Module module, int index) => Reference(module.Names.Table(index), index);
    private static string Memory(Module module, int index) => Reference(module.Names.Memory(index), index);

    private static string? DirectName(ModuleNames names, NameKind kind, int index) =>
        names.Section.Maps.TryGetValue(kind, out var map) && map.TryGetValue(index, out var name) ? name : null;

    private static string? IndirectName(ModuleNames names, NameKind kind, int outer, int inner) =>
        names.Section.IndirectMaps.TryGetValue(kind, out var map) && map.TryGetValue(outer, out var inners) && inners.TryGetValue(inner, out var name) ? name : null;

    /// <summary>Indices are u32 in the binary format; the decoder keeps them in ints.</summary>
    private static string Unsigned(int index) => ((uint)index).ToString(CultureInfo.InvariantCulture);

    private static string Decimal(string roundTrip) => roundTrip.Replace('E', 'e');

    // idchar of the text format: printable ASCII except space, quote, comma, semicolon and brackets.
    private static bool IsIdChar(char ch) =>
        ch is > ' ' and < (char)0x7F and not ('"' or ',' or ';' or '(' or ')' or '[' or ']' or '{' or '}');
}
