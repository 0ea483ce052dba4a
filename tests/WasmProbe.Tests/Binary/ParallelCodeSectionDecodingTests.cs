using WasmProbe.Tests.Coverage;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;

namespace WasmProbe.Tests.Binary;

/// <summary>A code section of a megabyte or more is decoded on all cores. It must decode to what the sequential decoder
/// makes, and fail as it fails: with the first bad body, even when a later body is bad too.</summary>
public class ParallelCodeSectionDecodingTests
{
    private static readonly Lazy<byte[]> Large = new(() => Wasmtime.Module.ConvertText(GeneratedModules.ManySmallFunctions(functions: 40_000)).ToArray());

    [Fact]
    public void A_large_code_section_decodes_and_re_encodes_byte_for_byte()
    {
        var module = ModuleDecoder.Decode(Large.Value);

        module.Bodies.Count.ShouldBe(40_001);
        module.Bodies.Select(b => b.Offset).ShouldBeInOrder(SortDirection.Ascending);
        ModuleEncoder.Encode(module).ShouldBe(Large.Value);
    }

    [Fact]
    public void The_first_malformed_body_is_reported_when_later_ones_are_malformed_too()
    {
        var (bytes, bodies) = Corruptible();
        int early = bodies[1_000].Code[0].Offset, late = bodies[30_000].Code[0].Offset;
        bytes[early] = 0xFF;
        bytes[late] = 0xFF;

        var error = Should.Throw<WasmFormatException>(() => ModuleDecoder.Decode(bytes));

        error.Offset.ShouldBe(early);
        error.Message.ShouldContain("illegal opcode 0xff");
    }

    [Fact]
    public void A_size_prefix_past_the_section_end_is_reported_when_the_bodies_before_it_are_well_formed()
    {
        var (bytes, bodies) = Corruptible();
        int prefix = bodies[20_000].Offset;
        bytes[prefix] = 0xFF;
        bytes[prefix + 1] = 0xFF;
        bytes[prefix + 2] = 0x7F;

        var error = Should.Throw<WasmFormatException>(() => ModuleDecoder.Decode(bytes));

        error.Offset.ShouldBe(prefix);
        error.Message.ShouldContain("exceeds");
    }

    [Fact]
    public void A_malformed_body_before_a_bad_size_prefix_is_the_error()
    {
        var (bytes, bodies) = Corruptible();
        int early = bodies[5].Code[0].Offset, prefix = bodies[20_000].Offset;
        bytes[early] = 0xFF;
        bytes[prefix] = 0xFF;
        bytes[prefix + 1] = 0xFF;
        bytes[prefix + 2] = 0x7F;

        Should.Throw<WasmFormatException>(() => ModuleDecoder.Decode(bytes)).Offset.ShouldBe(early);
    }

    /// <summary>A copy of the large module to corrupt, and where its bodies are.</summary>
    private static (byte[] Bytes, IReadOnlyList<Wasm.Model.FunctionBody> Bodies) Corruptible() =>
        ((byte[])Large.Value.Clone(), ModuleDecoder.Decode(Large.Value).Bodies);
}
