using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Rewriting;

namespace WasmProbe.Instrumentation;

/// <summary>Indices of what the instrumenter added to the module, shared by all rewritten functions.</summary>
internal sealed record EmitContext(ModuleBuilder Builder, int StopFunction, int DebugMemory, DebugMemory Layout, int Armed,
    int StepLimit, int FrameTop, int StackPointer, int Resume, InstrumentationMode Mode)
{
    /// <summary>Debug builds' probe and spill helpers by kind and stack shape.</summary>
    public Dictionary<HelperKey, int> Helpers { get; } = [];

    /// <summary>Write watchpoints' import and windows; null when the build watches no writes.</summary>
    public WriteWatch? Watch { get; init; }

    /// <summary>What stops throw with; null in modules without a throwable tag.</summary>
    public ForcedThrow? Throw { get; init; }

    /// <summary>What debug builds' stops return early with; null in static builds (their stops return inline).</summary>
    public EarlyReturn? Return { get; init; }

    /// <summary>Stack shapes shared by every site and probe (a debug build asks at every instruction).</summary>
    public StackShapes Shapes { get; init; } = new();

    /// <summary>The top part of a shared shape from a slot on, shared too.</summary>
    public Dictionary<(ValType[] Shape, int From), ValType[]> Tops { get; } = [];

    /// <summary>The block type <c>[t*] -> [t*]</c> of a shared shape.</summary>
    public Dictionary<ValType[], long> PassThroughBlockTypes { get; } = new(ReferenceEqualityComparer.Instance);
}

/// <summary>What a probe or spill helper is for: its kind, the first stack slot it stores and the types it stores.</summary>
internal readonly struct HelperKey(FunctionEmitter.HelperKind kind, int firstSlot, ValType[] stack) : IEquatable<HelperKey>
{
    private readonly FunctionEmitter.HelperKind _kind = kind;
    private readonly int _firstSlot = firstSlot;
    private readonly ValType[] _stack = stack;

    public bool Equals(HelperKey other) => _kind == other._kind && _firstSlot == other._firstSlot && _stack.AsSpan().SequenceEqual(other._stack);
    public override bool Equals(object? obj) => obj is HelperKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_kind);
        hash.Add(_firstSlot);
        foreach (var type in _stack) hash.Add(type);
        return hash.ToHashCode();
    }
}

/// <summary>Rewrites one function for the debugger.
/// <list type="bullet">
/// <item>Entry: the frame address (<c>$sp</c>) and the parent frame (<c>$fpTop</c>) go into locals; debug builds write
/// the frame header at once and write locals through to the frame on every write; static builds write frames only at
/// stops, through small added functions (see <see cref="CallFrameWriter"/>).</item>
/// <item>Before a call (debug builds): the frame records the call site, becomes the top frame and puts <c>$sp</c>
/// above itself; while anything is armed it also stores its operand stack, so parent frames can be shown.</item>
/// <item>Probes: in static builds an unconditional stop; in debug builds a check of the function's flag and a shared
/// probe helper at the start of each straight-line run of replayable instructions (the host replays the stops
/// inside the run, see <see cref="Replay.RunReplayer"/>).</item>
/// <item>Code inside a block cannot touch operand-stack values below the block, so those are stored when the block is
/// entered, and a stop stores only the values of its own block.</item>
/// </list></summary>
/// <param name="firstSite">The id of the function's first site, which a debug build's code and frames number its sites
/// from (see <see cref="DebugMemory.SiteBasesBase"/>).</param>
internal sealed class FunctionEmitter(EmitContext context, BodyBuilder body, FunctionAnalysis analysis, FrameLayout layout, ProbeSite?[] sites, int firstSite)
{
    private readonly Dictionary<(ValType, int), int> _temps = [];
    private int _frame = -1;
    private int _parent = -1;
    private int _flag = -1;
    private bool _ownsFrameTop;
    private WriteCheckEmitter? _writeCheck;

    private bool IsDebug => context.Mode == InstrumentationMode.Debug;

