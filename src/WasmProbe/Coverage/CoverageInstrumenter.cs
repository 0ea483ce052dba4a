using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using WasmProbe.Caching;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Rewriting;

namespace WasmProbe.Coverage;

/// <summary>The coverage pass: adds block and branch counters to a module, kept in an added memory of i64 counters
/// (no host call per block). Module → module: no function or import is added, so function indices do not move, and
/// inserted instructions have no pc; it composes with the debugger's <see cref="Instrumentation.Instrumenter"/>, which
/// runs on its output. See <see cref="CounterPlanner"/> for where counters go and <see cref="CoverageEmitter"/> for
/// the code.</summary>
public static class CoverageInstrumenter
{
    /// <summary>The export name under which an instrumented module exposes its counter memory (made unique if taken).</summary>
    public const string CounterMemoryExport = "__wasmprobe_coverage";

    private static readonly ConcurrentDictionary<string, Lazy<CoverageInstrumentation>> Cache = new();

    /// <summary>Instruments a module given as bytes; the result is cached per module identity (SHA-256 of the bytes), so
    /// sessions over one module share it.</summary>
    public static CoverageInstrumentation Instrument(byte[] wasm)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        return Instrument(wasm, null);
    }

    /// <summary>Instruments <paramref name="module"/>, already decoded from <paramref name="wasm"/>; cached like
    /// <see cref="Instrument(byte[])"/>.</summary>
    public static CoverageInstrumentation Instrument(byte[] wasm, Module? module) => Instrument(wasm, module, forDebugger: false);

    /// <param name="forDebugger">The caller needs <see cref="CoverageInstrumentation.Module"/> (to instrument it for
    /// debugging) rather than <see cref="CoverageInstrumentation.Bytes"/>: rewrite that one first.</param>
    internal static CoverageInstrumentation Instrument(byte[] wasm, Module? module, bool forDebugger)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        string id = ModuleId(wasm);
        var lazy = Cache.GetOrAdd(id, _ => new Lazy<CoverageInstrumentation>(() => Build(module ?? ModuleDecoder.Decode(wasm), id, forDebugger: forDebugger)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Cache.TryRemove(id, out _);
            throw;
        }
    }

    /// <summary>A module's identity in coverage results: the SHA-256 of its bytes, lower-case hex.</summary>
    public static string ModuleId(byte[] wasm) => ContentHash.Of(wasm);

    /// <summary>Plans the counters and rewrites the module once, into <see cref="CoverageInstrumentation.Bytes"/> or (with
    /// <paramref name="forDebugger"/>) <see cref="CoverageInstrumentation.Module"/>; the other is rewritten again if asked
    /// for. The bytes keep no rewritten body beyond its function, which bounds memory on large modules.</summary>
    internal static CoverageInstrumentation Build(Module module, string id, bool countEverything = false, bool forDebugger = false)
    {
        Rewritten first;
        Module? composed = null;
        Func<Standalone> standalone;
        if (forDebugger)
        {
            (first, composed) = Compose(module, countEverything);
            standalone = () => EncodeStandalone(module, countEverything).Result;
        }
        else
        {
            (first, var bytes) = EncodeStandalone(module, countEverything);
            standalone = () => bytes;
        }
        return new CoverageInstrumentation(id, module, () => Compose(module, countEverything).Module, composed, standalone, first.Plans, first.Counters, first.Memory, first.Export) { CatchesExceptions = first.Catching };
    }

    /// <summary>The instrumented module encoded to run on its own, and its pc map.</summary>
    internal sealed record Standalone(byte[] Bytes, PcMap PcMap);

    /// <summary>Rewrites into bytes function by function, keeping no body: the code section is written as the bodies are
    /// rewritten (see <see cref="CodeSectionWriter"/>) and spliced into the module by the encoder. Debug sections are
    /// dropped: their addresses no longer hold.</summary>
    private static (Rewritten Rewrite, Standalone Result) EncodeStandalone(Module module, bool countEverything)
    {
        var code = new CodeSectionWriter(module.Bodies.Count, module.Bodies.Sum(b => b.Code.Count) * 4);
        var rewrite = Rewrite(module, countEverything, encode: true, (_, body) => code.Add(body));
        rewrite.Builder.DropDebugSections = true;
        var standalone = rewrite.Module();
        var (bytes, pcMap) = code.EncodeInto(standalone);
        return (rewrite, new Standalone(bytes, pcMap));
    }

    /// <summary>Rewrites into a module for the debugger's instrumenter: it keeps the DWARF sections and the code section
    /// offset, and its original instructions keep their pcs.</summary>
    private static (Rewritten Rewrite, Module Module) Compose(Module module, bool countEverything)
    {
        var bodies = new FunctionBody[module.Bodies.Count];
        var rewrite = Rewrite(module, countEverything, encode: false, (d, body) => bodies[d] = body);
        var composed = rewrite.Module();
        for (int d = 0; d < bodies.Length; d++) composed.Bodies[d] = bodies[d];
        composed.CodeSectionPayloadOffset = module.CodeSectionPayloadOffset;
        return (rewrite, composed);
    }

    /// <summary>What <see cref="Rewrite"/> made besides the bodies: the module around them and the counters' plans.</summary>
    private sealed record Rewritten(ModuleBuilder Builder, FunctionPlan[] Plans, int Counters, int Memory, string Export, bool Catching, MemoryType CounterMemory)
    {
        /// <summary>The module with the counter memory sized; its bodies are the original ones until replaced.</summary>
        public Module Module()
        {
            var m = Builder.Build();
            m.Memories[^1] = CounterMemory;
            return m;
        }
    }

    /// <summary>Plans and rewrites every body (block structure, flow graph, plan, body), handing each rewritten body to
    /// <paramref name="sink"/> in order, by defined-function index. The plan keeps only the flow graph the results are
    /// derived from; stack types are analysed only where a br_table needs stub blocks. Functions go in batches, each
    /// planned and rewritten on all cores; counters are numbered in function order between the two, and bodies that
    /// add types to the module are rewritten one at a time in function order, so the result is deterministic: a second
    /// rewrite of the same module numbers every counter and added entity the same way.</summary>
    /// <param name="encode">Hand over encoded bodies (<see cref="FunctionBody.Encoded"/>) rather than decoded ones.</param>
    private static Rewritten Rewrite(Module module, bool countEverything, bool encode, Action<int, FunctionBody> sink)
    {
        var spaces = module.IndexSpaces;
        bool catching = module.Bodies.Any(b => b.Code.Instructions.Any(i =>
            (i.Opcode == Opcode.TryTable && i.PoolCount > 0) || i.Opcode is Opcode.Catch or Opcode.CatchAll));

        var builder = new ModuleBuilder(module) { DropDebugSections = false };
        int memory = builder.AddMemory(new MemoryType(new Limits(0, 0)));
        // The only global added, so its index does not depend on which function asks first.
        var scratch = new Lazy<int>(() => builder.AddGlobal(new GlobalType(ValType.I32, true), new Expression([new Instruction(Opcode.I32Const, -1, 0, 0), new Instruction(Opcode.End, -1, 0)], [])));
        string export = builder.UniqueExportName(CounterMemoryExport);
        builder.AddExport(export, ExternalKind.Memory, memory);

        var plans = new FunctionPlan[module.Bodies.Count];
        var passes = new FunctionPasses();
        var analyzer = new StackAnalyzer(module, reuseBuffers: true);
        var alone = new FunctionPass();
        int counters = 0;
        for (int start = 0, end; start < module.Bodies.Count; start = end)
        {
            end = BatchEnd(module, start);
            var placements = new CounterPlacement[end - start];
            passes.ForEach(module, start, end, (pass, d) =>
            {
                var code = module.Bodies[d].Code;
                pass.Structure.Compute(code);
                var flow = pass.Flows.Build(code, pass.Structure, catching);
                (plans[d], placements[d - start]) = CounterPlanner.Plan(spaces.ImportedFunctionCount + d, flow, pass.Structure, countEverything);
            });
            for (int d = start; d < end; d++)
            {
                plans[d].FirstCounter = counters;
                counters += plans[d].CounterCount;
            }

            var bodies = new FunctionBody?[end - start];
            FunctionBody Emit(int d, FunctionPass pass, bool withBuilder)
            {
                var emitter = new CoverageEmitter(plans[d], placements[d - start], withBuilder ? analyzer : null, withBuilder ? builder : null, spaces, memory, () => scratch.Value, pass.Buffer);
                var original = module.Bodies[d];
                return encode ? emitter.Emit(pass.Encoder, original) : new FunctionBody(original.Locals, emitter.Emit()) { Offset = original.Offset };
            }
            passes.ForEach(module, start, end, (pass, d) =>
            {
                if (!CoverageEmitter.NeedsBuilder(placements[d - start])) bodies[d - start] = Emit(d, pass, withBuilder: false);
            });
            for (int d = start; d < end; d++)
            {
                var body = bodies[d - start] ?? ModuleTooLargeException.Guard(module, spaces.ImportedFunctionCount + d, () => Emit(d, alone, withBuilder: true));
                sink(d, body);
            }
        }
        ulong pages = ((ulong)counters * 8 + 65535) / 65536;
        return new Rewritten(builder, plans, counters, memory, export, catching, new MemoryType(new Limits(pages, pages)));
    }

    /// <summary>Batches end after this many instructions (or at one function bigger than that), so a batch's plans and
    /// placements stay small beside the module.</summary>
    private const int BatchInstructions = 1 << 18;

    private static int BatchEnd(Module module, int start)
    {
        int end = start, instructions = 0;
        while (end < module.Bodies.Count && instructions < BatchInstructions) instructions += module.Bodies[end++].Code.Count;
        return end;
    }

    /// <summary>One worker's reused buffers: a body's block structure, flow graph builder, rewritten instructions and
    /// their encoder.</summary>
    private sealed class FunctionPass
    {
        public BlockStructure Structure { get; } = new();
        public ControlFlowBuilder Flows { get; } = new();
        public List<Instruction> Buffer { get; } = [];
        public BodyEncoder Encoder { get; } = new();
    }

    /// <summary>Runs work on a range of functions on all cores, each worker with a <see cref="FunctionPass"/> from a pool
    /// (so buffers grown by one batch serve the next). Fails as a loop in order would: with the first function's error.</summary>
    private sealed class FunctionPasses
    {
        private readonly ConcurrentBag<FunctionPass> _pool = [];

        public void ForEach(Module module, int start, int end, Action<FunctionPass, int> work)
        {
            var errors = new ExceptionDispatchInfo?[end - start];
            Parallel.For(start, end, () => _pool.TryTake(out var pass) ? pass : new FunctionPass(), (d, _, pass) =>
            {
                try
                {
                    ModuleTooLargeException.Guard(module, module.IndexSpaces.ImportedFunctionCount + d, () => work(pass, d));
                }
                catch (Exception e)
                {
                    errors[d - start] = ExceptionDispatchInfo.Capture(e);
                }
                return pass;
            }, _pool.Add);
            Array.Find(errors, e => e is not null)?.Throw();
        }
    }
}

