using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Names;

namespace WasmProbe.Engine.Linking;

/// <summary>Gives a module binary a name-section module name. Wasmtime's trap frames say which module each frame runs
/// in only by that name, so every linked module runs under its link name: a frame of the guest is then told apart
/// from a frame of a linked module. The name section is moved to the end of the binary (after the code, where
/// compilers put it already), so code offsets do not change.</summary>
internal static class ModuleNameTag
{
    private const int HeaderSize = 8;

    public static byte[] Apply(byte[] wasm, string name)
    {
        var names = new NameSection();
        var output = new WasmWriter(wasm.Length + name.Length + 16);
        output.Bytes(wasm, 0, HeaderSize);
        var reader = new WasmReader(wasm) { Position = HeaderSize };
        while (!reader.AtEnd)
        {
            int start = reader.Position;
            byte id = reader.ReadByte();
            int size = reader.ReadCount();
            int payload = reader.Position;
            reader.Position = payload + size;
            if (id == 0 && IsNameSection(wasm, payload, payload + size, out int contents))
            {
                try
                {
                    names = NameSection.Parse(wasm.AsSpan(contents, payload + size - contents).ToArray());
                }
                catch (WasmFormatException)
                {
                    // A malformed name section is ignored by engines too; only the module name is written then.
                }
                continue;
            }
            output.Bytes(wasm, start, reader.Position - start);
        }
        names.ModuleName = name;
        var section = new WasmWriter();
        section.Name("name");
        section.Bytes(names.Encode());
        output.Byte(0);
        output.Sized(section);
        return output.ToArray();
    }

    private static bool IsNameSection(byte[] wasm, int payload, int end, out int contents)
    {
        var reader = new WasmReader(wasm, payload, end);
        bool isName = reader.ReadName() == "name";
        contents = reader.Position;
        return isName;
    }
}