    public void Emit()
    {
        _ownsFrameTop = IsDebug && !CatchesExceptions();
        EmitPrologue();
        var earlyReturn = layout.ReturnsEarly ? context.Return : null;
        if (earlyReturn is not null) OpenEarlyReturn(earlyReturn);
        for (int i = 0; i < analysis.InstructionCount; i++)
        {
            if (sites[i] is { } site && (site.Kinds & (SiteKinds.Probe | SiteKinds.Throw)) != 0)
            {
                if ((site.Kinds & SiteKinds.Throw) != 0 || !IsDebug) EmitStop(site, i);
                else if (!site.IsReplayed) EmitProbe(site, i);
            }
            EmitInstruction(i);
        }
        if (earlyReturn is not null) CloseEarlyReturn();
    }

    /// <summary>Debug builds: the body goes inside <c>block</c> and <c>try_table (catch $return 0)</c>, so a stop's
    /// helper can throw the function out of its body (see <see cref="EarlyReturn"/>). The body's branches to the
    /// function's label (and catch clauses) now reach the <c>try_table</c>'s end, whose results are the function's,
    /// and return from there: they need no renumbering.</summary>
    private void OpenEarlyReturn(EarlyReturn earlyReturn)
    {
        body.Emit(Opcode.Block, Wasm.Types.BlockType.Empty.ToBits());
        body.TryTableCatching(BlockType([], analysis.Type.Results), earlyReturn.Tag, 0);
    }

    /// <summary>The body's own <c>end</c> closed the <c>try_table</c>: return what it left, and below the block the
    /// landing returns the results the host wrote into the frame.</summary>
    private void CloseEarlyReturn()
    {
        body.Emit(Opcode.Return);
        body.Emit(Opcode.End);
        var results = analysis.Type.Results;
        for (int k = 0; k < results.Length; k++) Load(results[k], FrameLayout.StackSlotOffset(k));
        body.Emit(Opcode.End);
    }

    /// <summary>Whether an exception can land in this function, leaving the frame top at a frame it unwound.</summary>
    private bool CatchesExceptions()
    {
        for (int i = 0; i < analysis.InstructionCount; i++)
        {
            if (analysis.Code[i].Info.Control is ControlKind.TryTable or ControlKind.Try) return true;
        }
        return false;
    }

    private void EmitPrologue()
    {
        _frame = body.AddLocal(ValType.I32);
        _parent = body.AddLocal(ValType.I32);
        body.GlobalGet(context.StackPointer);
        body.LocalSet(_frame);
        body.GlobalGet(context.FrameTop);
        body.LocalSet(_parent);
        if (IsDebug) EmitHeader();
        if (_ownsFrameTop) OwnFrameTop();
        if (layout.WritesThrough) EmitLocalsOnEntry();
        if (!IsDebug) return;
        _flag = body.AddLocal(ValType.I32);
        ReloadFunctionFlag();
    }

    /// <summary>The original instruction with what must surround it in every copy: call bookkeeping and tail-call
    /// fix-up before, the block-entry stack spill, and the function flag reload after a call returns.</summary>
    private void EmitInstruction(int i)
    {
        var info = analysis.Code[i].Info;
        var site = sites[i];
        bool call = site is { } s && (s.Kinds & SiteKinds.Call) != 0;
        if (call) EmitCallBookkeeping(site!.Value, i);
        if (site is not null && info.Control == ControlKind.TailCall) EmitTailCallFixup();
        if (analysis.IsReachable(i) && info.OpensBlock && i + 1 < analysis.InstructionCount && analysis.BlockBase(i + 1) > analysis.BlockBase(i))
            EmitStackSpill(i);
        var writeCheck = context.Watch is { } watch && analysis.IsReachable(i) && watch.Watches(analysis.Code[i])
            ? _writeCheck ??= new WriteCheckEmitter(watch, body, Temp)
            : null;
        writeCheck?.EmitBefore(analysis.Code[i], layout.Function, context.Shapes.Before(analysis, i)[^1]);
        body.CopyOriginal(i);
        writeCheck?.EmitAfter(analysis.Code[i], layout.Function);
        if (layout.WritesThrough && analysis.IsReachable(i) && info.Opcode is Opcode.LocalSet or Opcode.LocalTee) EmitLocalWrite(analysis.Code[i].Index);
        if (call && IsDebug && info.Control == ControlKind.Call)
        {
            if (_ownsFrameTop) OwnFrameTop();
            ReloadFunctionFlag();
        }
    }

