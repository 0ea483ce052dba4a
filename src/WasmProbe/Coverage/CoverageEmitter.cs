using System.Runtime.InteropServices;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Rewriting;

namespace WasmProbe.Coverage;

/// <summary>Rewrites one function body with its counters. Original instructions keep their pc (<see
/// cref="Instruction.Offset"/>), including those whose labels had to be renumbered; inserted instructions have offset
/// -1, and no local is added, so the debugger's instrumentation (run afterwards) sees the original locals and puts
/// probes on original instructions only.
/// <list type="bullet">
/// <item>A counter increment is <c>i32.const 0 i32.const 0 i64.load offset=8k i64.const 1 i64.add i64.store offset=8k</c>
/// on the counter memory: stack-neutral, so it can go before any instruction.</item>
/// <item>A try_table whose catch landings are counted is wrapped: <c>block $after (block $land_n-1 ... (block $land_0
/// try_table (catch .. $land_k) .. end br $after) counters br L0' ...) end</c>; labels inside it that reach past it grow by
/// the number of added blocks.</item>
/// <item>A br_table whose edges must be counted on the edge gets stub blocks: its entries branch to a stub that counts
/// and then branches on to the original target.</item>
/// <item>select counts how often its condition is non-zero, through a scratch global (not a local: the debugger would
/// show it).</item>
/// </list></summary>
internal sealed class CoverageEmitter
{
    private readonly FunctionPlan _plan;
    private readonly CounterPlacement _placement;
    private readonly StackAnalyzer? _analyzer;
    private readonly ModuleBuilder? _builder;
    private readonly IndexSpaces _spaces;
    private readonly int _memory;
    private readonly Func<int> _scratch;
    private readonly List<Instruction> _out;
    private readonly List<long> _pool = [];
    private readonly List<Frame> _frames = [];

    private struct Frame
    {
        public int Opener;
        /// <summary>Blocks added around this try_table (0 when it is not wrapped).</summary>
        public int Added;
        /// <summary>For a wrapped try_table: the adjusted label each clause's landing branches on to.</summary>
        public int[]? ClauseTargets;
    }

    /// <param name="scratch">The scratch global's index; adds the global on first use.</param>
    /// <param name="buffer">Where the body is assembled; reused from function to function, so big bodies do not each
    /// allocate (and leave behind) a large-object-heap list.</param>
    /// <param name="analyzer">Types the operand stack where a br_table needs stub blocks (the only place that needs
    /// types; most functions never run it).</param>
    /// <param name="builder">Takes the block types of stubs and wrappers. Both it and the analyzer are needed only
    /// where <see cref="NeedsBuilder"/> (those functions are rewritten one at a time, so added types keep one order).</param>
    public CoverageEmitter(FunctionPlan plan, CounterPlacement placement, StackAnalyzer? analyzer, ModuleBuilder? builder, IndexSpaces spaces, int memory, Func<int> scratch, List<Instruction> buffer)
    {
        _plan = plan;
        _placement = placement;
        _analyzer = analyzer;
        _builder = builder;
        _spaces = spaces;
        _memory = memory;
        _scratch = scratch;
        _out = buffer;
        _out.Clear();
        _landingsOf = LandingsOfTryTables(plan.Flow);
    }

    private readonly Dictionary<int, int[]> _landingsOf;

    /// <summary>The body gets br_table stubs or try_table wrappers, which may add function types to the module.</summary>
    public static bool NeedsBuilder(CounterPlacement placement) => placement.StubCounters.Count > 0 || placement.LandingCounters.Count > 0;

    private ControlFlow Flow => _plan.Flow;
    private Expression Code => _plan.Flow.Code;

    /// <summary>The rewritten body's code.</summary>
    public Expression Emit()
    {
        Write();
        return new Expression([.. _out], [.. _pool]);
    }

    /// <summary>The rewritten body, encoded: a few bytes per instruction instead of a decoded one.</summary>
    public FunctionBody Emit(BodyEncoder encoder, FunctionBody original)
    {
        Write();
        return encoder.Encode(original.Locals, CollectionsMarshal.AsSpan(_out), [.. _pool], original.Offset);
    }

