using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Wasm.Encoding;

/// <summary>Writes a module's code section body by body, as a rewrite produces them, with each instruction's pc:
/// nothing is kept per body but its bytes in the section and its entries in one pc map. <see cref="EncodeInto"/>
/// encodes the rest of the module around it.</summary>
public sealed class CodeSectionWriter
{
    private readonly WasmWriter _payload;
    private readonly WasmWriter _scratch = new(4096);
    private readonly PcMap _pcMap = new();
    private readonly int _count;
    private int _written;

    /// <param name="count">The number of bodies the section will hold.</param>
    /// <param name="capacity">An estimate of the section's size in bytes.</param>
    public CodeSectionWriter(int count, int capacity)
    {
        _count = count;
        _payload = new WasmWriter(Math.Max(4096, capacity));
        _payload.U32(count);
    }

    public void Add(FunctionBody body)
    {
        ModuleEncoder.WriteBody(_payload, _scratch, body, _pcMap);
        _written++;
    }

    /// <summary>Encodes <paramref name="module"/> with this code section in place of its bodies; the pc map's entries
    /// move from section offsets to module offsets.</summary>
    public (byte[] Bytes, PcMap PcMap) EncodeInto(Module module)
    {
        if (_written != _count) throw new InvalidOperationException($"the code section has {_written} of its {_count} bodies");
        var section = new WasmWriter(_payload.Length + 6);
        section.Byte((byte)SectionId.Code);
        section.U32(_payload.Length);
        section.Bytes(_payload);
        module.OriginalSections[SectionId.Code] = section.ToArray();
        var bytes = ModuleEncoder.Encode(module);
        _pcMap.Shift(0, ModuleEncoder.SectionPayloadOffset(bytes, SectionId.Code));
        return (bytes, _pcMap);
    }
}