    /// <summary>Debug builds: a function that no exception can land in keeps the frame top at its own frame from entry
    /// on and again after every call, so that its probes need not pass the frame (two bytes at each) and its calls need
    /// not set it.</summary>
    private void OwnFrameTop()
    {
        body.LocalGet(_frame);
        body.GlobalSet(context.FrameTop);
    }

    /// <summary>While the function's flag is set (a breakpoint in it, or a step under way), calls the probe helper for
    /// this site's stack shape, which stops when the site's run has a breakpoint or a step wants this frame. The flag
    /// is only reloaded after calls: a stale set flag costs a helper call, never a missed stop.</summary>
    private void EmitProbe(ProbeSite site, int index)
    {
        var accessible = Accessible(index);
        body.LocalGet(_flag);
        body.Emit(Opcode.If, PassThroughBlockType(accessible));
        if (!_ownsFrameTop) body.LocalGet(_frame);
        body.I32Const(site.Id - firstSite);
        body.Call(StackHelper(_ownsFrameTop ? HelperKind.ProbeAtFrameTop : HelperKind.Probe, accessible, analysis.StackHeight(index) - accessible.Length));
        body.Emit(Opcode.End);
    }

    internal enum HelperKind
    {
        /// <summary><c>(values..., frame, site) -> values</c>, the site relative to the function's first one: when the
        /// site's flag is set or the frame is within the step limit, stores the values, makes the frame the top one and
        /// calls the host.</summary>
        Probe,

        /// <summary><c>(values..., site) -> values</c>: <see cref="Probe"/> for the frame at the frame top.</summary>
        ProbeAtFrameTop,

        /// <summary><c>(values..., frame) -> values</c>: stores the values and their number (a parent frame's stack).</summary>
        Spill,
    }

    /// <summary>One helper per kind and stack shape, shared by every function: stack slots sit at the same frame
    /// offsets everywhere, and debug builds write locals through.</summary>
    private int StackHelper(HelperKind kind, ValType[] stack, int firstSlot)
    {
        var key = new HelperKey(kind, firstSlot, stack);
        if (context.Helpers.TryGetValue(key, out int existing)) return existing;
        bool probe = kind != HelperKind.Spill;
        bool atTop = kind == HelperKind.ProbeAtFrameTop;
        int frame = atTop ? stack.Length + 1 : stack.Length, site = atTop ? stack.Length : stack.Length + 1, absoluteSite = stack.Length + 2;
        var code = new List<Instruction>();
        void Emit(Opcode opcode, long a = 0, long b = 0, int c = 0) => code.Add(new Instruction(opcode, -1, 0, a, b, c));
        void StoreHeader(int offset, Action value)
        {
            Emit(Opcode.LocalGet, frame);
            value();
            Emit(Opcode.I32Store, offset, 2, context.DebugMemory);
        }
        void StoreStack()
        {
            for (int k = 0; k < stack.Length; k++)
            {
                Emit(Opcode.LocalGet, frame);
                Emit(Opcode.LocalGet, k);
                StoreInstructions(stack[k], FrameLayout.StackSlotOffset(firstSlot + k), Emit);
            }
            StoreHeader(FrameLayout.StackHeightOffset, () => Emit(Opcode.I32Const, FrameLayout.StoredHeight(firstSlot + stack.Length)));
        }

        if (atTop)
        {
            Emit(Opcode.GlobalGet, context.FrameTop);
            Emit(Opcode.LocalSet, frame);
        }
        if (probe)
        {
            Emit(Opcode.LocalGet, site);
            Emit(Opcode.LocalGet, frame);
            Emit(Opcode.I32Load, FrameLayout.FunctionOffset, 2, context.DebugMemory);
            Emit(Opcode.I32Const, 2);
            Emit(Opcode.I32Shl);
            Emit(Opcode.I32Load, context.Layout.SiteBasesBase, 2, context.DebugMemory);
            Emit(Opcode.I32Add);
            Emit(Opcode.LocalTee, absoluteSite);
            Emit(Opcode.I32Load8U, context.Layout.SiteFlagsBase, 0, context.DebugMemory);
            Emit(Opcode.LocalGet, frame);
            Emit(Opcode.GlobalGet, context.StepLimit);
            Emit(Opcode.I32LeU);
            Emit(Opcode.I32Or);
            Emit(Opcode.If, Wasm.Types.BlockType.Empty.ToBits());
            StoreStack();
            StoreHeader(FrameLayout.SiteOffset, () => Emit(Opcode.LocalGet, site));
            Emit(Opcode.LocalGet, frame);
            Emit(Opcode.GlobalSet, context.FrameTop);
            Emit(Opcode.LocalGet, absoluteSite);
            Emit(Opcode.LocalGet, frame);
            Emit(Opcode.Call, context.StopFunction);
            // The host may have called into the guest while it was stopped.
            Emit(Opcode.LocalGet, frame);
            Emit(Opcode.GlobalSet, context.FrameTop);
            context.Throw?.EmitRequestCheck(context.Resume, frame, Emit);
            context.Return?.EmitRequestCheck(context.Resume, Emit);
            Emit(Opcode.End);
        }
        else
        {
            StoreStack();
        }
        for (int k = 0; k < stack.Length; k++) Emit(Opcode.LocalGet, k);
        Emit(Opcode.End);
        ValType[] parameters = kind == HelperKind.Probe ? [.. stack, ValType.I32, ValType.I32] : [.. stack, ValType.I32];
        LocalGroup[] locals = kind switch { HelperKind.Probe => [new LocalGroup(1, ValType.I32)], HelperKind.ProbeAtFrameTop => [new LocalGroup(2, ValType.I32)], _ => [] };
        int helper = context.Builder.AddFunction(new FunctionType(parameters, stack), locals, new Expression([.. code], []), $"wasmprobe.{kind.ToString().ToLowerInvariant()}_{context.Helpers.Count}");
        context.Helpers[key] = helper;
        return helper;
    }