    private void Write()
    {
        var code = Code.Instructions;
        var flow = Flow;
        _frames.Add(new Frame { Opener = -1 });
        int next = 0; // the first block that does not end before the instruction
        var sites = _placement.BlockCounters;
        int site = 0;
        for (int i = 0; i < code.Length; i++)
        {
            var ins = code[i];
            while (next < flow.BlockCount && flow.BlockLast[next] < i) next++;
            int block = next < flow.BlockCount && flow.BlockStart[next] <= i ? next : -1;
            if (block >= 0)
            {
                if (flow.BlockStart[block] == i)
                {
                    for (; site < sites.Length && sites[site].Block == block && !sites[site].AtEnd; site++) Increment(sites[site].Counter);
                }
                if (flow.BlockLast[block] == i)
                {
                    for (; site < sites.Length && sites[site].Block == block; site++) Increment(sites[site].Counter);
                }
                if (ins.Opcode is Opcode.Select or Opcode.SelectTyped && _placement.SelectCounters.TryGetValue(i, out int select)) CountSelect(select);
            }
            var info = OpcodeTable.Get(ins.Opcode);
            switch (info.Control)
            {
                case ControlKind.TryTable:
                    EmitTryTable(i, ins);
                    break;
                case ControlKind.Block or ControlKind.Loop or ControlKind.If or ControlKind.Try:
                    Copy(ins);
                    _frames.Add(new Frame { Opener = i });
                    break;
                case ControlKind.End:
                {
                    Copy(ins);
                    var frame = _frames[^1];
                    _frames.RemoveAt(_frames.Count - 1);
                    if (frame.Added > 0) CloseTryTable(frame);
                    break;
                }
                case ControlKind.Delegate:
                    // delegate's label counts from outside the try it closes.
                    Copy(WithLabel(ins, Adjust(ins.Label, _frames.Count - 1)));
                    _frames.RemoveAt(_frames.Count - 1);
                    break;
                case ControlKind.BranchTable:
                    if (block >= 0 && flow.BlockLast[block] == i && _placement.StubCounters.TryGetValue(block, out var stubs)) EmitStubbedBrTable(i, ins, stubs);
                    else EmitBrTable(ins, (k, label) => Adjust(label, _frames.Count));
                    break;
                case ControlKind.Branch or ControlKind.BranchIf or ControlKind.Throw when info.Immediates is ImmediateKind.Label or ImmediateKind.BrOnCast:
                    Copy(WithLabel(ins, Adjust(ins.Label, _frames.Count)));
                    break;
                default:
                    Copy(ins);
                    break;
            }
        }
    }

    // ----- labels -----

    /// <summary>A label of an original instruction in the rewritten body: every wrapped try_table it branches out of adds
    /// its wrapper blocks. <paramref name="top"/>: the number of frames of the context the label counts in.</summary>
    private int Adjust(int label, int top)
    {
        int extra = 0;
        for (int d = 0; d < label && d < top; d++)
        {
            int added = _frames[top - 1 - d].Added;
            if (added > 0) extra += added;
        }
        return label + extra;
    }

    private static Instruction WithLabel(in Instruction ins, int label)
    {
        if (label == ins.Label) return ins;
        // br_on_cast keeps its label in the low half of A, beside the cast's nullability flags.
        long a = ins.Info.Immediates == ImmediateKind.BrOnCast ? (ins.A & ~0xFFFF_FFFFL) | (uint)label : label;
        return new Instruction(ins.Opcode, ins.Offset, ins.Length, a, ins.B, ins.C);
    }

    // ----- copies and new instructions -----

    /// <summary>Copies an instruction; pool immediates move into this body's pool.</summary>
    private void Copy(in Instruction ins) => _out.Add(Code.WithPoolIn(ins, _pool));

    private void Emit(Opcode opcode, long a = 0, long b = 0, int c = 0) => _out.Add(new Instruction(opcode, -1, 0, a, b, c));

    private void Increment(List<int> counters)
    {
        foreach (int counter in counters) Increment(counter);
    }

    private ulong Address(int counter) => 8UL * (uint)(_plan.FirstCounter + counter);

