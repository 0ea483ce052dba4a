using UnitContext = WasmProbe.Wasm.Dwarf.DebugInfoReader.UnitContext;

namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>The frame base for DW_OP_fbreg: its value, or why it is not available.</summary>
internal readonly record struct EvaluatedFrameBase(ulong Value, string? UnavailableReason);

/// <summary>Evaluates DWARF location expressions as clang and rustc emit them for wasm (WebAssembly tool-conventions,
/// Debugging.md): a stack machine of 64-bit values over the frame state. DW_OP_WASM_location acts like a register:
/// alone it is the location, and its value is what DW_OP_stack_value or DW_OP_fbreg use. Truncated or inconsistent
/// expressions are malformed (<see cref="DwarfFormatException"/>); operations the evaluator does not know and frame
/// values the runtime cannot give make the variable unavailable.</summary>
internal sealed class LocationEvaluator(DebugInfoReader info, UnitContext unit, IFrameState frame, Func<EvaluatedFrameBase>? frameBase)
{
    private const int MaxStack = 1024;
    private const int MaxSteps = 100_000;

    private readonly ulong[] _stack = new ulong[16];
    private ulong[] _big = [];
    private int _depth;

    public VariableLocation Evaluate(Expression expression)
    {
        var c = new DwarfCursor(expression.Section, expression.Start, expression.Start + expression.Length);
        if (c.AtEnd) return VariableLocation.Unavailable("optimized out (empty location)");
        List<LocationPiece>? pieces = null;
        LocationKind register = LocationKind.Memory; // a WASM_location that is the location so far
        int registerIndex = 0;
        bool stackValue = false;
        byte[]? implicitBytes = null;
        int pieceStart = c.Position;
        _depth = 0;
        for (int steps = 0; !c.AtEnd; steps++)
        {
            if (steps >= MaxSteps) throw c.Error($"expression runs more than {MaxSteps} steps (a branch loop?)");
            int at = c.Position;
            byte op = c.U8();
            if (op != DwarfOp.StackValue && op != DwarfOp.Piece) register = LocationKind.Memory;
            switch (op)
            {
                case >= DwarfOp.Lit0 and <= DwarfOp.Lit31: Push(ref c, (ulong)(op - DwarfOp.Lit0)); break;
                case DwarfOp.Addr: Push(ref c, c.Unsigned(unit.AddressSize)); break;
                case DwarfOp.Addrx: case DwarfOp.Constx: Push(ref c, info.IndexedAddress(unit, c.Uleb())); break;
                case DwarfOp.Const1u: Push(ref c, c.U8()); break;
                case DwarfOp.Const1s: Push(ref c, unchecked((ulong)c.S8())); break;
                case DwarfOp.Const2u: Push(ref c, c.U16()); break;
                case DwarfOp.Const2s: Push(ref c, unchecked((ulong)(short)c.U16())); break;
                case DwarfOp.Const4u: Push(ref c, c.U32()); break;
                case DwarfOp.Const4s: Push(ref c, unchecked((ulong)(int)c.U32())); break;
                case DwarfOp.Const8u: case DwarfOp.Const8s: Push(ref c, c.U64()); break;
                case DwarfOp.Constu: Push(ref c, c.Uleb()); break;
                case DwarfOp.Consts: Push(ref c, unchecked((ulong)c.Sleb())); break;
                case DwarfOp.Dup: Push(ref c, Peek(ref c, 0)); break;
                case DwarfOp.Drop: Pop(ref c); break;
                case DwarfOp.Over: Push(ref c, Peek(ref c, 1)); break;
                case DwarfOp.Pick: Push(ref c, Peek(ref c, c.U8())); break;
                case DwarfOp.Swap:
                {
                    ulong a = Pop(ref c), b = Pop(ref c);
                    Push(ref c, a);
                    Push(ref c, b);
                    break;
                }
                case DwarfOp.Rot:
                {
                    ulong a = Pop(ref c), b = Pop(ref c), d = Pop(ref c);
                    Push(ref c, a);
                    Push(ref c, d);
                    Push(ref c, b);
                    break;
                }
                case DwarfOp.Deref:
                case DwarfOp.DerefSize:
                {
                    int size = op == DwarfOp.Deref ? unit.AddressSize : c.U8();
                    if (size is < 1 or > 8) throw c.Error(at, $"DW_OP_deref_size of {size} bytes");
                    ulong address = Pop(ref c);
                    var buffer = new byte[8];
                    if (!frame.TryReadMemory(address, buffer, 0, size)) return VariableLocation.Unavailable($"memory at 0x{address:x} is not readable");
                    Push(ref c, BitConverter.ToUInt64(buffer, 0));
                    break;
                }
                case DwarfOp.Abs: { long a = (long)Pop(ref c); Push(ref c, (ulong)(a < 0 ? -a : a)); break; }
                case DwarfOp.Neg: Push(ref c, unchecked((ulong)-(long)Pop(ref c))); break;
                case DwarfOp.Not: Push(ref c, ~Pop(ref c)); break;
                case DwarfOp.PlusUconst: Push(ref c, unchecked(Pop(ref c) + c.Uleb())); break;
                case DwarfOp.And: case DwarfOp.Div: case DwarfOp.Minus: case DwarfOp.Mod: case DwarfOp.Mul: case DwarfOp.Or:
                case DwarfOp.Plus: case DwarfOp.Shl: case DwarfOp.Shr: case DwarfOp.Shra: case DwarfOp.Xor:
                case DwarfOp.Eq: case DwarfOp.Ge: case DwarfOp.Gt: case DwarfOp.Le: case DwarfOp.Lt: case DwarfOp.Ne:
                {
                    ulong b = Pop(ref c), a = Pop(ref c);
                    if (op is DwarfOp.Div or DwarfOp.Mod && b == 0) return VariableLocation.Unavailable("the location divides by zero");
                    Push(ref c, Binary(op, a, b));
                    break;
                }
                case DwarfOp.Skip:
                case DwarfOp.Bra:
                {
                    int offset = (short)c.U16();
                    if (op == DwarfOp.Bra && Pop(ref c) == 0) break;
                    long target = (long)c.Position + offset;
                    if (target < expression.Start || target > expression.Start + expression.Length) throw c.Error(at, $"branch to {offset} leaves the expression");
                    c.Position = (int)target;
                    break;
                }
                case DwarfOp.Fbreg:
                {
                    long offset = c.Sleb();
                    if (frameBase is null) throw c.Error(at, "DW_OP_fbreg where there is no frame base");
                    var fb = frameBase();
                    if (fb.UnavailableReason is { } reason) return VariableLocation.Unavailable("frame base: " + reason);
                    Push(ref c, unchecked(fb.Value + (ulong)offset));
                    break;
                }
                case DwarfOp.WasmLocation:
                {
                    int kind = c.U8();
                    uint index = kind == 3 ? c.U32() : (uint)Math.Min(c.Uleb(), uint.MaxValue);
                    var (location, read) = kind switch
                    {
                        0 => (LocationKind.WasmLocal, frame.TryGetLocal((int)Math.Min(index, int.MaxValue), out ulong bits) ? bits : (ulong?)null),
                        1 or 3 => (LocationKind.WasmGlobal, frame.TryGetGlobal((int)Math.Min(index, int.MaxValue), out ulong g) ? g : (ulong?)null),
                        2 => (LocationKind.WasmOperand, frame.TryGetOperand((int)Math.Min(index, int.MaxValue), out ulong o) ? o : (ulong?)null),
                        _ => throw c.Error(at, $"DW_OP_WASM_location of unknown kind {kind}"),
                    };
                    if (read is not { } value) return VariableLocation.Unavailable($"{Describe(location)} {index} is not available");
                    Push(ref c, value);
                    register = location;
                    registerIndex = (int)Math.Min(index, int.MaxValue);
                    break;
                }
                case DwarfOp.StackValue: stackValue = true; break;
                case DwarfOp.ImplicitValue:
                {
                    ulong length = c.Uleb();
                    int start = c.Position;
                    c.Skip(length);
                    implicitBytes = new byte[length];
                    Array.Copy(c.Data, start, implicitBytes, 0, (int)length);
                    break;
                }
                case DwarfOp.Nop: break;
                case DwarfOp.Piece:
                {
                    ulong size = c.Uleb();
                    if (size > int.MaxValue) throw c.Error(at, $"DW_OP_piece of {size} bytes");
                    (pieces ??= []).Add(Piece(ref c, at == pieceStart, register, registerIndex, stackValue, implicitBytes, (int)size));
                    register = LocationKind.Memory;
                    stackValue = false;
                    implicitBytes = null;
                    _depth = 0;
                    pieceStart = c.Position;
                    break;
                }
                default:
                    return VariableLocation.Unavailable($"unsupported DWARF operation 0x{op:x2}");
            }
        }
        if (pieces is null) return VariableLocation.Of([Piece(ref c, false, register, registerIndex, stackValue, implicitBytes, null)]);
        if (c.Position != pieceStart) throw c.Error("operations after the last DW_OP_piece");
        return VariableLocation.Of(pieces);
    }

