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
}
