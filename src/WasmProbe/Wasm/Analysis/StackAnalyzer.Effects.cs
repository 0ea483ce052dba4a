using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Analysis;

// The stack effect of each instruction: the table's fixed pops and pushes, and the rules of the opcodes whose effect
// depends on their immediates or on the stack.
public sealed partial class StackAnalyzer
{
    private sealed partial class Run
    {
        private void Apply(int index, in Instruction ins)
        {
            var info = OpcodeTable.Get(ins.Opcode);
            if (info.Pops is { } pops)
            {
                var address = info.Immediates is ImmediateKind.MemArg or ImmediateKind.MemArgLane ? MemoryAddress(ins.C) : ValType.I32;
                PopCount(pops.Length);
                foreach (char c in info.Pushes!) Push(Letter(c, address));
                return;
            }
            switch (ins.Opcode)
            {
                case Opcode.Unreachable:
                    SetUnreachable();
                    break;
                case Opcode.Block:
                case Opcode.Loop:
                case Opcode.Try:
                {
                    var (p, r) = BlockSignature(ins.BlockType);
                    PopAll(p);
                    PushFrame(ins.Opcode, p, r, index);
                    break;
                }
                case Opcode.If:
                {
                    var (p, r) = BlockSignature(ins.BlockType);
                    Pop();
                    PopAll(p);
                    PushFrame(Opcode.If, p, r, index);
                    break;
                }
                case Opcode.TryTable:
                {
                    var (p, r) = BlockSignature(ins.BlockType);
                    for (int i = 0; i < ins.PoolCount; i++)
                    {
                        var clause = _code.Catch(ins, i);
                        if (clause.HasTag) TagType(clause.Tag);
                        Label(clause.Label);
                    }
                    PopAll(p);
                    PushFrame(Opcode.TryTable, p, r, index);
                    break;
                }
                case Opcode.Else:
                    if (_frames[_frameCount - 1].Kind != Opcode.If) throw Invalid("else without a matching if");
                    ElseLike(index, Opcode.Else);
                    PushAll(_frames[_frameCount - 1].Params);
                    break;
                case Opcode.Catch:
                    ElseLike(index, Opcode.Catch);
                    PushAll(TagType(ins.Index).Parameters);
                    break;
                case Opcode.CatchAll:
                    ElseLike(index, Opcode.CatchAll);
                    break;
                case Opcode.End:
                case Opcode.Delegate:
                    if (ins.Opcode == Opcode.Delegate) Label(ins.Index);
                    EndFrame(index);
                    break;
                case Opcode.Br:
                    PopAll(Label(ins.Index).LabelTypes);
                    SetUnreachable();
                    break;
                case Opcode.BrIf:
                {
                    Pop();
                    var types = Label(ins.Index).LabelTypes;
                    PopAll(types);
                    PushAll(types);
                    break;
                }
                case Opcode.BrTable:
                {
                    Pop();
                    for (int i = 0; i < ins.PoolCount; i++) Label(_code.BrTableLabel(ins, i));
                    PopAll(Label(ins.Index).LabelTypes);
                    SetUnreachable();
                    break;
                }
                case Opcode.Return:
                    PopAll(_type.Results);
                    SetUnreachable();
                    break;
                case Opcode.Call:
                case Opcode.ReturnCall:
                {
                    var function = FunctionType(FunctionTypeIndex(ins.Index));
                    PopAll(function.Parameters);
                    if (ins.Opcode == Opcode.Call) PushAll(function.Results);
                    else SetUnreachable();
                    break;
                }
                case Opcode.CallIndirect:
                case Opcode.ReturnCallIndirect:
                {
                    var function = FunctionType(ins.Index);
                    Table(ins.Index2);
                    Pop();
                    PopAll(function.Parameters);
                    if (ins.Opcode == Opcode.CallIndirect) PushAll(function.Results);
                    else SetUnreachable();
                    break;
                }
                case Opcode.CallRef:
                case Opcode.ReturnCallRef:
                {
                    var function = FunctionType(ins.Index);
                    Pop();
                    PopAll(function.Parameters);
                    if (ins.Opcode == Opcode.CallRef) PushAll(function.Results);
                    else SetUnreachable();
                    break;
                }
                case Opcode.Throw:
                    PopAll(TagType(ins.Index).Parameters);
                    SetUnreachable();
                    break;
                case Opcode.ThrowRef:
                    Pop();
                    SetUnreachable();
                    break;
                case Opcode.Rethrow:
                    Label(ins.Index);
                    SetUnreachable();
                    break;
                case Opcode.Drop:
                    Pop();
                    break;
                case Opcode.Select:
                {
                    Pop();
                    var second = Pop();
                    var first = Pop();
                    Push(first.Kind == ValueKind.Unknown ? second : first);
                    break;
                }
                case Opcode.SelectTyped:
                    if (ins.PoolCount != 1) throw Invalid("typed select must declare exactly one type");
                    PopCount(3);
                    Push(_code.SelectType(ins, 0));
                    break;
                case Opcode.LocalGet:
                    Push(Local(ins.Index));
                    break;
                case Opcode.LocalSet:
                    Local(ins.Index);
                    Pop();
                    break;
                case Opcode.LocalTee:
                    Pop();
                    Push(Local(ins.Index));
                    break;
                case Opcode.GlobalGet:
                    Push(Global(ins.Index).Type);
                    break;
                case Opcode.GlobalSet:
                    Global(ins.Index);
                    Pop();
                    break;
                case Opcode.TableGet:
                {
                    var table = Table(ins.Index);
                    Pop();
                    Push(table.ElementType);
                    break;
                }
                case Opcode.TableSet:
                    Table(ins.Index);
                    PopCount(2);
                    break;
                case Opcode.TableSize:
                    Push(Table(ins.Index).Limits.AddressType);
                    break;
                case Opcode.TableGrow:
                    PopCount(2);
                    Push(Table(ins.Index).Limits.AddressType);
                    break;
                case Opcode.TableFill:
                    Table(ins.Index);
                    PopCount(3);
                    break;
                case Opcode.TableCopy:
                    Table(ins.Index);
                    Table(ins.Index2);
                    PopCount(3);
                    break;
                case Opcode.TableInit:
                    Table(ins.Index2);
                    PopCount(3);
                    break;
                case Opcode.MemorySize:
                    Push(MemoryAddress(ins.Index));
                    break;
                case Opcode.MemoryGrow:
                    Pop();
                    Push(MemoryAddress(ins.Index));
                    break;
                case Opcode.MemoryFill:
                    MemoryAddress(ins.Index);
                    PopCount(3);
                    break;
                case Opcode.MemoryCopy:
                    MemoryAddress(ins.Index);
                    MemoryAddress(ins.Index2);
                    PopCount(3);
                    break;
                case Opcode.MemoryInit:
                    MemoryAddress(ins.Index2);
                    PopCount(3);
                    break;
                case Opcode.RefNull:
                    Push(ValType.Ref(ins.HeapType, nullable: true));
                    break;
                case Opcode.RefIsNull:
                case Opcode.RefTest:
                case Opcode.RefTestNull:
                case Opcode.I31GetS:
                case Opcode.I31GetU:
                case Opcode.ArrayLen:
                    Pop();
                    Push(ValType.I32);
                    break;
                case Opcode.RefEq:
                    PopCount(2);
                    Push(ValType.I32);
                    break;
                case Opcode.RefFunc:
                    Push(ValType.Ref(HeapType.Concrete(FunctionTypeIndex(ins.Index)), nullable: false));
                    break;
                case Opcode.RefAsNonNull:
                    Push(Pop().AsNonNullable());
                    break;
                case Opcode.BrOnNull:
                {
                    var reference = Pop();
                    var types = Label(ins.Index).LabelTypes;
                    PopAll(types);
                    PushAll(types);
                    Push(reference.AsNonNullable());
                    break;
                }
                case Opcode.BrOnNonNull:
                    Pop();
                    PassThroughAllButLast(Label(ins.Index).LabelTypes);
                    break;
                case Opcode.BrOnCast:
                case Opcode.BrOnCastFail:
                {
                    Pop();
                    PassThroughAllButLast(Label(ins.CastLabel).LabelTypes);
                    var source = ins.CastSource;
                    var target = ins.CastTarget;
                    Push(ins.Opcode == Opcode.BrOnCastFail ? target : ValType.Ref(source.Heap, source.Nullable && !target.Nullable));
                    break;
                }
                case Opcode.RefCast:
                case Opcode.RefCastNull:
                    Pop();
                    Push(ValType.Ref(ins.HeapType, nullable: ins.Opcode == Opcode.RefCastNull));
                    break;
                case Opcode.AnyConvertExtern:
                case Opcode.ExternConvertAny:
                {
                    var input = Pop();
                    var heap = ins.Opcode == Opcode.AnyConvertExtern ? HeapType.Any : HeapType.Extern;
                    Push(ValType.Ref(heap, input.Kind == ValueKind.Unknown || input.Nullable));
                    break;
                }
                case Opcode.RefI31:
                    Pop();
                    Push(ValType.Ref(HeapType.I31, nullable: false));
                    break;
                case Opcode.StructNew:
                    PopCount(Composite(ins.Index, CompositeKind.Struct).Fields.Length);
                    Push(ValType.Ref(HeapType.Concrete(ins.Index), nullable: false));
                    break;
                case Opcode.StructNewDefault:
                    Composite(ins.Index, CompositeKind.Struct);
                    Push(ValType.Ref(HeapType.Concrete(ins.Index), nullable: false));
                    break;
                case Opcode.StructGet:
                case Opcode.StructGetS:
                case Opcode.StructGetU:
                {
                    var field = Field(ins.Index, ins.Index2);
                    Pop();
                    Push(field.Unpacked);
                    break;
                }
                case Opcode.StructSet:
                    Field(ins.Index, ins.Index2);
                    PopCount(2);
                    break;
                case Opcode.ArrayNew:
                case Opcode.ArrayNewData:
                case Opcode.ArrayNewElem:
                    ArrayElement(ins.Index);
                    PopCount(2);
                    Push(ValType.Ref(HeapType.Concrete(ins.Index), nullable: false));
                    break;
                case Opcode.ArrayNewDefault:
                    ArrayElement(ins.Index);
                    Pop();
                    Push(ValType.Ref(HeapType.Concrete(ins.Index), nullable: false));
                    break;
                case Opcode.ArrayNewFixed:
                    ArrayElement(ins.Index);
                    if (ins.Index2 < 0 || ins.Index2 > 10_000) throw Invalid($"array.new_fixed of {ins.B} elements exceeds the implementation limit of 10000");
                    PopCount(ins.Index2);
                    Push(ValType.Ref(HeapType.Concrete(ins.Index), nullable: false));
                    break;
                case Opcode.ArrayGet:
                case Opcode.ArrayGetS:
                case Opcode.ArrayGetU:
                {
                    var element = ArrayElement(ins.Index);
                    PopCount(2);
                    Push(element.Unpacked);
                    break;
                }
                case Opcode.ArraySet:
                    ArrayElement(ins.Index);
                    PopCount(3);
                    break;
                case Opcode.ArrayFill:
                case Opcode.ArrayInitData:
                case Opcode.ArrayInitElem:
                    ArrayElement(ins.Index);
                    PopCount(4);
                    break;
                case Opcode.ArrayCopy:
                    ArrayElement(ins.Index);
                    ArrayElement(ins.Index2);
                    PopCount(5);
                    break;
                default:
                    throw new InvalidOperationException($"the stack analysis has no rule for {info.Name}");
            }
        }

        /// <summary>For br_on_non_null / br_on_cast: the label's types but the last (the reference) stay on the stack.</summary>
        private void PassThroughAllButLast(ValType[] labelTypes)
        {
            if (labelTypes.Length == 0) throw Invalid("type mismatch: the branch target must take a reference");
            var kept = new ValType[labelTypes.Length - 1];
            Array.Copy(labelTypes, kept, kept.Length);
            PopAll(kept);
            PushAll(kept);
        }
    }
}
