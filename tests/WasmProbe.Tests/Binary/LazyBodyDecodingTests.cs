using WasmProbe.Tests.Corpus;
using WasmProbe.Tests.Coverage;
using WasmProbe.Tests.Text;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Binary;

/// <summary><see cref="BodyDecoding.Lazy"/>: a body is decoded when its instructions are first read, to exactly what
/// the eager decoder makes, and a malformed one fails there as the eager decoder fails.</summary>
public class LazyBodyDecodingTests
{
    [Fact]
    public void Corpus_modules_decoded_lazily_re_encode_byte_for_byte()
    {
        foreach (string file in CorpusFiles.Valid)
        {
            var bytes = File.ReadAllBytes(file);
            ModuleEncoder.Encode(ModuleDecoder.Decode(bytes, BodyDecoding.Lazy)).ShouldBe(bytes, file);
        }
        CorpusFiles.Valid.Count.ShouldBeGreaterThan(1000);
    }

    [Fact]
    public void Lazy_bodies_hold_the_eager_instructions_offsets_and_locals()
    {
        var bytes = File.ReadAllBytes(Fixture.PathOf("fib.wasm"));
        var eager = ModuleDecoder.Decode(bytes);
        var lazy = ModuleDecoder.Decode(bytes, BodyDecoding.Lazy);

        lazy.Bodies.Count.ShouldBe(eager.Bodies.Count);
        for (int i = 0; i < eager.Bodies.Count; i++)
        {
            var (e, l) = (eager.Bodies[i], lazy.Bodies[i]);
            (l.Offset, l.End).ShouldBe((e.Offset, e.End));
            l.Locals.ShouldBe(e.Locals);
            l.Code.Instructions.ShouldBe(e.Code.Instructions);
            l.Code.Pool.ShouldBe(e.Code.Pool);
        }
    }

    [Fact]
    public void Only_the_bodies_read_are_decoded()
    {
        var module = ModuleDecoder.Decode(File.ReadAllBytes(Fixture.PathOf("fib.wasm")), BodyDecoding.Lazy);
        module.Bodies.ShouldAllBe(b => !b.IsDecoded);

        _ = module.Bodies[1].Code;

        module.Bodies.Select((b, i) => b.IsDecoded == (i == 1)).ShouldAllBe(right => right);
        module.Bodies.Count.ShouldBeGreaterThan(2);
    }

    [Fact]
    public void Threads_reading_a_body_at_once_share_one_decoding()
    {
        var module = ModuleDecoder.Decode(Wasmtime.Module.ConvertText(GeneratedModules.ManySmallFunctions(functions: 64)).ToArray(), BodyDecoding.Lazy);
        foreach (var body in module.Bodies)
        {
            var codes = new object[8];
            Parallel.For(0, codes.Length, i => codes[i] = body.Code);
            codes.Distinct().Count().ShouldBe(1);
        }
    }

    [Fact]
    public void Corpus_malformed_modules_fail_lazily_with_the_eager_error()
    {
        int inBodies = 0;
        foreach (string file in CorpusFiles.Malformed)
        {
            var bytes = File.ReadAllBytes(file);
            var expected = Should.Throw<WasmFormatException>(() => ModuleDecoder.Decode(bytes), file);
            var actual = FirstLazyError(bytes, out bool atDecode).ShouldNotBeNull(file);
            if (atDecode && (actual.Offset, actual.Reason) != (expected.Offset, expected.Reason))
            {
                // Eager decoding met a bad body first; lazy decoding skipped that body and met a later problem.
                actual.Offset.ShouldBeGreaterThanOrEqualTo(expected.Offset, file);
                continue;
            }
            (actual.Offset, actual.Reason).ShouldBe((expected.Offset, expected.Reason), file);
            if (!atDecode) inBodies++;
        }
        inBodies.ShouldBeGreaterThan(10);
    }

    [Fact]
    public void A_malformed_body_fails_when_read_and_the_others_still_decode()
    {
        var bytes = Wasmtime.Module.ConvertText(GeneratedModules.ManySmallFunctions(functions: 64)).ToArray();
        int bad = ModuleDecoder.Decode(bytes).Bodies[10].Code[0].Offset;
        bytes[bad] = 0xFF;
        var expected = Should.Throw<WasmFormatException>(() => ModuleDecoder.Decode(bytes));

        var module = ModuleDecoder.Decode(bytes, BodyDecoding.Lazy);

        var error = Should.Throw<WasmFormatException>(() => module.Bodies[10].Code);
        (error.Offset, error.Reason).ShouldBe((bad, expected.Reason));
        Should.Throw<WasmFormatException>(() => module.Bodies[10].Code).Offset.ShouldBe(bad);
        module.Bodies[11].Code.Count.ShouldBeGreaterThan(0);
    }

    /// <summary>The error of decoding lazily, else of reading the bodies in order.</summary>
    private static WasmFormatException? FirstLazyError(byte[] bytes, out bool atDecode)
    {
        atDecode = true;
        Module module;
        try
        {
            module = ModuleDecoder.Decode(bytes, BodyDecoding.Lazy);
        }
        catch (WasmFormatException e)
        {
            return e;
        }
        atDecode = false;
        foreach (var body in module.Bodies)
        {
            try
            {
                _ = body.Code;
            }
            catch (WasmFormatException e)
            {
                return e;
            }
        }
        return null;
    }
}