    private void Increment(int counter)
    {
        ulong address = Address(counter);
        Emit(Opcode.I32Const, 0);
        Emit(Opcode.I32Const, 0);
        Emit(Opcode.I64Load, (long)address, 3, _memory);
        Emit(Opcode.I64Const, 1);
        Emit(Opcode.I64Add);
        Emit(Opcode.I64Store, (long)address, 3, _memory);
    }

    /// <summary>[.. a b c] -> [.. a b c], adding (c != 0) to the counter.</summary>
    private void CountSelect(int counter)
    {
        ulong address = Address(counter);
        int scratch = _scratch();
        Emit(Opcode.GlobalSet, scratch);
        Emit(Opcode.I32Const, 0);
        Emit(Opcode.I32Const, 0);
        Emit(Opcode.I64Load, (long)address, 3, _memory);
        Emit(Opcode.GlobalGet, scratch);
        Emit(Opcode.I32Eqz);
        Emit(Opcode.I32Eqz);
        Emit(Opcode.I64ExtendI32U);
        Emit(Opcode.I64Add);
        Emit(Opcode.I64Store, (long)address, 3, _memory);
        Emit(Opcode.GlobalGet, scratch);
    }

    // ----- try_table -----

    private void EmitTryTable(int index, in Instruction ins)
    {
        int count = ins.PoolCount;
        var landings = LandingsOf(index);
        bool wrap = landings is not null && landings.Any(l => l >= 0 && _placement.LandingCounters.ContainsKey(l));
        if (!wrap)
        {
            var clauses = ins;
            CopyTryTable(ins, k => Adjust(Code.Catch(clauses, k).Label, _frames.Count));
            _frames.Add(new Frame { Opener = index });
            return;
        }

        // Clause labels count from outside the try_table: resolve them before the wrapper opens.
        var targets = new int[count];
        for (int k = 0; k < count; k++) targets[k] = Adjust(Code.Catch(ins, k).Label, _frames.Count);
        var (parameters, _) = Signature(ins.BlockType);
        Emit(Opcode.Block, ins.A);
        for (int k = count - 1; k >= 0; k--) Emit(Opcode.Block, BlockTypeBits(parameters, Payload(Code.Catch(ins, k))));
        CopyTryTable(ins, k => k);
        _frames.Add(new Frame { Opener = index, Added = count + 1, ClauseTargets = targets });
    }

    private void CopyTryTable(in Instruction ins, Func<int, int> label)
    {
        int start = _pool.Count;
        for (int k = 0; k < ins.PoolCount; k++)
        {
            _pool.Add(Code.Pool[ins.PoolStart + 2 * k]);
            _pool.Add(label(k));
        }
        _out.Add(new Instruction(ins.Opcode, ins.Offset, ins.Length, ins.A, start, ins.C));
    }

    /// <summary>After the try_table's end (inside $land_0): leave through $after; then each landing counts and branches
    /// on to where its clause pointed.</summary>
    private void CloseTryTable(Frame frame)
    {
        int count = frame.Added - 1;
        var landings = LandingsOf(frame.Opener)!;
        Emit(Opcode.Br, count);
        for (int k = 0; k < count; k++)
        {
            Emit(Opcode.End);
            if (landings[k] >= 0 && _placement.LandingCounters.TryGetValue(landings[k], out var counters)) Increment(counters);
            Emit(Opcode.Br, frame.ClauseTargets![k] + 1 + (count - 1 - k));
        }
        Emit(Opcode.End);
    }

    /// <summary>The landing index of each clause of a try_table (-1 for a clause without a landing node), or null.</summary>
    private int[]? LandingsOf(int tryTable) => _landingsOf.GetValueOrDefault(tryTable);

    private static Dictionary<int, int[]> LandingsOfTryTables(ControlFlow flow)
    {
        var result = new Dictionary<int, int[]>();
        var landings = flow.Landings;
        for (int l = 0; l < landings.Length; l++)
        {
            int tryTable = landings[l].TryTable;
            if (!result.TryGetValue(tryTable, out var clauses))
            {
                result[tryTable] = clauses = new int[flow.Code[tryTable].PoolCount];
                Array.Fill(clauses, -1);
            }
            clauses[landings[l].Clause] = l;
        }
        return result;
    }

