using WasmProbe.Engine;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Rewriting;

namespace WasmProbe.Instrumentation;

/// <summary>Inserts probes (calls to the host import <c>wasmprobe.stop(site, frame)</c>) and shadow frames into a
/// module. A probe spills the function's locals and operand stack into its shadow frame in an added memory, so the
/// host can read them while the guest waits inside the call. See <see cref="FrameLayout"/> and <see cref="DebugMemory"/>.</summary>
public static class Instrumenter
{
    public static InstrumentedModule Instrument(Module module, InstrumentationOptions options)
    {
        var spaces = module.IndexSpaces;
        // One analysis alive at a time, in arrays reused from function to function: every framed function is analysed
        // when its sites are found and again when it is rewritten (all analyses at once outweigh a large module).
        var analyzer = new StackAnalyzer(module, reuseBuffers: true);
        FunctionAnalysis Analysis(int f) => ModuleTooLargeException.Guard(module, f, () => analyzer.Analyze(f));

        var probeIndices = ProbeInstructions(options, Analysis);
        var framed = FramedFunctions(module, options, probeIndices);
        if (options.WatchWrites) framed.UnionWith(WritingFunctions(module));
        bool debug = options.Mode == InstrumentationMode.Debug;

        var shapes = new StackShapes();
        // A debug build has a site per reachable instruction: room for all at once, kept as it is (no list doubling
        // towards them, no exact-size copy at the end: on a large module each would be hundreds of MB).
        var sites = new SiteList(debug ? module.Bodies.Sum(b => b.Code.Count) : 16);
        Func<int, ValType> globalType = g => spaces.Globals[g].Type;
        Func<int, bool> memoryExists = m => (uint)m < (uint)spaces.Memories.Length;
        Func<int, bool> storesReplayable = m => !options.WatchWrites && memoryExists(m);
        var sitesByFunction = new Dictionary<int, (int First, int Count)>();
        foreach (int f in framed.OrderBy(f => f))
        {
            var analysis = Analysis(f);
            probeIndices.TryGetValue(f, out var probes);
            var localTypes = debug ? LocalTypeArray(analysis.Locals) : [];
            int first = sites.Count;
            bool previousReplayable = false;
            for (int i = 0; i < analysis.InstructionCount; i++)
            {
                ProbeSite? previous = sites.Count > first && sites.Last.InstructionIndex == i - 1 ? sites.Last : null;
                bool replayed = previousReplayable && analysis.IsReachable(i) && previous is not null;
                previousReplayable = debug && analysis.IsReachable(i) && analysis.Code[i].Offset >= 0
                    && Replay.Replayable.Is(analysis.Code[i], localTypes, globalType, memoryExists, storesReplayable);
                var ins = analysis.Code[i];
                if (!analysis.IsReachable(i) || ins.Offset < 0) continue;
                var kinds = SiteKinds.None;
                if (debug || (probes is not null && probes.Contains(i))) kinds |= SiteKinds.Probe;
                if (debug && ins.Info.IsCall) kinds |= SiteKinds.Call;
                if (options.ReportThrows && ins.Opcode is Opcode.Throw or Opcode.ThrowRef) kinds |= SiteKinds.Throw;
                if (kinds == SiteKinds.None) continue;
                var stack = shapes.Before(analysis, i);
                if (stack.Any(t => t.Kind == ValueKind.Unknown)) continue;
                int id = sites.Count;
                sites.Add(new ProbeSite(id, f, i, ins.Offset, kinds, stack, replayed && kinds == SiteKinds.Probe ? previous!.Value.RunStart : id));
            }
            sitesByFunction[f] = (first, sites.Count - first);
        }

        var memory = new DebugMemory(sites.Count, spaces.FunctionCount);
        var builder = new ModuleBuilder(module) { EncodesRewrittenBodies = true };
        int stop = AddImport(builder, HostImports.Stop);
        int debugMemory = builder.AddMemory(new MemoryType(new Limits(memory.Pages, null)));
        int armed = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(0));
        int stepLimit = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(0));
        int frameTop = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(0));
        int stackPointer = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(memory.FramesBase));
        int resume = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(0));

        var watch = options.WatchWrites ? AddWriteWatch(builder, spaces) : null;
        var forcedThrow = ForcedThrow.Add(builder, spaces, debugMemory);
        var earlyReturn = debug && options.EarlyReturns ? EarlyReturn.Add(builder) : null;

        var layouts = new FrameLayout?[spaces.FunctionCount];
        var context = new EmitContext(builder, stop, debugMemory, memory, armed, stepLimit, frameTop, stackPointer, resume, options.Mode) { Shapes = shapes, Watch = watch, Throw = forcedThrow, Return = earlyReturn };
        var perInstruction = Array.Empty<ProbeSite?>();
        foreach (var (f, (first, count)) in sitesByFunction)
        {
            var analysis = Analysis(f);
            var localTypes = LocalTypeArray(analysis.Locals);
            // The function's sites by instruction, in one array reused from function to function.
            if (perInstruction.Length < analysis.InstructionCount) perInstruction = new ProbeSite?[analysis.InstructionCount];
            Array.Clear(perInstruction, 0, analysis.InstructionCount);
            int maxSpill = 0;
            for (int k = first; k < first + count; k++)
            {
                perInstruction[sites[k].InstructionIndex] = sites[k];
                maxSpill = Math.Max(maxSpill, sites[k].StackTypes.Length);
            }
            // A stop can throw or return at once: the payload or results the host chose go into the first stack slots.
            bool returnsEarly = count > 0 && (!debug || (earlyReturn is not null && EarlyReturn.Wraps(analysis)));
            if (count > 0) maxSpill = Math.Max(maxSpill, Math.Max(returnsEarly ? analysis.Type.Results.Length : 0, forcedThrow?.MaxPayload ?? 0));
            bool writesThrough = options.Mode == InstrumentationMode.Debug || localTypes.Length > FrameLayout.MaxLocalsStoredAtStops;
            var layout = layouts[f] = new FrameLayout(f, localTypes, maxSpill, writesThrough) { ReturnsEarly = debug && returnsEarly };
            ModuleTooLargeException.Guard(module, f, () => builder.RewriteBody(f, body => new FunctionEmitter(context, body, analysis, layout, perInstruction, first).Emit()));
        }

        if (debug) builder.AddData(SiteBases(memory, debugMemory, sitesByFunction));
        if (options.Linked) WrapExports(builder, module, stackPointer, frameTop);
        string? backtrace = debug && !options.Linked ? null : AddBacktraceTrap(builder);
        var exports = AddExports(builder, module, debugMemory, armed, stepLimit, frameTop, stackPointer, resume, backtrace, watch, forcedThrow);
        var pcMap = new PcMap();
        var bytes = ModuleEncoder.Encode(builder.Build(), pcMap);
        return new InstrumentedModule(module, bytes, pcMap, sites.Items, sites.Count, layouts, memory, options.Mode, exports);
    }

    /// <summary>The first site of each function, as <see cref="DebugMemory.SiteBasesBase"/> holds them.</summary>
    private static DataSegment SiteBases(DebugMemory memory, int debugMemory, Dictionary<int, (int First, int Count)> sitesByFunction)
    {
        var bases = new byte[4 * memory.FunctionCount];
        foreach (var (f, (first, _)) in sitesByFunction) System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bases.AsSpan(4 * f), first);
        return new DataSegment(2, SegmentMode.Active, debugMemory, Const(memory.SiteBasesBase), bases);
    }

    private static Expression Const(int value) =>
        new([new Instruction(Opcode.I32Const, -1, 0, value), new Instruction(Opcode.End, -1, 0)], []);

    private static ValType[] LocalTypeArray(LocalTypes locals)
    {
        if (locals.Count > 1_000_000) throw new NotSupportedException($"a function with {locals.Count} locals is beyond what WasmProbe can instrument");
        var types = new ValType[locals.Count];
        for (int i = 0; i < types.Length; i++) types[i] = locals[i];
        return types;
    }

    /// <summary>The probed instructions of a static build, per function. (A debug build probes every reachable
    /// original instruction: it needs no list.)</summary>
    private static Dictionary<int, HashSet<int>> ProbeInstructions(InstrumentationOptions options, Func<int, FunctionAnalysis> analysis)
    {
        var result = new Dictionary<int, HashSet<int>>();
        if (options.Mode == InstrumentationMode.Debug) return result;
        foreach (var function in options.Probes.GroupBy(l => l.Function))
        {
            var a = analysis(function.Key);
            var set = result[function.Key] = [];
            foreach (var location in function)
            {
                int index = a.IndexOfPc(location.Pc);
                if (index < 0 || !a.IsReachable(index)) throw new ArgumentException($"{location} is not a reachable instruction");
                set.Add(index);
            }
        }
        return result;
    }

    /// <summary>Debug builds give every function a shadow frame. Static builds give one only to the functions that can
    /// stop (a probe or a reported throw): their callers are found at a stop from the engine's own backtrace, so calls
    /// need no bookkeeping and a breakpoint that is never hit costs nothing, whatever calls through pointers reach.</summary>
    private static HashSet<int> FramedFunctions(Module module, InstrumentationOptions options, Dictionary<int, HashSet<int>> probes)
    {
        var spaces = module.IndexSpaces;
        if (options.Mode == InstrumentationMode.Debug)
            return [.. Enumerable.Range(spaces.ImportedFunctionCount, module.Bodies.Count)];
        var framed = new HashSet<int>(probes.Keys);
        if (options.ReportThrows)
        {
            for (int d = 0; d < module.Bodies.Count; d++)
            {
                if (module.Bodies[d].Code.Instructions.Any(i => i.Opcode is Opcode.Throw or Opcode.ThrowRef)) framed.Add(spaces.ImportedFunctionCount + d);
            }
        }
        return framed;
    }

    /// <summary>Linked modules: every exported function of the module's own is entered through a wrapper that saves the
    /// stack pointer and frame top, calls it and restores them (see <see cref="InstrumentationOptions.Linked"/>), also
    /// when an exception unwinds out of it, if one can: the frames it unwound would otherwise stay this module's top.
    /// Calls inside the module and through tables go to the function itself, at no cost.</summary>
    private static void WrapExports(ModuleBuilder builder, Module module, int stackPointer, int frameTop)
    {
        var spaces = module.IndexSpaces;
        bool unwinds = ExceptionsCanUnwindThrough(module);
        foreach (var export in module.Exports.Where(e => e.Kind == ExternalKind.Function && e.Index >= spaces.ImportedFunctionCount).DistinctBy(e => e.Index).ToList())
        {
            var type = spaces.FunctionTypeOfFunction(export.Index);
            int n = type.Parameters.Length;
            var code = new List<Instruction>();
            void Emit(Opcode opcode, long a = 0, long b = 0, int c = 0) => code.Add(new Instruction(opcode, -1, 0, a, b, c));
            void Restore()
            {
                Emit(Opcode.LocalGet, n);
                Emit(Opcode.GlobalSet, stackPointer);
                Emit(Opcode.LocalGet, n + 1);
                Emit(Opcode.GlobalSet, frameTop);
            }
            Emit(Opcode.GlobalGet, stackPointer);
            Emit(Opcode.LocalSet, n);
            Emit(Opcode.GlobalGet, frameTop);
            Emit(Opcode.LocalSet, n + 1);
            if (unwinds)
            {
                // block (result exnref) (try_table (result ...) (catch_all_ref 0) call) restore return end restore throw_ref
                Emit(Opcode.Block, BlockType.Value(ValType.ExnRef).ToBits());
                Emit(Opcode.TryTable, ResultsBlockType(builder, type.Results).ToBits(), b: 0, c: 1);
            }
            for (int p = 0; p < n; p++) Emit(Opcode.LocalGet, p);
            Emit(Opcode.Call, builder.MapFunction(export.Index));
            if (unwinds)
            {
                Emit(Opcode.End);
                Restore();
                Emit(Opcode.Return);
                Emit(Opcode.End);
                Restore();
                Emit(Opcode.ThrowRef);
            }
            else
            {
                Restore();
            }
            Emit(Opcode.End);
            long[] catchAllRefToTheBlock = unwinds ? [(long)CatchKind.CatchAllRef << 32, 0] : [];
            int wrapper = builder.AddFunction(type, [new LocalGroup(2, ValType.I32)], new Expression([.. code], catchAllRefToTheBlock), $"wasmprobe.enter_{module.Names.FunctionOrIndex(export.Index)}");
            foreach (var alias in module.Exports.Where(e => e.Kind == ExternalKind.Function && e.Index == export.Index)) builder.RedirectExport(alias.Name, wrapper);
        }
    }

    /// <summary>Whether an exception can unwind out of the module: it throws, or it can call functions of other modules,
    /// which can throw (imported, or reached through a table or reference another module can fill).</summary>
    private static bool ExceptionsCanUnwindThrough(Module module) =>
        module.Imports.Any(i => i.Kind is ExternalKind.Function or ExternalKind.Table or ExternalKind.Global)
        || module.Exports.Any(e => e.Kind == ExternalKind.Table)
        || module.Bodies.Any(b => b.Code.Instructions.Any(i => i.Opcode is Opcode.Throw or Opcode.ThrowRef or Opcode.CallRef or Opcode.ReturnCallRef));

    private static BlockType ResultsBlockType(ModuleBuilder builder, ValType[] results) => results.Length switch
    {
        0 => BlockType.Empty,
        1 => BlockType.Value(results[0]),
        _ => BlockType.Function(builder.AddFunctionType(new FunctionType([], results))),
    };

    /// <summary>A function that only traps: the host calls it from inside a stop, and the trap's backtrace, which
    /// Wasmtime takes across the host call, lists the guest frames below the stop.</summary>
    private static string AddBacktraceTrap(ModuleBuilder builder)
    {
        var code = new Expression([new Instruction(Opcode.Unreachable, -1, 0), new Instruction(Opcode.End, -1, 0)], []);
        int function = builder.AddFunction(new FunctionType([], []), [], code, "wasmprobe.backtrace");
        string name = builder.UniqueExportName("__wasmprobe_backtrace");
        builder.AddExport(name, ExternalKind.Function, function);
        return name;
    }

    private static int AddImport(ModuleBuilder builder, HostImport import) => builder.AddFunctionImport(HostImports.ModuleName, import.Name, import.Type);

    /// <summary>The write imports; per memory, an empty window (base = span = 0); per mutable global of a number
    /// type, a cleared watch flag.</summary>
    private static WriteWatch AddWriteWatch(ModuleBuilder builder, IndexSpaces spaces)
    {
        int write = AddImport(builder, HostImports.Write);
        int globalWrite = AddImport(builder, HostImports.GlobalWrite);
        var starts = new int?[spaces.Memories.Length];
        for (int m = 0; m < starts.Length; m++)
        {
            starts[m] = builder.AddGlobal(new GlobalType(ValType.I64, true), Const64(0));
            builder.AddGlobal(new GlobalType(ValType.I64, true), Const64(0));
        }
        var flags = new int?[spaces.Globals.Length];
        for (int g = 0; g < flags.Length; g++)
        {
            if (Wasm.Resolution.WatchRangeResolver.CanWatch(spaces.Globals[g])) flags[g] = builder.AddGlobal(new GlobalType(ValType.I32, true), Const(0));
        }
        return new WriteWatch(write, starts, spaces.Memories, globalWrite, flags);
    }

    private static Expression Const64(long value) =>
        new([new Instruction(Opcode.I64Const, -1, 0, value), new Instruction(Opcode.End, -1, 0)], []);

    private static IEnumerable<int> WritingFunctions(Module module) =>
        Enumerable.Range(0, module.Bodies.Count)
            .Where(d => module.Bodies[d].Code.Instructions.Any(i => WriteWatch.WrittenMemory(i) is not null || i.Opcode == Opcode.GlobalSet))
            .Select(d => module.IndexSpaces.ImportedFunctionCount + d);

    private static ExportNames AddExports(ModuleBuilder builder, Module module, int debugMemory, int armed, int stepLimit, int frameTop, int stackPointer, int resume, string? backtrace, WriteWatch? watch, ForcedThrow? forcedThrow)
    {
        string Export(string name, ExternalKind kind, int index)
        {
            string unique = builder.UniqueExportName(name);
            builder.AddExport(unique, kind, index);
            return unique;
        }
        var spaces = module.IndexSpaces;
        return new ExportNames
        {
            DebugMemory = Export("__wasmprobe_debug_memory", ExternalKind.Memory, debugMemory),
            Armed = Export("__wasmprobe_armed", ExternalKind.Global, armed),
            StepLimit = Export("__wasmprobe_step_limit", ExternalKind.Global, stepLimit),
            FrameTop = Export("__wasmprobe_frame_top", ExternalKind.Global, frameTop),
            StackPointer = Export("__wasmprobe_stack_pointer", ExternalKind.Global, stackPointer),
            Resume = Export("__wasmprobe_resume", ExternalKind.Global, resume),
            Backtrace = backtrace,
            ThrowTag = forcedThrow is null ? null : Export("__wasmprobe_throw_tag", ExternalKind.Global, forcedThrow.TagGlobal),
            Globals = [.. spaces.Globals.Select((g, i) => HostTypes.IsSupported(g.Type) ? Export($"__wasmprobe_global_{i}", ExternalKind.Global, i) : null)],
            Memories = [.. spaces.Memories.Select((_, i) => Export($"__wasmprobe_memory_{i}", ExternalKind.Memory, i))],
            Tables = [.. spaces.Tables.Select((t, i) => HostTypes.IsSupported(t.ElementType) ? Export($"__wasmprobe_table_{i}", ExternalKind.Table, i) : null)],
            WatchWindows = watch is null ? [] : [.. spaces.Memories.Select((_, m) => watch.WindowBase(m) is { } g
                ? ((string, string)?)(Export($"__wasmprobe_watch_base_{m}", ExternalKind.Global, g), Export($"__wasmprobe_watch_span_{m}", ExternalKind.Global, g + 1))
                : null)],
            WatchesWrites = watch is not null,
            GlobalWatchFlags = watch is null ? [] : [.. spaces.Globals.Select((_, g) => watch.GlobalFlag(g) is { } flag ? Export($"__wasmprobe_watch_global_{g}", ExternalKind.Global, flag) : null)],
        };
    }
}
