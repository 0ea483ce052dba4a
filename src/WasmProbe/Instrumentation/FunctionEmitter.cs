using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Rewriting;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Instrumentation;

/// <summary>Indices of what the instrumenter added to the module, shared by all rewritten functions.</summary>
internal sealed record EmitContext(ModuleBuilder Builder, int StopFunction, int DebugMemory, int Armed, int StepLimit,
    int FrameTop, int StackPointer, InstrumentationMode Mode);

/// <summary>Rewrites one function: a prologue that opens its shadow frame, then each original instruction preceded by
/// the code its site needs (probe, call bookkeeping, tail-call fix-up).
/// Code inside a block cannot touch operand-stack values below the block, so those are stored when the block is
/// entered, and a site stores only the values of its own block. Debug builds keep locals current in the frame on
/// every write; static builds store all locals at each site instead.</summary>
internal sealed class FunctionEmitter(EmitContext context, BodyBuilder body, FunctionAnalysis analysis, FrameLayout layout, ProbeSite?[] sites)
{
    private readonly Dictionary<(ValType, int), int> _temps = [];
    private int _frame = -1;

    private bool WriteThroughLocals => context.Mode == InstrumentationMode.Debug;

    public void Emit()
    {
        _frame = body.AddLocal(ValType.I32);
        EmitPrologue();
        for (int i = 0; i < analysis.InstructionCount; i++)
        {
            var opcode = analysis.Code[i].Opcode;
            bool reachable = analysis.IsReachable(i);
            var site = sites[i];
            if (site is not null)
            {
                if ((site.Kinds & SiteKinds.Throw) != 0 || ((site.Kinds & SiteKinds.Probe) != 0 && context.Mode == InstrumentationMode.Static))
                    EmitStop(site, i);
                else if ((site.Kinds & SiteKinds.Probe) != 0)
                    EmitGuardedStop(site, i);
                if ((site.Kinds & SiteKinds.Call) != 0) EmitCallBookkeeping(site, i);
                if (opcode is Opcode.ReturnCall or Opcode.ReturnCallIndirect or Opcode.ReturnCallRef) EmitTailCallFixup();
            }
            if (reachable && IsBlockOpener(opcode) && i + 1 < analysis.InstructionCount && analysis.BlockBase(i + 1) > analysis.BlockBase(i))
                EmitStackSpill(i);
            body.CopyOriginal(i);
            if (reachable && WriteThroughLocals && opcode is Opcode.LocalSet or Opcode.LocalTee) EmitLocalWrite(analysis.Code[i].Index);
        }
    }

    private static bool IsBlockOpener(Opcode opcode) => opcode is Opcode.Block or Opcode.Loop or Opcode.If or Opcode.TryTable or Opcode.Try;

    private void EmitPrologue()
    {
        body.GlobalGet(context.StackPointer);
        body.Emit(Opcode.LocalTee, _frame);
        body.GlobalGet(context.FrameTop);
        Store32(FrameLayout.ParentOffset);
        StoreConst32(FrameLayout.FunctionOffset, layout.Function);
        StoreConst32(FrameLayout.StackHeightOffset, -1);
        body.LocalGet(_frame);
        body.GlobalSet(context.FrameTop);
        SetStackPointerAboveFrame();
        if (!WriteThroughLocals) return;
        int parameters = analysis.Locals.ParameterCount;
        for (int j = 0; j < parameters; j++) EmitLocalWrite(j);
        if (parameters < layout.LocalTypes.Length)
        {
            int start = layout.LocalOffsets[parameters];
            body.LocalGet(_frame);
            body.I32Const(start);
            body.Emit(Opcode.I32Add);
            body.I32Const(0);
            body.I32Const(layout.StackOffset - start);
            body.Emit(Opcode.MemoryFill, context.DebugMemory);
        }
    }

    private void EmitLocalWrite(int local)
    {
        var type = layout.LocalTypes[local];
        if (!FrameLayout.IsSpillable(type)) return;
        body.LocalGet(_frame);
        body.LocalGet(local);
        StoreValue(type, layout.LocalOffsets[local]);
    }

    /// <summary>Before a call: record the call site, make this frame the top, put the stack pointer above it, and store
    /// what a parent frame shows (locals where not written through, and the operand stack).</summary>
    private void EmitCallBookkeeping(ProbeSite site, int index)
    {
        StoreConst32(FrameLayout.SiteOffset, site.Id);
        body.LocalGet(_frame);
        body.GlobalSet(context.FrameTop);
        SetStackPointerAboveFrame();
        EmitSpill(site, index);
    }

    /// <summary>A tail call replaces this frame: the callee's frame takes its place, with this frame's parent.</summary>
    private void EmitTailCallFixup()
    {
        body.LocalGet(_frame);
        body.GlobalSet(context.StackPointer);
        body.LocalGet(_frame);
        body.Memory(Opcode.I32Load, context.DebugMemory, FrameLayout.ParentOffset, 2);
        body.GlobalSet(context.FrameTop);
    }