    private void EmitStop(ProbeSite site, int index)
    {
        if (!IsDebug)
        {
            CallFrameWriter(site, index);
            return;
        }
        EmitHeader();
        EmitSpill(site, index);
        body.LocalGet(_frame);
        body.GlobalSet(context.FrameTop);
        body.I32Const(site.Id);
        body.LocalGet(_frame);
        body.Call(context.StopFunction);
        context.Throw?.EmitRequestCheck(context.Resume, _frame, _emitToBody ??= body.Emit);
        if (layout.ReturnsEarly) context.Return?.EmitRequestCheck(context.Resume, _emitToBody ??= body.Emit);
        ReloadFunctionFlag();
    }

    /// <summary>Before a call in a debug build: record the call site (and that the stack is not stored), make this
    /// frame the top one, put the stack pointer above it, and while anything is armed store this block's stack
    /// values through the spill helper, so that the frame can be shown as a parent. Kept inline: a helper call per
    /// guest call would cost more than the call itself in call-dense code.</summary>
    private void EmitCallBookkeeping(ProbeSite site, int index)
    {
        body.LocalGet(_frame);
        body.Emit(Opcode.I64Const, site.Id - firstSite);
        body.Memory(Opcode.I64Store, context.DebugMemory, FrameLayout.SiteOffset, 3);
        if (!_ownsFrameTop) OwnFrameTop();
        body.LocalGet(_frame);
        body.I32Const(layout.Size);
        body.Emit(Opcode.I32Add);
        body.GlobalSet(context.StackPointer);
        var accessible = Accessible(index);
        body.GlobalGet(context.Armed);
        body.Emit(Opcode.If, PassThroughBlockType(accessible));
        body.LocalGet(_frame);
        body.Call(StackHelper(HelperKind.Spill, accessible, analysis.StackHeight(index) - accessible.Length));
        body.Emit(Opcode.End);
    }

