using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Names;

public enum NameKind : byte
{
    Module = 0,
    Function = 1,
    Local = 2,
    Label = 3,
    Type = 4,
    Table = 5,
    Memory = 6,
    Global = 7,
    Element = 8,
    Data = 9,
    Field = 10,
    Tag = 11,
}

/// <summary>The contents of the <c>name</c> custom section. Maps are index to name; indirect maps (locals, labels,
/// fields) are outer index to inner map. Subsections this reader does not know are kept verbatim.</summary>
public sealed class NameSection
{
    public string? ModuleName { get; set; }
    public Dictionary<NameKind, SortedDictionary<int, string>> Maps { get; } = [];
    public Dictionary<NameKind, SortedDictionary<int, SortedDictionary<int, string>>> IndirectMaps { get; } = [];
    public List<(byte Id, byte[] Payload)> UnknownSubsections { get; } = [];

    public static bool IsIndirect(NameKind kind) => kind is NameKind.Local or NameKind.Label or NameKind.Field;

    public SortedDictionary<int, string> Map(NameKind kind) =>
        Maps.TryGetValue(kind, out var map) ? map : Maps[kind] = [];

    public SortedDictionary<int, SortedDictionary<int, string>> IndirectMap(NameKind kind) =>
        IndirectMaps.TryGetValue(kind, out var map) ? map : IndirectMaps[kind] = [];

    /// <summary>Parses a name section payload. Custom sections never make a module malformed, so callers usually
    /// treat a <see cref="WasmFormatException"/> here as "no names".</summary>
    public static NameSection Parse(byte[] payload)
    {
        var names = new NameSection();
        var r = new WasmReader(payload);
        while (!r.AtEnd)
        {
            byte id = r.ReadByte();
            int size = r.ReadCount();
            int end = r.Position + size;
            int outerEnd = r.End;
            r.End = end;
            if (id == (byte)NameKind.Module)
            {
                names.ModuleName = r.ReadName();
            }
            else if (id <= (byte)NameKind.Tag && IsIndirect((NameKind)id))
            {
                var map = names.IndirectMap((NameKind)id);
                int count = r.ReadCount(2);
                for (int i = 0; i < count; i++)
                {
                    int outer = r.ReadIndex();
                    map[outer] = ReadNameMap(r);
                }
            }
            else if (id <= (byte)NameKind.Tag)
            {
                var target = names.Map((NameKind)id);
                foreach (var pair in ReadNameMap(r)) target[pair.Key] = pair.Value;
            }
            else
            {
                names.UnknownSubsections.Add((id, r.ReadBytes(size)));
            }
            if (r.Position != end) throw r.Error("name subsection size mismatch");
            r.End = outerEnd;
        }
        return names;
    }

    private static SortedDictionary<int, string> ReadNameMap(WasmReader r)
    {
        var map = new SortedDictionary<int, string>();
        int count = r.ReadCount(2);
        for (int i = 0; i < count; i++)
        {
            int index = r.ReadIndex();
            map[index] = r.ReadName();
        }
        return map;
    }

    public byte[] Encode()
    {
        var output = new WasmWriter();
        var sub = new WasmWriter();
        if (ModuleName is not null)
        {
            sub.Name(ModuleName);
            Emit(output, 0, sub);
        }
        for (byte id = 1; id <= (byte)NameKind.Tag; id++)
        {
            var kind = (NameKind)id;
            sub.Clear();
            if (IsIndirect(kind))
            {
                if (!IndirectMaps.TryGetValue(kind, out var indirect) || indirect.Count == 0) continue;
                sub.U32(indirect.Count);
                foreach (var pair in indirect)
                {
                    sub.U32(pair.Key);
                    WriteNameMap(sub, pair.Value);
                }
            }
            else
            {
                if (!Maps.TryGetValue(kind, out var map) || map.Count == 0) continue;
                WriteNameMap(sub, map);
            }
            Emit(output, id, sub);
        }
        foreach (var (id, payload) in UnknownSubsections)
        {
            output.Byte(id);
            output.U32(payload.Length);
            output.Bytes(payload);
        }
        return output.ToArray();
    }

    private static void Emit(WasmWriter output, byte id, WasmWriter sub)
    {
        output.Byte(id);
        output.Sized(sub);
        sub.Clear();
    }

    private static void WriteNameMap(WasmWriter w, SortedDictionary<int, string> map)
    {
        w.U32(map.Count);
        foreach (var pair in map)
        {
            w.U32(pair.Key);
            w.Name(pair.Value);
        }
    }
}
