using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Decoding;

/// <summary>How <see cref="ModuleDecoder"/> decodes function bodies.</summary>
public enum BodyDecoding
{
    /// <summary>Every body now: a malformed one fails the decode.</summary>
    Eager,

    /// <summary>Each body when its instructions are first read.</summary>
    Lazy,
}

/// <summary>Where a lazily decoded body is in the module's bytes, and how to decode it as the eager decoder would
/// (the same checks, errors and verbatim encoding).</summary>
internal sealed class LazyBody(byte[] bytes, int start, int codeSectionEnd, bool hasDataCount)
{
    public (Expression Code, byte[]? Original) Decode()
    {
        var decoder = InstructionDecoder.Rent();
        try
        {
            var body = ModuleDecoder.ReadBody(bytes, new WasmReader(bytes, start, codeSectionEnd), decoder);
            ModuleDecoder.CheckDataCount(decoder.FirstDataIndexUse, hasDataCount);
            return (body.Code, body.OriginalEncoding);
        }
        finally
        {
            decoder.Return();
        }
    }
}
