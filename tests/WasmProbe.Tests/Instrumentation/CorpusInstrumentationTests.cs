using WasmProbe.Instrumentation;
using WasmProbe.Tests.Corpus;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Tests.Instrumentation;

public class CorpusInstrumentationTests
{
    private static readonly Wasmtime.Engine Engine = new();

    [Theory]
    [MemberData(nameof(CorpusFiles.ValidNames), MemberType = typeof(CorpusFiles))]
    public void Debug_build_with_a_probe_at_every_reachable_pc_still_validates(string name)
    {
        var module = ModuleDecoder.Decode(CorpusFiles.ReadValid(name));
        var instrumented = Instrumenter.Instrument(module, new InstrumentationOptions { Mode = InstrumentationMode.Debug });
        Wasmtime.Module.Validate(Engine, instrumented.Bytes).ShouldBeNull();
    }

    /// <summary>Every function body inside the early-return wrapper: its branches (and catch clauses) to the function's
    /// label now reach the wrapper's try_table, which takes the function's results.</summary>
    [Theory]
    [MemberData(nameof(CorpusFiles.ValidNames), MemberType = typeof(CorpusFiles))]
    public void Debug_build_that_can_return_early_still_validates(string name)
    {
        var module = ModuleDecoder.Decode(CorpusFiles.ReadValid(name));
        var instrumented = Instrumenter.Instrument(module, new InstrumentationOptions { Mode = InstrumentationMode.Debug, EarlyReturns = true });
        Wasmtime.Module.Validate(Engine, instrumented.Bytes).ShouldBeNull();
    }
}
