using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Tests.Binary;

/// <summary>Memory types with the custom-page-size flag (0x08): only the page sizes the proposal allows decode.</summary>
public class MemoryTypeTests
{
    /// <summary>A module with one memory of flags 0x08, minimum 1 and the page size 2^<paramref name="log2"/>.</summary>
    private static byte[] WithPageSize(byte log2) => [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x04, 0x01, 0x08, 0x01, log2];

    [Theory]
    [InlineData(0, 1UL)]
    [InlineData(16, 65536UL)]
    public void Allowed_page_sizes_decode(byte log2, ulong pageSize)
    {
        ModuleDecoder.Decode(WithPageSize(log2)).IndexSpaces.Memories.ShouldHaveSingleItem().PageSize.ShouldBe(pageSize);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(17)]
    [InlineData(64)]
    public void Other_page_sizes_are_a_format_error_at_the_exponent(byte log2)
    {
        var e = Should.Throw<WasmFormatException>(() => ModuleDecoder.Decode(WithPageSize(log2)));
        e.Offset.ShouldBe(13);
        e.Reason.ShouldBe($"invalid custom page size: 2^{log2} bytes (only 1 and 65536 are allowed)");
    }
}