/// <summary>How a run ended, for <see cref="CoverageInstrumentation.AbnormalExits"/>.</summary>
public enum RunEnd
{
    /// <summary>The guest returned (no frames were left).</summary>
    Finished,
    /// <summary>A trap at the innermost frame's instruction (other than <see cref="UnreachableTrap"/>).</summary>
    Trap,
    /// <summary>An <c>unreachable</c> instruction trapped. The engine may report it at the branch that led to it.</summary>
    UnreachableTrap,
    /// <summary>A wasm exception no handler caught.</summary>
    UncaughtException,
    /// <summary>Stopped from outside: a deadline interruption, a host error, a session disposed while paused.</summary>
    Stopped,
}

/// <summary>A module with coverage counters, and what is needed to turn the counters into coverage.</summary>
public sealed class CoverageInstrumentation
{
    private readonly Func<Module> _compose;
    private Module? _composed;
    private readonly Lazy<CoverageInstrumenter.Standalone> _standalone;

    internal CoverageInstrumentation(string moduleId, Module original, Func<Module> module, Module? composed, Func<CoverageInstrumenter.Standalone> standalone,
        FunctionPlan[] functions, int counterCount, int counterMemory, string counterExport)
    {
        (ModuleId, Original, Functions) = (moduleId, original, functions);
        (_compose, _composed, _standalone) = (module, composed, new Lazy<CoverageInstrumenter.Standalone>(standalone));
        (CounterCount, CounterMemory, CounterExport) = (counterCount, counterMemory, counterExport);
    }

