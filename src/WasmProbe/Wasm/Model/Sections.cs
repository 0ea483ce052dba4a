namespace WasmProbe.Wasm.Model;

public enum SectionId : byte
{
    Custom = 0,
    Type = 1,
    Import = 2,
    Function = 3,
    Table = 4,
    Memory = 5,
    Global = 6,
    Export = 7,
    Start = 8,
    Element = 9,
    Code = 10,
    Data = 11,
    DataCount = 12,
    Tag = 13,
}

/// <summary>One section in the order the module had it; custom sections refer to <see cref="Module.CustomSections"/>.</summary>
public readonly record struct SectionSlot(SectionId Id, int CustomIndex = -1);

internal static class SectionOrder
{
    /// <summary>The position of a known section in the required order (tag and data count sit between others).</summary>
    public static int Rank(SectionId id) => id switch
    {
        SectionId.Type => 1,
        SectionId.Import => 2,
        SectionId.Function => 3,
        SectionId.Table => 4,
        SectionId.Memory => 5,
        SectionId.Tag => 6,
        SectionId.Global => 7,
        SectionId.Export => 8,
        SectionId.Start => 9,
        SectionId.Element => 10,
        SectionId.DataCount => 11,
        SectionId.Code => 12,
        SectionId.Data => 13,
        _ => 0,
    };
}
