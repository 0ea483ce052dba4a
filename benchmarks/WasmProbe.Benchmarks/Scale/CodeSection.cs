using WasmProbe.Wasm.Binary;

namespace WasmProbe.Benchmarks.Scale;

public static class CodeSection
{
    /// <summary>The size in bytes of the code section's payload (0 if the module has none).</summary>
    public static int Size(byte[] wasm)
    {
        const byte codeSectionId = 10;
        var reader = new WasmReader(wasm) { Position = 8 };
        while (!reader.AtEnd)
        {
            byte id = reader.ReadByte();
            int size = checked((int)reader.ReadU32());
            if (id == codeSectionId) return size;
            reader.Position += size;
        }
        return 0;
    }
}
