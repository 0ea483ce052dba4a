using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Corpus;
using WasmProbe.Tests.Debugging;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Tests.Instrumentation;

/// <summary>Instrumentation is invisible: every exported function without parameters of every corpus module that can
/// be instantiated returns the same results (bit for bit) or traps the same way with and without instrumentation —
/// both when nothing is armed and when the guest is single-stepped through every instruction.</summary>
public class CorpusExecutionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    /// <summary>For a run that the deadline ended on one side only: a loaded machine, not a difference, until the
    /// same run also ends that way with twenty times the time.</summary>
    private static readonly TimeSpan LongDeadline = TimeSpan.FromSeconds(40);
    private const int StepBudget = 2_000;

    public static TheoryData<string> Runnable
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var path in CorpusFiles.Valid)
            {
                Module module;
                try
                {
                    module = ModuleDecoder.Decode(File.ReadAllBytes(path));
                }
                catch (Wasm.Binary.WasmFormatException)
                {
                    continue;
                }
                if (Spectest.Provides(module) && NoArgumentExports(module).Any() && IsHostable(module)) data.Add(Path.GetFileName(path));
            }
            return data;
        }
    }

    private static bool IsHostable(Module module)
    {
        var spaces = module.IndexSpaces;
        return module.Exports.All(e => e.Kind switch
        {
            ExternalKind.Function => spaces.FunctionType(spaces.FunctionTypeIndices[e.Index]).Parameters.Concat(spaces.FunctionTypeIndices.Length > 0 ? spaces.FunctionType(spaces.FunctionTypeIndices[e.Index]).Results : []).All(HostTypes.IsSupported),
            ExternalKind.Global => HostTypes.IsSupported(spaces.Globals[e.Index].Type),
            ExternalKind.Table => HostTypes.IsSupported(spaces.Tables[e.Index].ElementType),
            ExternalKind.Tag => spaces.TagFunctionType(e.Index).Parameters.All(HostTypes.IsSupported),
            _ => true,
        }) && module.Imports.All(i => i.Kind != ExternalKind.Tag);
    }

    private static IEnumerable<string> NoArgumentExports(Module module) =>
        module.Exports.Where(e => e.Kind == ExternalKind.Function && module.IndexSpaces.FunctionTypeOfFunction(e.Index).Parameters.Length == 0).Select(e => e.Name);

    [Theory]
    [MemberData(nameof(Runnable))]
    public void Exports_behave_the_same_with_and_without_instrumentation(string name)
    {
        var bytes = CorpusFiles.ReadValid(name);
        var module = ModuleDecoder.Decode(bytes);
        foreach (var export in NoArgumentExports(module))
        {
            string plain = RunPlain(bytes, export, Deadline);
            foreach (var (step, earlyReturns) in new[] { (false, false), (true, false), (false, true) })
            {
                string debug = RunDebug(bytes, export, step, earlyReturns, Deadline);
                if (debug != plain && (debug == "interrupted" || plain == "interrupted"))
                    (plain, debug) = (RunPlain(bytes, export, LongDeadline), RunDebug(bytes, export, step, earlyReturns, LongDeadline));
                debug.ShouldBe(plain, step ? $"{export} single-stepped" : earlyReturns ? $"{export} built for early returns" : $"{export} with nothing armed");
            }
        }
    }

    /// <summary>Stops inside a straight-line run are replayed by the host, not probed. At the first hit of each replayed
    /// stop met while single-stepping, a static build with a breakpoint there (its probe stores what the engine really
    /// has) must show the same locals, operand stack and memories (the run's stores are replayed, not made yet).</summary>
    [Theory]
    [MemberData(nameof(Runnable))]
    public void Replayed_stops_show_what_the_engine_has_there(string name)
    {
        var bytes = CorpusFiles.ReadValid(name);
        foreach (var export in NoArgumentExports(ModuleDecoder.Decode(bytes))) CheckReplays(bytes, export, Spectest.Define);
    }

    [Fact]
    public void Replay_is_checked_on_loads_stores_globals_conversions_and_floats()
    {
        var bytes = Wat.ToBinary("""
            (module
              (memory 1)
              (data (i32.const 8) "\01\02\03\04\05\06\07\08\ff\fe\80\81")
              (global $g (mut i64) (i64.const -7))
              (func (export "run") (result i32) (local $i i32) (local $x i64) (local $f f64)
                loop $again
                  local.get $i  i32.const 8  i32.add  i64.load8_s  global.get $g  i64.mul  i64.const 3  i64.rotl  local.set $x
                  local.get $i  i32.const 64  i32.add  local.get $x  i64.store16 offset=1
                  local.get $i  i32.const 66  i32.add  local.get $x  i64.store
                  local.get $i  i32.const 65  i32.add  i32.load  i32.const 96  i32.load8_u  i32.add  i32.const 96  i32.store8
                  i32.const 100  local.get $x  i64.const 5  i64.shr_u  i32.wrap_i64  i32.store16
                  local.get $x  f64.convert_i64_s  f64.const 0.5  f64.mul  f64.abs  f64.sqrt  f64.nearest  local.tee $f
                  i64.trunc_sat_f64_u  i32.wrap_i64  i32.popcnt  local.get $i  i32.const 16  i32.shl  i32.xor  drop
                  local.get $i  i32.const 1  i32.add  local.tee $i  i32.const 10  i32.lt_u  br_if $again
                end
                local.get $i  i32.const 8  i32.load  local.get $i  select))
            """);
        CheckReplays(bytes, "run", null).ShouldBeGreaterThan(25);
    }

    /// <summary>Compares the replayed stops of a single-stepped export with a static build's real ones; returns how
    /// many locations were compared.</summary>
    private static int CheckReplays(byte[] bytes, string export, Action<Wasmtime.Linker, Wasmtime.Store>? imports)
    {
        const int MaxCompared = 64;
        var host = new GuestOptions { ConfigureLinker = imports, Deadline = LongDeadline };
        int memories = ModuleDecoder.Decode(bytes).IndexSpaces.Memories.Length;
        var replayed = new Dictionary<CodeLocation, (StackFrame Frame, string Memories)>();
        using (var session = DebugSession.Create(bytes, new DebugSessionOptions { Entry = export, ExceptionStops = ExceptionStops.None, Host = host }))
        {
            int steps = 0;
            session.Run(stop =>
            {
                if (stop.Location is { } at && replayed.Count < MaxCompared && !replayed.ContainsKey(at) && session.Instrumentation.SiteAt(at) is { IsReplayed: true })
                    replayed[at] = (session.Frames[0], MemoryHashes(session, memories));
                return ++steps < StepBudget ? ResumeAction.StepInto : ResumeAction.RunToCompletion;
            }, ResumeAction.StepInto);
        }
        if (replayed.Count == 0) return 0;

        using var reference = DebugSession.Create(bytes, new DebugSessionOptions { Entry = export, ExceptionStops = ExceptionStops.None, Host = host, Mode = InstrumentationMode.Static });
        foreach (var at in replayed.Keys) reference.AddBreakpoint(at.Function, at.Pc);
        var compared = new HashSet<CodeLocation>();
        reference.Run(stop =>
        {
            var at = stop.Location!.Value;
            if (compared.Add(at))
            {
                var real = reference.Frames[0];
                replayed[at].Frame.Locals.ShouldBe(real.Locals, $"{export}: locals at {real}");
                replayed[at].Frame.Stack.ShouldBe(real.Stack, $"{export}: stack at {real}");
                replayed[at].Memories.ShouldBe(MemoryHashes(reference, memories), $"{export}: memories at {real}");
            }
            return ResumeAction.Continue;
        });
        compared.Count.ShouldBe(replayed.Count, $"{export}: every replayed location is reached by the static build");
        return compared.Count;
    }

    private static string MemoryHashes(DebugSession session, int memories) =>
        string.Join(" ", Enumerable.Range(0, memories).Select(m => session.Memory(m) is var memory && memory.Size <= 1 << 24
            ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(memory.Read(0, (int)memory.Size)))
            : "large"));

    private static string RunPlain(byte[] bytes, string export, TimeSpan deadline)
    {
        using var store = new Wasmtime.Store(WasmtimeRuntime.Engine);
        using var linker = new Wasmtime.Linker(WasmtimeRuntime.Engine);
        Spectest.Define(linker, store);
        var compiled = Wasmtime.Module.FromBytes(WasmtimeRuntime.Engine, "plain", bytes);
        store.SetEpochDeadline(WasmtimeRuntime.Ticks(deadline));
        try
        {
            var instance = linker.Instantiate(store, compiled);
            var function = instance.GetFunction(export)!;
            var results = function.Invoke();
            var types = function.Results.ToArray();
            object?[] values = types.Length switch
            {
                0 => [],
                1 => [results],
                _ => (object?[])results!,
            };
            return "results " + string.Join(" ", values.Select((v, i) => Describe(v, types[i])));
        }
        catch (Wasmtime.TrapException trap)
        {
            return trap.Type == Wasmtime.TrapCode.Interrupt ? "interrupted" : "trap " + Code(trap.Message);
        }
        catch (Wasmtime.WasmtimeException error)
        {
            return "error " + Code(error.Message);
        }
    }

    private static string RunDebug(byte[] bytes, string export, bool step, bool earlyReturns, TimeSpan deadline)
    {
        using var session = DebugSession.Create(bytes, new DebugSessionOptions
        {
            Entry = export,
            ExceptionStops = ExceptionStops.None,
            EarlyReturns = earlyReturns,
            Host = new GuestOptions { ConfigureLinker = Spectest.Define, Deadline = deadline },
        });
        int steps = 0;
        var final = session.Run(_ => ++steps < StepBudget ? ResumeAction.StepInto : ResumeAction.RunToCompletion,
            step ? ResumeAction.StepInto : ResumeAction.Continue);
        return final switch
        {
            FinishedStop finished => "results " + string.Join(" ", finished.Results.Select(Describe)),
            TrapStop trap => "trap " + Code(trap.Message),
            InterruptedStop => "interrupted",
            HostErrorStop host => "error " + Code(host.Exception.Message),
            _ => final.ToString(),
        };
    }

    private static string Code(string message)
    {
        int cause = message.LastIndexOf("Caused by:", StringComparison.Ordinal);
        return (cause >= 0 ? message[(cause + 10)..] : message).Trim().Replace("wasm trap: ", "", StringComparison.Ordinal);
    }

    private static string Describe(object? value, Wasmtime.ValueKind kind) => kind switch
    {
        Wasmtime.ValueKind.Int32 => WasmValue.I32((int)value!).ToString(),
        Wasmtime.ValueKind.Int64 => WasmValue.I64((long)value!).ToString(),
        Wasmtime.ValueKind.Float32 => WasmValue.F32((float)value!).ToString(),
        Wasmtime.ValueKind.Float64 => WasmValue.F64((double)value!).ToString(),
        Wasmtime.ValueKind.V128 => V128((Wasmtime.V128)value!),
        _ => value is null || value is Wasmtime.Function { IsNull: true } ? "null" : "ref",
    };

    private static string V128(Wasmtime.V128 value)
    {
        var bytes = new byte[16];
        value.CopyTo(bytes);
        return WasmValue.V128(BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8)).ToString();
    }

    private static string Describe(WasmValue value) => value.Type.Kind switch
    {
        ValueKind.V128 => value.ToString(),
        ValueKind.Ref => value.IsNull ? "null" : "ref",
        _ => value.ToString(),
    };
}