    /// <summary>Static builds store a frame through a small function added for the site, called with the frame, its
    /// parent, the locals and this block's stack values: code that writes the debug memory in a cold branch of a hot
    /// loop makes Cranelift keep that memory's base in a register across the loop, which alone cost 25% in the
    /// debugger benchmark. The writer also makes this frame the top and calls the host.</summary>
    private void CallFrameWriter(ProbeSite site, int index)
    {
        var accessible = Accessible(index);
        var temps = new int[accessible.Length];
        for (int k = accessible.Length - 1; k >= 0; k--)
        {
            temps[k] = Temp(accessible[k], k);
            body.LocalSet(temps[k]);
        }
        var locals = layout.WritesThrough ? [] : Enumerable.Range(0, layout.LocalTypes.Length).Where(j => FrameLayout.IsSpillable(layout.LocalTypes[j])).ToArray();
        body.LocalGet(_frame);
        body.LocalGet(_parent);
        foreach (int j in locals) body.LocalGet(j);
        foreach (int temp in temps) body.LocalGet(temp);
        int firstSlot = analysis.StackHeight(index) - accessible.Length;
        body.Call(FrameWriter(site, locals, accessible, firstSlot));
        EmitResume(site.Pc, accessible, temps, firstSlot);
        foreach (int temp in temps) body.LocalGet(temp);
    }

    /// <summary>After a static stop, what the host asked for (<see cref="ResumeCode"/>): return at once with the
    /// results it wrote to the first stack slots, throw (from this pc, so that a trace of an uncaught one shows
    /// the stop), or take the locals and this block's stack values it changed
    /// back from the frame. Values that cannot live in linear memory (references) are never changed. (A forced trap
    /// needs no code: the host ends the run from the stop.)</summary>
    private void EmitResume(int pc, ValType[] accessible, int[] temps, int firstSlot)
    {
        body.GlobalGet(context.Resume);
        body.Emit(Opcode.If, Wasm.Types.BlockType.Empty.ToBits());
        var results = analysis.Type.Results;
        if (FrameLayout.CanForceReturn(analysis.Type))
        {
            EmitIfResume(ResumeCode.Return);
            for (int k = 0; k < results.Length; k++) Load(results[k], FrameLayout.StackSlotOffset(k));
            body.Emit(Opcode.Return);
            body.Emit(Opcode.End);
        }
        if (context.Throw is { } forcedThrow)
        {
            EmitIfResume(ResumeCode.Throw);
            body.LocalGet(_frame);
            body.EmitAt(Opcode.Call, pc, forcedThrow.Function);
            body.Emit(Opcode.End);
        }
        ResetResume();
        for (int j = 0; j < layout.LocalTypes.Length; j++)
        {
            if (!FrameLayout.IsSettable(layout.LocalTypes[j])) continue;
            Load(layout.LocalTypes[j], layout.LocalOffsets[j]);
            body.LocalSet(j);
        }
        for (int k = 0; k < accessible.Length; k++)
        {
            if (!FrameLayout.IsSettable(accessible[k])) continue;
            Load(accessible[k], FrameLayout.StackSlotOffset(firstSlot + k));
            body.LocalSet(temps[k]);
        }
        body.Emit(Opcode.End);
    }

    /// <summary>Opens <c>if (resume == code)</c> and resets the request inside it.</summary>
    private void EmitIfResume(ResumeCode code)
    {
        body.GlobalGet(context.Resume);
        body.I32Const((int)code);
        body.Emit(Opcode.I32Eq);
        body.Emit(Opcode.If, Wasm.Types.BlockType.Empty.ToBits());
        ResetResume();
    }

    private void ResetResume()
    {
        body.I32Const(0);
        body.GlobalSet(context.Resume);
    }

    /// <summary>Pushes the value of <paramref name="type"/> (not a reference) at frame offset <paramref name="offset"/>.</summary>
    private void Load(ValType type, int offset)
    {
        body.LocalGet(_frame);
        var (load, _, align) = FrameLayout.SlotAccess(type) ?? throw new ArgumentOutOfRangeException(nameof(type), type, "references are not kept in frames");
        body.Memory(load, context.DebugMemory, (ulong)offset, (uint)align);
    }

