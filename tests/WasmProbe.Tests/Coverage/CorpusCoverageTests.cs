using System.Globalization;
using WasmProbe.Coverage;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Corpus;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Tests.Coverage;

/// <summary>The coverage pass on every module of the shared corpus: the result validates (alone and under the
/// debugger's instrumentation), behaves like the original, and the counts it derives agree with counting every edge.</summary>
public class CorpusCoverageTests
{
    private static readonly Wasmtime.Engine Engine = new();
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(0.5);

    /// <summary>For runs that the deadline ended on one side only: a loaded machine, not a difference, until they also
    /// end that way with eighty times the time.</summary>
    private static readonly TimeSpan LongDeadline = TimeSpan.FromSeconds(40);

    [Theory]
    [MemberData(nameof(CorpusFiles.ValidNames), MemberType = typeof(CorpusFiles))]
    public void Coverage_instrumented_module_still_validates_alone_and_under_the_debugger(string name)
    {
        var bytes = CorpusFiles.ReadValid(name);
        var module = ModuleDecoder.Decode(bytes);
        var coverage = CoverageInstrumenter.Build(module, CoverageInstrumenter.ModuleId(bytes));
        Wasmtime.Module.Validate(Engine, coverage.Bytes).ShouldBeNull();
        var debug = Instrumenter.Instrument(coverage.Module, new InstrumentationOptions { Mode = InstrumentationMode.Debug });
        Wasmtime.Module.Validate(Engine, debug.Bytes).ShouldBeNull();

        // Counting every countable edge exercises br_table stubs and try_table landing wrappers everywhere.
        var everything = CoverageInstrumenter.Build(module, CoverageInstrumenter.ModuleId(bytes), countEverything: true);
        Wasmtime.Module.Validate(Engine, everything.Bytes).ShouldBeNull();
    }

    public static TheoryData<string> Runnable
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var path in CorpusFiles.Valid)
            {
                var module = ModuleDecoder.Decode(File.ReadAllBytes(path));
                if (!module.Imports.All(i => i.ModuleName == "spectest" && i.Kind != ExternalKind.Tag) || !NoArgumentExports(module).Any()) continue;
                try
                {
                    ModuleSafety.ThrowIfUnsupported(module);
                }
                catch (NotSupportedException)
                {
                    continue;
                }
                data.Add(Path.GetFileName(path));
            }
            return data;
        }
    }

    private static IEnumerable<string> NoArgumentExports(Module module) =>
        module.Exports.Where(e => e.Kind == ExternalKind.Function && module.IndexSpaces.FunctionTypeOfFunction(e.Index).Parameters.Length == 0).Select(e => e.Name);

    /// <summary>Runs every exported function without parameters, in export order, in one instance, with the minimal
    /// counters and with every edge counted: results are those of the original module, and every derived count
    /// (calls, instruction hits, branch outcomes) equals what counting every edge measured, traps included.</summary>
    [Theory]
    [MemberData(nameof(Runnable))]
    public void Derived_counts_equal_counted_ones_and_results_are_unchanged(string name)
    {
        var bytes = CorpusFiles.ReadValid(name);
        var module = ModuleDecoder.Decode(bytes);
        string id = CoverageInstrumenter.ModuleId(bytes);
        var exports = NoArgumentExports(module).ToArray();

        var minimal = CoverageInstrumenter.Build(module, id);
        var everything = CoverageInstrumenter.Build(module, id, countEverything: true);
        var (plain, _) = RunAll(bytes, exports, null, Deadline);
        var (results, coverage) = RunAll(minimal.Bytes, exports, minimal, Deadline);
        if (!results.SequenceEqual(plain) && results.Concat(plain).Any(Interrupted))
        {
            (plain, _) = RunAll(bytes, exports, null, LongDeadline);
            (results, coverage) = RunAll(minimal.Bytes, exports, minimal, LongDeadline);
        }
        var (referenceResults, reference) = RunAll(everything.Bytes, exports, everything, Deadline);

        results.ShouldBe(plain);
        // A run stopped at the deadline ran for a time, not a number of steps: nothing to compare.
        if (results.Concat(referenceResults).Any(Interrupted)) return;
        foreach (var expected in reference!.Functions)
        {
            var actual = coverage!.Function(expected.Index);
            actual.Calls.ShouldBe(expected.Calls, $"calls of {expected.Name}");
            actual.Instructions.ShouldBe(expected.Instructions, $"instruction hits of {expected.Name}");
            actual.Branches.Select(b => b.ToString()).ShouldBe(expected.Branches.Select(b => b.ToString()), $"branches of {expected.Name}");
        }
    }

    private static bool Interrupted(string result) => result.EndsWith("trap Interrupt", StringComparison.Ordinal);

    private static (List<string> Results, ModuleCoverage? Coverage) RunAll(byte[] bytes, string[] exports, CoverageInstrumentation? coverage, TimeSpan deadline)
    {
        var results = new List<string>();
        var exits = new Dictionary<int, long>();
        using var store = new Wasmtime.Store(WasmtimeRuntime.Engine);
        using var linker = new Wasmtime.Linker(WasmtimeRuntime.Engine);
        WasmProbe.Tests.Instrumentation.Spectest.Define(linker, store);
        var compiled = Wasmtime.Module.FromBytes(WasmtimeRuntime.Engine, "m", bytes);
        store.SetEpochDeadline(WasmtimeRuntime.Ticks(deadline));
        Wasmtime.Instance instance;
        try
        {
            instance = linker.Instantiate(store, compiled);
        }
        catch (Exception e) when (e is Wasmtime.TrapException or Wasmtime.WasmtimeException)
        {
            return ([$"instantiation failed: {e.GetType().Name}"], null);
        }
        foreach (var export in exports)
        {
            store.SetEpochDeadline(WasmtimeRuntime.Ticks(deadline));
            try
            {
                results.Add($"{export}: {Format(instance.GetFunction(export)!.Invoke())}");
            }
            catch (Wasmtime.TrapException trap)
            {
                results.Add($"{export}: trap {trap.Type}");
                if (coverage is not null)
                {
                    var end = GuestInstance.IsUncaughtException(trap) ? RunEnd.UncaughtException
                        : trap.Type == Wasmtime.TrapCode.Interrupt ? RunEnd.Stopped
                        : trap.Type == Wasmtime.TrapCode.Unreachable ? RunEnd.UnreachableTrap : RunEnd.Trap;
                    var pcs = (trap.Frames ?? []).Select(f => coverage.PcMap.ToOriginal((int)f.ModuleOffset)).Where(pc => pc >= 0).ToArray();
                    foreach (var (pc, count) in coverage.AbnormalExits(pcs, end)) exits[pc] = exits.GetValueOrDefault(pc) + count;
                }
            }
            catch (Wasmtime.WasmtimeException e)
            {
                results.Add($"{export}: error {e.Message.Split('\n')[0]}");
            }
        }
        if (coverage is null) return (results, null);
        var memory = instance.GetMemory(coverage.CounterExport)!;
        var counters = coverage.ReadCounters(memory.GetSpan(0, checked((int)memory.GetLength())));
        return (results, ModuleCoverage.FromCounters(coverage, "m", counters, exits));
    }

    private static string Format(object? value) => value switch
    {
        null => "()",
        float f => BitConverter.SingleToInt32Bits(f).ToString(CultureInfo.InvariantCulture),
        double d => BitConverter.DoubleToInt64Bits(d).ToString(CultureInfo.InvariantCulture),
        object[] values => string.Join(",", values.Select(Format)),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
    };
}