    private LocationPiece Piece(ref DwarfCursor c, bool empty, LocationKind register, int index, bool stackValue, byte[]? implicitBytes, int? size)
    {
        if (empty) return new LocationPiece(LocationKind.OptimizedOut, 0, 0, 0, null, size);
        if (implicitBytes is not null) return new LocationPiece(LocationKind.ImplicitBytes, 0, 0, 0, implicitBytes, size);
        ulong top = Pop(ref c);
        if (register != LocationKind.Memory) return new LocationPiece(register, 0, index, top, null, size);
        return stackValue ? new LocationPiece(LocationKind.Value, 0, 0, top, null, size) : new LocationPiece(LocationKind.Memory, top, 0, 0, null, size);
    }

    private static string Describe(LocationKind kind) => kind switch
    {
        LocationKind.WasmLocal => "local",
        LocationKind.WasmGlobal => "global",
        _ => "operand",
    };

    private static ulong Binary(byte op, ulong a, ulong b) => unchecked(op switch
    {
        DwarfOp.And => a & b,
        DwarfOp.Div => (ulong)((long)a / ((long)b == -1 && (long)a == long.MinValue ? 1 : (long)b)),
        DwarfOp.Minus => a - b,
        DwarfOp.Mod => a % b,
        DwarfOp.Mul => a * b,
        DwarfOp.Or => a | b,
        DwarfOp.Plus => a + b,
        DwarfOp.Shl => b >= 64 ? 0 : a << (int)b,
        DwarfOp.Shr => b >= 64 ? 0 : a >> (int)b,
        DwarfOp.Shra => (ulong)((long)a >> (int)Math.Min(b, 63)),
        DwarfOp.Xor => a ^ b,
        DwarfOp.Eq => a == b ? 1UL : 0,
        DwarfOp.Ge => (long)a >= (long)b ? 1UL : 0,
        DwarfOp.Gt => (long)a > (long)b ? 1UL : 0,
        DwarfOp.Le => (long)a <= (long)b ? 1UL : 0,
        DwarfOp.Lt => (long)a < (long)b ? 1UL : 0,
        _ => a != b ? 1UL : 0,
    });

    private ulong[] Stack => _big.Length > 0 ? _big : _stack;

    private void Push(ref DwarfCursor c, ulong value)
    {
        var stack = Stack;
        if (_depth == stack.Length)
        {
            if (_depth >= MaxStack) throw c.Error($"expression stack deeper than {MaxStack}");
            _big = new ulong[stack.Length * 2];
            Array.Copy(stack, _big, _depth);
            stack = _big;
        }
        stack[_depth++] = value;
    }

    private ulong Pop(ref DwarfCursor c)
    {
        if (_depth == 0) throw c.Error("expression stack underflow");
        return Stack[--_depth];
    }

    private ulong Peek(ref DwarfCursor c, int fromTop)
    {
        if (fromTop >= _depth) throw c.Error($"expression stack has no entry {fromTop} from the top");
        return Stack[_depth - 1 - fromTop];
    }
}