    private ValType[] Payload(CatchClause clause)
    {
        var values = clause.HasTag ? _spaces.TagFunctionType(clause.Tag).Parameters : [];
        return clause.PushesExnRef ? [.. values, ValType.Ref(HeapType.Exn, nullable: false)] : values;
    }

    // ----- br_table -----

    private void EmitBrTable(in Instruction ins, Func<int, int, int> label)
    {
        int start = _pool.Count;
        for (int k = 0; k < ins.PoolCount; k++) _pool.Add(label(k, Code.BrTableLabel(ins, k)));
        _out.Add(new Instruction(ins.Opcode, ins.Offset, ins.Length, label(ins.PoolCount, ins.Index), start, ins.C));
    }

    /// <summary>Stub blocks around the br_table for the targets whose edge is counted on the edge itself.</summary>
    private void EmitStubbedBrTable(int index, in Instruction ins, Dictionary<int, List<int>> stubs)
    {
        var targets = Flow.BrTableTargets[index];
        var stubbed = stubs.Keys.Order().ToArray();
        int m = stubbed.Length;
        var stack = (_analyzer ?? throw NoBuilder()).Analyze(_plan.Function).StackBefore(index);
        int arity = LabelArity(ins.Index);
        var carried = stack[(stack.Length - 1 - arity)..(stack.Length - 1)];
        if (carried.Any(t => t.Kind == ValueKind.Unknown))
            throw new InvalidOperationException($"br_table at 0x{ins.Offset:x}: operand types unknown");
        long type = BlockTypeBits([.. carried, ValType.I32], carried);
        for (int j = 0; j < m; j++) Emit(Opcode.Block, type);

        // Original (adjusted) label per stubbed target: the first entry that goes there.
        var stubOf = new Dictionary<int, int>();
        for (int j = 0; j < m; j++) stubOf[stubbed[j]] = j;
        var firstEntry = new Dictionary<int, int>();
        for (int k = targets.Length - 1; k >= 0; k--) firstEntry[targets[k]] = k;
        var onward = new int[m];
        for (int j = 0; j < m; j++)
        {
            int k = firstEntry[stubbed[j]];
            int label = k == targets.Length - 1 ? ins.Index : Code.BrTableLabel(ins, k);
            onward[j] = Adjust(label, _frames.Count);
        }
        EmitBrTable(ins, (k, label) =>
        {
            return stubOf.TryGetValue(targets[k], out int j) ? j : Adjust(label, _frames.Count) + m;
        });
        for (int j = 0; j < m; j++)
        {
            Emit(Opcode.End);
            Increment(stubs[stubbed[j]]);
            Emit(Opcode.Br, onward[j] + (m - 1 - j));
        }
    }

    /// <summary>How many values a branch to <paramref name="label"/> (in the current context) carries.</summary>
    private int LabelArity(int label)
    {
        int opener = _frames[_frames.Count - 1 - label].Opener;
        if (opener < 0) return _spaces.FunctionTypeOfFunction(_plan.Function).Results.Length;
        var (parameters, results) = Signature(Code[opener].BlockType);
        return Code[opener].Info.Control == ControlKind.Loop ? parameters.Length : results.Length;
    }

    // ----- block types -----

    private (ValType[] Params, ValType[] Results) Signature(BlockType type)
    {
        if (type.IsEmpty) return ([], []);
        if (type.IsValueType) return ([], [type.ValType]);
        var function = _spaces.FunctionType(type.TypeIndex);
        return (function.Parameters, function.Results);
    }

    private long BlockTypeBits(ValType[] parameters, ValType[] results)
    {
        if (parameters.Length == 0 && results.Length == 0) return BlockType.Empty.ToBits();
        if (parameters.Length == 0 && results.Length == 1) return BlockType.Value(results[0]).ToBits();
        return BlockType.Function((_builder ?? throw NoBuilder()).AddFunctionType(new FunctionType(parameters, results))).ToBits();
    }

    private InvalidOperationException NoBuilder() =>
        new($"coverage: function {_plan.Function} was rewritten in parallel but needs the module builder (see {nameof(NeedsBuilder)})");
}