    private int FrameWriter(ProbeSite site, int[] locals, ValType[] stack, int firstSlot)
    {
        ValType[] parameters = [ValType.I32, ValType.I32, .. locals.Select(j => layout.LocalTypes[j]), .. stack];
        var code = new List<Instruction>();
        void Emit(Opcode opcode, long a = 0, long b = 0, int c = 0) => code.Add(new Instruction(opcode, -1, 0, a, b, c));
        void Store(ValType type, int offset, int parameter)
        {
            Emit(Opcode.LocalGet, 0);
            Emit(Opcode.LocalGet, parameter);
            StoreInstructions(type, offset, Emit);
        }
        Store(ValType.I32, FrameLayout.ParentOffset, 1);
        Emit(Opcode.LocalGet, 0);
        Emit(Opcode.I32Const, layout.Function);
        Emit(Opcode.I32Store, FrameLayout.FunctionOffset, 2, context.DebugMemory);
        for (int i = 0; i < locals.Length; i++) Store(layout.LocalTypes[locals[i]], layout.LocalOffsets[locals[i]], 2 + i);
        for (int k = 0; k < stack.Length; k++) Store(stack[k], FrameLayout.StackSlotOffset(firstSlot + k), 2 + locals.Length + k);
        if (IsCastExit(site.InstructionIndex))
        {
            // Whether the function returns here depends on the reference's run-time type, which its slot does not keep.
            var cast = analysis.Code[site.InstructionIndex].CastTarget;
            Emit(Opcode.LocalGet, 0);
            Emit(Opcode.LocalGet, 2 + locals.Length + stack.Length - 1);
            Emit(cast.Nullable ? Opcode.RefTestNull : Opcode.RefTest, cast.Heap.Code);
            Emit(Opcode.I32Store, FrameLayout.StackSlotOffset(firstSlot + stack.Length - 1) + FrameLayout.CastMatchOffset, 2, context.DebugMemory);
        }
        Emit(Opcode.LocalGet, 0);
        Emit(Opcode.I32Const, FrameLayout.StoredHeight(site.StackTypes.Length));
        Emit(Opcode.I32Store, FrameLayout.StackHeightOffset, 2, context.DebugMemory);
        Emit(Opcode.LocalGet, 0);
        Emit(Opcode.I32Const, site.Id);
        Emit(Opcode.I32Store, FrameLayout.SiteOffset, 2, context.DebugMemory);
        Emit(Opcode.LocalGet, 0);
        Emit(Opcode.GlobalSet, context.FrameTop);
        Emit(Opcode.I32Const, site.Id);
        Emit(Opcode.LocalGet, 0);
        Emit(Opcode.Call, context.StopFunction);
        Emit(Opcode.End);
        return context.Builder.AddFunction(new FunctionType(parameters, []), [], new Expression([.. code], []), $"wasmprobe.frame_writer_{site.Id}");
    }

    /// <summary>The pcs of the function's <c>br_on_cast</c>/<c>br_on_cast_fail</c> exits, found when a stop is at one.</summary>
    private HashSet<int>? _castExits;

    private bool IsCastExit(int index)
    {
        if (analysis.Code[index].Opcode is not (Opcode.BrOnCast or Opcode.BrOnCastFail)) return false;
        _castExits ??= [.. Wasm.Resolution.FunctionExits.Of(analysis).Where(Wasm.Resolution.FunctionExits.IsCast).Select(e => e.Pc)];
        return _castExits.Contains(analysis.Code[index].Offset);
    }

    /// <summary>A tail call replaces this frame: the callee's frame takes its place, with this frame's parent.</summary>
    private void EmitTailCallFixup()
    {
        body.LocalGet(_frame);
        body.GlobalSet(context.StackPointer);
        body.LocalGet(_parent);
        body.GlobalSet(context.FrameTop);
    }

    /// <summary>Write-through functions: declared locals zeroed (their defaults; a zero reference slot means null),
    /// parameters stored. A debug frame's site and height are zeroed too (no stale record of an earlier frame at the
    /// same address reads as this one's: the frame top is this frame from entry on), with the locals' fill where
    /// there is one.</summary>
    private void EmitLocalsOnEntry()
    {
        int parameters = analysis.Locals.ParameterCount;
        int start = parameters == layout.LocalTypes.Length ? layout.LocalsEnd : layout.LocalOffsets[parameters];
        if (IsDebug && start == layout.LocalsEnd)
        {
            body.LocalGet(_frame);
            body.Emit(Opcode.I64Const, 0);
            body.Memory(Opcode.I64Store, context.DebugMemory, FrameLayout.SiteOffset, 3);
        }
        else if (start < layout.LocalsEnd)
        {
            if (IsDebug) start = FrameLayout.SiteOffset;
            body.LocalGet(_frame);
            body.I32Const(start);
            body.Emit(Opcode.I32Add);
            body.I32Const(0);
            body.I32Const(layout.LocalsEnd - start);
            body.Emit(Opcode.MemoryFill, context.DebugMemory);
        }
        for (int j = 0; j < parameters; j++) EmitLocalWrite(j);
    }