    private void EmitStop(ProbeSite site, int index)
    {
        EmitSpill(site, index);
        body.LocalGet(_frame);
        body.GlobalSet(context.FrameTop);
        body.I32Const(site.Id);
        body.LocalGet(_frame);
        body.Call(context.StopFunction);
    }

    /// <summary>Stops only while something is armed and either this site's breakpoint flag is set or a step wants
    /// this frame (frame address at or below the step limit).</summary>
    private void EmitGuardedStop(ProbeSite site, int index)
    {
        long blockType = PassThroughBlockType(Accessible(index));
        body.GlobalGet(context.Armed);
        body.Emit(Opcode.If, blockType);
        body.I32Const(site.Id);
        body.Memory(Opcode.I32Load8U, context.DebugMemory, DebugMemory.FlagsBase, 0);
        body.LocalGet(_frame);
        body.GlobalGet(context.StepLimit);
        body.Emit(Opcode.I32LeU);
        body.Emit(Opcode.I32Or);
        body.Emit(Opcode.If, blockType);
        EmitStop(site, index);
        body.Emit(Opcode.End);
        body.Emit(Opcode.End);
    }

    /// <summary>The stack values of the innermost block before instruction <paramref name="index"/>.</summary>
    private ValType[] Accessible(int index)
    {
        var stack = analysis.StackBefore(index);
        int from = Math.Min(analysis.BlockBase(index), stack.Length);
        return stack[from..];
    }

    /// <summary>Stores locals (unless written through) and this block's operand-stack values, then the site.</summary>
    private void EmitSpill(ProbeSite site, int index)
    {
        if (!WriteThroughLocals)
        {
            for (int j = 0; j < layout.LocalTypes.Length; j++) EmitLocalWrite(j);
        }
        EmitStackSpill(index);
        StoreConst32(FrameLayout.StackHeightOffset, site.StackTypes.Length);
        StoreConst32(FrameLayout.SiteOffset, site.Id);
    }

    /// <summary>Pops this block's stack values into temporaries, stores them in their slots and pushes them back.</summary>
    private void EmitStackSpill(int index)
    {
        var accessible = Accessible(index);
        int firstSlot = analysis.StackHeight(index) - accessible.Length;
        var temps = new int[accessible.Length];
        for (int k = accessible.Length - 1; k >= 0; k--)
        {
            temps[k] = Temp(accessible[k], k);
            body.LocalSet(temps[k]);
        }
        for (int k = 0; k < accessible.Length; k++)
        {
            body.LocalGet(_frame);
            body.LocalGet(temps[k]);
            StoreValue(accessible[k], layout.StackSlotOffset(firstSlot + k));
        }
        for (int k = 0; k < accessible.Length; k++) body.LocalGet(temps[k]);
    }

    private int Temp(ValType type, int ordinal)
    {
        if (!_temps.TryGetValue((type, ordinal), out int local)) _temps[(type, ordinal)] = local = body.AddLocal(type);
        return local;
    }

    private long PassThroughBlockType(ValType[] stack) =>
        stack.Length == 0 ? BlockType.Empty.ToBits() : BlockType.Function(context.Builder.AddFunctionType(new FunctionType(stack, stack))).ToBits();

    private void StoreValue(ValType type, int offset)
    {
        switch (type.Kind)
        {
            case ValueKind.I32: body.Memory(Opcode.I32Store, context.DebugMemory, (ulong)offset, 2); break;
            case ValueKind.I64: body.Memory(Opcode.I64Store, context.DebugMemory, (ulong)offset, 3); break;
            case ValueKind.F32: body.Memory(Opcode.F32Store, context.DebugMemory, (ulong)offset, 2); break;
            case ValueKind.F64: body.Memory(Opcode.F64Store, context.DebugMemory, (ulong)offset, 3); break;
            case ValueKind.V128: body.Memory(Opcode.V128Store, context.DebugMemory, (ulong)offset, 4); break;
            default:
                // References cannot live in linear memory; the frame records whether they are non-null (zero = null,
                // which is also what a fresh frame holds).
                body.Emit(Opcode.RefIsNull);
                body.Emit(Opcode.I32Eqz);
                body.Memory(Opcode.I32Store, context.DebugMemory, (ulong)offset, 2);
                break;
        }
    }

    private void Store32(int offset) => body.Memory(Opcode.I32Store, context.DebugMemory, (ulong)offset, 2);

    /// <summary>frame[offset] = value.</summary>
    private void StoreConst32(int offset, int value)
    {
        body.LocalGet(_frame);
        body.I32Const(value);
        Store32(offset);
    }

    private void SetStackPointerAboveFrame()
    {
        body.LocalGet(_frame);
        body.I32Const(layout.Size);
        body.Emit(Opcode.I32Add);
        body.GlobalSet(context.StackPointer);
    }
}