    /// <summary>SHA-256 of the original module's bytes (lower-case hex).</summary>
    public string ModuleId { get; }

    public Module Original { get; }

    /// <summary>The instrumented module, to hand to the debugger's instrumenter (keeps DWARF sections and pcs).</summary>
    /// <remarks>Not kept: each use after the first rewrites it again (debug sessions instrument it once per set of
    /// options, and a large module's decoded rewrite is many times its size).</remarks>
    public Module Module => Interlocked.Exchange(ref _composed, null) ?? _compose();

    /// <summary>The instrumented module encoded for running on its own (counter memory exported as <see cref="CounterExport"/>).</summary>
    public byte[] Bytes => _standalone.Value.Bytes;

    /// <summary>Maps offsets in <see cref="Bytes"/> (a trap's backtrace) to the original module's pcs.</summary>
    public PcMap PcMap => _standalone.Value.PcMap;

    /// <summary>Number of i64 counters at the start of the counter memory.</summary>
    public int CounterCount { get; }

    /// <summary>Index of the counter memory in <see cref="Module"/>'s memory index space.</summary>
    public int CounterMemory { get; }

    public string CounterExport { get; }

    internal FunctionPlan[] Functions { get; }

    /// <summary>The module has catch clauses, so calls end blocks (an exception may unwind through them).</summary>
    internal bool CatchesExceptions { get; init; }