    private void EmitLocalWrite(int local)
    {
        var type = layout.LocalTypes[local];
        if (!FrameLayout.IsSpillable(type)) return;
        body.LocalGet(_frame);
        body.LocalGet(local);
        StoreValue(type, layout.LocalOffsets[local]);
    }

    private void EmitHeader()
    {
        body.LocalGet(_frame);
        body.LocalGet(_parent);
        Store32(FrameLayout.ParentOffset);
        StoreConst32(FrameLayout.FunctionOffset, layout.Function);
    }

    private void ReloadFunctionFlag()
    {
        body.I32Const(layout.Function);
        body.Memory(Opcode.I32Load8U, context.DebugMemory, DebugMemory.FunctionFlagsBase, 0);
        body.LocalSet(_flag);
    }

    /// <summary>The stack values of the innermost block before instruction <paramref name="index"/>.</summary>
    private ValType[] Accessible(int index)
    {
        var stack = context.Shapes.Before(analysis, index);
        int from = Math.Min(analysis.BlockBase(index), stack.Length);
        if (from == 0) return stack;
        if (!context.Tops.TryGetValue((stack, from), out var top)) context.Tops[(stack, from)] = top = stack[from..];
        return top;
    }

    /// <summary>Stores the locals (unless written through) and this block's operand-stack values, then the stack height
    /// and the site.</summary>
    private void EmitSpill(ProbeSite site, int index)
    {
        if (!layout.WritesThrough)
        {
            for (int j = 0; j < layout.LocalTypes.Length; j++) EmitLocalWrite(j);
        }
        EmitStackSpill(index);
        StoreConst32(FrameLayout.StackHeightOffset, FrameLayout.StoredHeight(site.StackTypes.Length));
        StoreConst32(FrameLayout.SiteOffset, site.Id - firstSite);
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
            StoreValue(accessible[k], FrameLayout.StackSlotOffset(firstSlot + k));
        }
        for (int k = 0; k < accessible.Length; k++) body.LocalGet(temps[k]);
    }

    private int Temp(ValType type, int ordinal)
    {
        if (!_temps.TryGetValue((type, ordinal), out int local)) _temps[(type, ordinal)] = local = body.AddLocal(type);
        return local;
    }

    private long PassThroughBlockType(ValType[] types)
    {
        if (!context.PassThroughBlockTypes.TryGetValue(types, out long bits)) context.PassThroughBlockTypes[types] = bits = BlockType(types, types);
        return bits;
    }

    private long BlockType(ValType[] parameters, ValType[] results) =>
        parameters.Length == 0 && results.Length == 0
            ? Wasm.Types.BlockType.Empty.ToBits()
            : Wasm.Types.BlockType.Function(context.Builder.AddFunctionType(new FunctionType(parameters, results))).ToBits();

    private void StoreValue(ValType type, int offset)
    {
        StoreInstructions(type, offset, _emitToBody ??= body.Emit);
    }

    /// <summary>Stores a value of <paramref name="type"/> (address and value on the stack) at frame offset
    /// <paramref name="offset"/>. References cannot live in linear memory; the frame records whether they are non-null.</summary>
    private void StoreInstructions(ValType type, int offset, Action<Opcode, long, long, int> emit)
    {
        int memory = context.DebugMemory;
        if (FrameLayout.SlotAccess(type) is var (_, store, align))
        {
            emit(store, offset, align, memory);
            return;
        }
        emit(Opcode.RefIsNull, 0, 0, 0);
        emit(Opcode.I32Eqz, 0, 0, 0);
        emit(Opcode.I32Store, offset, 2, memory);
    }

    /// <summary>Emits into the body; one delegate for the function's many stores.</summary>
    private Action<Opcode, long, long, int>? _emitToBody;

    private void Store32(int offset) => body.Memory(Opcode.I32Store, context.DebugMemory, (ulong)offset, 2);

    /// <summary>frame[offset] = value.</summary>
    private void StoreConst32(int offset, int value)
    {
        body.LocalGet(_frame);
        body.I32Const(value);
        Store32(offset);
    }
}
