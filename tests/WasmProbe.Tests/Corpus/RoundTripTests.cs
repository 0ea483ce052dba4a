using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;

namespace WasmProbe.Tests.Corpus;

public class RoundTripTests
{
    private static readonly Wasmtime.Engine Engine = new();

    [Theory]
    [MemberData(nameof(CorpusFiles.ValidNames), MemberType = typeof(CorpusFiles))]
    public void Valid_module_re_encodes_byte_identically_and_still_validates(string name)
    {
        var bytes = CorpusFiles.ReadValid(name);
        var module = ModuleDecoder.Decode(bytes);
        var encoded = ModuleEncoder.Encode(module);
        encoded.ShouldBe(bytes);
        Wasmtime.Module.Validate(Engine, encoded).ShouldBeNull();
    }

    [Theory]
    [MemberData(nameof(CorpusFiles.MalformedNames), MemberType = typeof(CorpusFiles))]
    public void Malformed_module_is_rejected_with_a_format_exception(string name)
    {
        var bytes = CorpusFiles.ReadMalformed(name);
        var error = Should.Throw<Exception>(() => ModuleDecoder.Decode(bytes));
        error.ShouldBeOfType<WasmFormatException>();
    }
}