    /// <summary>The abnormal exits of a run that ended with these frames on the stack (original pcs, innermost first):
    /// every frame left its block without taking an edge, except where the flow graph already has the edge that
    /// ended it: the innermost frame of an <c>unreachable</c> trap or an uncaught throw (their edges go to EXIT), and,
    /// for an uncaught exception in a module that catches exceptions, the calls it unwound through. (Wasmtime reports
    /// an <c>unreachable</c> that is alone in its machine block at the jump into that block, so the innermost pc of such
    /// a trap is not looked at.)</summary>
    public IReadOnlyDictionary<int, long> AbnormalExits(IReadOnlyList<int> framePcs, RunEnd end)
    {
        var exits = new Dictionary<int, long>();
        for (int k = 0; k < framePcs.Count; k++)
        {
            int pc = framePcs[k];
            var plan = FunctionAt(pc);
            if (plan is null) continue;
            int index = plan.Flow.Code.IndexOfOffset(pc);
            if (index < 0) continue;
            var control = plan.Flow.Code[index].Info.Control;
            if (k == 0 && (end == RunEnd.UnreachableTrap || (end == RunEnd.UncaughtException && control == ControlKind.Throw))) continue;
            if (k > 0 && end == RunEnd.UncaughtException && CatchesExceptions && control == ControlKind.Call) continue;
            exits[pc] = exits.GetValueOrDefault(pc) + 1;
        }
        return exits;
    }

    /// <summary>Reads the counters from the counter memory's bytes (little-endian i64s).</summary>
    public long[] ReadCounters(ReadOnlySpan<byte> memory)
    {
        var counters = new long[CounterCount];
        for (int i = 0; i < counters.Length; i++) counters[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(memory.Slice(8 * i, 8));
        return counters;
    }

    /// <summary>The plan of the function whose code contains <paramref name="pc"/>, or null.</summary>
    internal FunctionPlan? FunctionAt(int pc)
    {
        int function = Original.FunctionAt(pc);
        return function < 0 ? null : Functions[function - Original.IndexSpaces.ImportedFunctionCount];
    }
}
