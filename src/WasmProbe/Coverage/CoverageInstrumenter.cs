using System.Collections.Concurrent;
using WasmProbe.Caching;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Rewriting;
using WasmProbe.Wasm.Types;

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
    public static CoverageInstrumentation Instrument(byte[] wasm, Module? module)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        string id = ModuleId(wasm);
        var lazy = Cache.GetOrAdd(id, _ => new Lazy<CoverageInstrumentation>(() => Build(module ?? ModuleDecoder.Decode(wasm), id)));
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

    internal static CoverageInstrumentation Build(Module module, string id, bool countEverything = false)
    {
        var spaces = module.IndexSpaces;
        bool catching = module.Bodies.Any(b => b.Code.Instructions.Any(i =>
            (i.Opcode == Opcode.TryTable && i.PoolCount > 0) || i.Opcode is Opcode.Catch or Opcode.CatchAll));

        // One function at a time: analysis, flow graph, plan and rewritten body. A function's stack analysis is dropped
        // as soon as its body is written; the plan keeps only the flow graph the results are derived from.
        var analyzer = new StackAnalyzer(module);
        var builder = new ModuleBuilder(module) { DropDebugSections = false };
        int memory = builder.AddMemory(new MemoryType(new Limits(0, 0)));
        int scratch = -1;
        int Scratch() => scratch >= 0 ? scratch : scratch = builder.AddGlobal(new GlobalType(ValType.I32, true), new Expression([new Instruction(Opcode.I32Const, -1, 0, 0), new Instruction(Opcode.End, -1, 0)], []));
        string export = builder.UniqueExportName(CounterMemoryExport);
        builder.AddExport(export, ExternalKind.Memory, memory);

        var plans = new FunctionPlan[module.Bodies.Count];
        var bodies = new FunctionBody[module.Bodies.Count];
        int counters = 0;
        var buffer = new List<Instruction>();
        for (int d = 0; d < module.Bodies.Count; d++)
        {
            int f = spaces.ImportedFunctionCount + d;
            bodies[d] = ModuleTooLargeException.Guard(module, f, () =>
            {
                var analysis = analyzer.Analyze(f);
                var plan = plans[d] = CounterPlanner.Plan(f, ControlFlow.Build(analysis, catching), ref counters, countEverything);
                var code = new CoverageEmitter(plan, analysis, builder, spaces, memory, Scratch, buffer).Emit();
                return new FunctionBody(module.Bodies[d].Locals, code) { Offset = module.Bodies[d].Offset };
            });
        }

        // The module handed on keeps the DWARF sections and the code section offset (its instructions keep their pcs);
        // the bytes of a standalone run drop them, since their addresses no longer hold there. The counter memory, the
        // last one defined, gets its size once every counter is known.
        ulong pages = ((ulong)counters * 8 + 65535) / 65536;
        var counterMemory = new MemoryType(new Limits(pages, pages));
        var composed = builder.Build();
        builder.DropDebugSections = true;
        var standalone = builder.Build();
        composed.Memories[^1] = counterMemory;
        standalone.Memories[^1] = counterMemory;
        for (int d = 0; d < bodies.Length; d++)
        {
            composed.Bodies[d] = bodies[d];
            standalone.Bodies[d] = bodies[d];
        }
        composed.CodeSectionPayloadOffset = module.CodeSectionPayloadOffset;
        return new CoverageInstrumentation(id, module, composed, standalone, plans, counters, memory, export) { CatchesExceptions = catching };
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
    private readonly Module _standalone;
    private byte[]? _bytes;

    internal CoverageInstrumentation(string moduleId, Module original, Module module, Module standalone, FunctionPlan[] functions,
        int counterCount, int counterMemory, string counterExport)
    {
        ModuleId = moduleId;
        Original = original;
        Module = module;
        _standalone = standalone;
        Functions = functions;
        CounterCount = counterCount;
        CounterMemory = counterMemory;
        CounterExport = counterExport;
        var starts = new List<(int Start, int Index)>();
        for (int d = 0; d < original.Bodies.Count; d++)
        {
            var code = original.Bodies[d].Code;
            if (code.Count > 0) starts.Add((code[0].Offset, d));
        }
        _functionStarts = [.. starts.Select(s => s.Start)];
        _functionOfStart = [.. starts.Select(s => s.Index)];
    }

    private readonly int[] _functionStarts;
    private readonly int[] _functionOfStart;

    /// <summary>SHA-256 of the original module's bytes (lower-case hex).</summary>
    public string ModuleId { get; }

    public Module Original { get; }

    /// <summary>The instrumented module, to hand to the debugger's instrumenter (keeps DWARF sections and pcs).</summary>
    public Module Module { get; }

    /// <summary>The instrumented module encoded for running on its own (counter memory exported as <see cref="CounterExport"/>).</summary>
    public byte[] Bytes
    {
        get
        {
            lock (_standalone)
            {
                if (_bytes is null)
                {
                    var map = new PcMap();
                    var bytes = ModuleEncoder.Encode(_standalone, map);
                    _pcMap = map;
                    _bytes = bytes;
                }
                return _bytes;
            }
        }
    }

    private PcMap? _pcMap;

    /// <summary>Maps offsets in <see cref="Bytes"/> (a trap's backtrace) to the original module's pcs.</summary>
    public PcMap PcMap
    {
        get
        {
            _ = Bytes;
            return _pcMap!;
        }
    }

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
            var opcode = plan.Flow.Code[index].Opcode;
            if (k == 0 && (end == RunEnd.UnreachableTrap
                || (end == RunEnd.UncaughtException && opcode is Opcode.Throw or Opcode.ThrowRef or Opcode.Rethrow))) continue;
            if (k > 0 && end == RunEnd.UncaughtException && CatchesExceptions
                && opcode is Opcode.Call or Opcode.CallIndirect or Opcode.CallRef) continue;
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
        int i = Array.BinarySearch(_functionStarts, pc);
        if (i < 0) i = ~i - 1;
        if (i < 0) return null;
        var plan = Functions[_functionOfStart[i]];
        var code = plan.Flow.Code;
        return pc <= code[code.Count - 1].Offset ? plan : null;
    }
}
