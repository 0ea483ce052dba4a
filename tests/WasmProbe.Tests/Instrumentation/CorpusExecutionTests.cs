using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Inspection;
using WasmProbe.Tests.Corpus;
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
            foreach (bool step in new[] { false, true })
            {
                string debug = RunDebug(bytes, export, step, Deadline);
                if (debug != plain && (debug == "interrupted" || plain == "interrupted"))
                    (plain, debug) = (RunPlain(bytes, export, LongDeadline), RunDebug(bytes, export, step, LongDeadline));
                debug.ShouldBe(plain, step ? $"{export} single-stepped" : $"{export} with nothing armed");
            }
        }
    }

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

    private static string RunDebug(byte[] bytes, string export, bool step, TimeSpan deadline)
    {
        using var session = DebugSession.Create(bytes, new DebugSessionOptions
        {
            Entry = export,
            ExceptionStops = ExceptionStops.None,
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
