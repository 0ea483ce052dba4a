using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Encoding;

/// <summary>Encodes a <see cref="Module"/>. Everything is written in canonical form from the model, except parts whose
/// input encoding was not canonical (kept verbatim by the decoder), so that decode-then-encode reproduces any input
/// byte for byte. Sections follow <see cref="Module.Layout"/>; sections it lacks go where the format requires.</summary>
public static class ModuleEncoder
{
    public static byte[] Encode(Module module) => Encode(module, pcMap: null);

    /// <summary>Encodes and, when <paramref name="pcMap"/> is given, records where every function-body instruction
    /// landed relative to its original pc.</summary>
    public static byte[] Encode(Module module, PcMap? pcMap) => Encode(module, pcMap, codeSection: null);

    /// <param name="codeSection">The code section's payload, already encoded (see <see cref="CodeSectionWriter"/>):
    /// written in place of the bodies, without copying it first.</param>
    internal static byte[] Encode(Module module, PcMap? pcMap, WasmWriter? codeSection)
    {
        // Sized from what is already encoded (rewritten or verbatim bodies, custom sections), so that a large module's
        // writers do not double their way up to it.
        int estimate = EstimatedSize(module, codeSection);
        var output = new WasmWriter(estimate);
        output.Bytes([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]);
        var payload = new WasmWriter(codeSection is null ? estimate : 4096);
        var scratch = new WasmWriter(256);
        foreach (var slot in SectionsToWrite(module))
        {
            if (slot.Id == SectionId.Code && codeSection is not null)
            {
                output.Byte((byte)SectionId.Code);
                output.U32(codeSection.Length);
                output.Bytes(codeSection);
                continue;
            }
            var original = slot.Id == SectionId.Custom
                ? module.CustomSections[slot.CustomIndex].OriginalEncoding
                : module.OriginalSections.TryGetValue(slot.Id, out var section) ? section : null;
            if (original is not null)
            {
                output.Bytes(original);
                continue;
            }
            payload.Clear();
            // Body offsets go into the map relative to the payload, and move to module offsets once the section header
            // is written.
            var bodyOffsets = slot.Id == SectionId.Code ? pcMap : null;
            int first = pcMap?.Count ?? 0;
            bodyOffsets?.Reserve(module.Bodies.Sum(b => b.Encoded?.Starts.Length ?? b.Code.Count));
            WritePayload(payload, scratch, module, slot, bodyOffsets);
            output.Byte((byte)slot.Id);
            output.U32(payload.Length);
            bodyOffsets?.Shift(first, output.Length);
            output.Bytes(payload);
        }
        return output.ToArray();
    }

    private static int EstimatedSize(Module module, WasmWriter? codeSection)
    {
        long size = 4096;
        if (codeSection is not null) size += codeSection.Length;
        else foreach (var body in module.Bodies) size += body.Encoded?.Bytes.Length ?? body.OriginalEncoding?.Length ?? 3L * body.Code.Count;
        foreach (var custom in module.CustomSections) size += custom.OriginalEncoding?.Length ?? custom.Payload.Length;
        return (int)Math.Min(size, int.MaxValue / 2);
    }

    private static List<SectionSlot> SectionsToWrite(Module module)
    {
        var slots = new List<SectionSlot>(module.Layout);
        foreach (var id in PresentSections(module))
        {
            if (slots.Any(s => s.Id == id)) continue;
            int rank = SectionOrder.Rank(id);
            int insertAt = slots.FindLastIndex(s => s.Id != SectionId.Custom && SectionOrder.Rank(s.Id) < rank) + 1;
            slots.Insert(insertAt, new SectionSlot(id));
        }
        // One pass to mark the custom sections the layout places (a search per section is quadratic in their number).
        var placed = new bool[module.CustomSections.Count];
        foreach (var slot in module.Layout)
        {
            if (slot.Id == SectionId.Custom && (uint)slot.CustomIndex < (uint)placed.Length) placed[slot.CustomIndex] = true;
        }
        for (int i = 0; i < placed.Length; i++)
        {
            if (!placed[i]) slots.Add(new SectionSlot(SectionId.Custom, i));
        }
        return slots;
    }

    private static IEnumerable<SectionId> PresentSections(Module m)
    {
        if (m.RecGroups.Count > 0) yield return SectionId.Type;
        if (m.Imports.Count > 0) yield return SectionId.Import;
        if (m.FunctionTypeIndices.Count > 0) yield return SectionId.Function;
        if (m.Tables.Count > 0) yield return SectionId.Table;
        if (m.Memories.Count > 0) yield return SectionId.Memory;
        if (m.Tags.Count > 0) yield return SectionId.Tag;
        if (m.Globals.Count > 0) yield return SectionId.Global;
        if (m.Exports.Count > 0) yield return SectionId.Export;
        if (m.Start is not null) yield return SectionId.Start;
        if (m.Elements.Count > 0) yield return SectionId.Element;
        if (m.DataCount is not null) yield return SectionId.DataCount;
        if (m.Bodies.Count > 0) yield return SectionId.Code;
        if (m.Data.Count > 0) yield return SectionId.Data;
    }

    private static void WritePayload(WasmWriter w, WasmWriter scratch, Module m, SectionSlot slot, PcMap? bodyOffsets)
    {
        switch (slot.Id)
        {
            case SectionId.Custom:
                var custom = m.CustomSections[slot.CustomIndex];
                w.Name(custom.Name);
                w.Bytes(custom.Payload);
                break;
            case SectionId.Type:
                w.U32(m.RecGroups.Count);
                foreach (var group in m.RecGroups) WriteRecGroup(w, group);
                break;
            case SectionId.Import:
                w.U32(m.Imports.Count);
                foreach (var import in m.Imports) WriteImport(w, import);
                break;
            case SectionId.Function:
                w.U32(m.FunctionTypeIndices.Count);
                foreach (int type in m.FunctionTypeIndices) w.U32(type);
                break;
            case SectionId.Table:
                w.U32(m.Tables.Count);
                foreach (var table in m.Tables)
                {
                    if (table.Init is not null)
                    {
                        w.Byte(0x40);
                        w.Byte(0x00);
                    }
                    WriteTableType(w, table.Type);
                    if (table.Init is not null) InstructionEncoder.Write(w, table.Init);
                }
                break;
            case SectionId.Memory:
                w.U32(m.Memories.Count);
                foreach (var memory in m.Memories) WriteLimits(w, memory.Limits);
                break;
            case SectionId.Tag:
                w.U32(m.Tags.Count);
                foreach (var tag in m.Tags)
                {
                    w.Byte(0);
                    w.U32(tag.TypeIndex);
                }
                break;
            case SectionId.Global:
                w.U32(m.Globals.Count);
                foreach (var global in m.Globals)
                {
                    WriteGlobalType(w, global.Type);
                    InstructionEncoder.Write(w, global.Init);
                }
                break;
            case SectionId.Export:
                w.U32(m.Exports.Count);
                foreach (var export in m.Exports)
                {
                    w.Name(export.Name);
                    w.Byte((byte)export.Kind);
                    w.U32(export.Index);
                }
                break;
            case SectionId.Start:
                w.U32(m.Start ?? throw new InvalidOperationException("the layout has a start section but the module has no start function"));
                break;
            case SectionId.Element:
                w.U32(m.Elements.Count);
                foreach (var segment in m.Elements) WriteElement(w, segment);
                break;
            case SectionId.DataCount:
                w.U32(m.DataCount ?? (uint)m.Data.Count);
                break;
            case SectionId.Code:
                w.U32(m.Bodies.Count);
                foreach (var body in m.Bodies) WriteBody(w, scratch, body, bodyOffsets);
                break;
            case SectionId.Data:
                w.U32(m.Data.Count);
                foreach (var segment in m.Data) WriteData(w, segment);
                break;
        }
    }

    /// <summary>Writes a body with its size; <paramref name="offsets"/> collects (offset in <paramref name="w"/>,
    /// original pc) per instruction. <paramref name="scratch"/> is working space.</summary>
    internal static void WriteBody(WasmWriter w, WasmWriter scratch, FunctionBody body, PcMap? offsets)
    {
        if (body.Encoded is { } encoded)
        {
            if (offsets is not null)
            {
                for (int i = 0; i < encoded.Starts.Length; i++) offsets.Add(w.Length + encoded.Starts[i], encoded.Pcs[i]);
            }
            w.Bytes(encoded.Bytes);
            return;
        }
        if (body.OriginalEncoding is { } original)
        {
            if (offsets is not null)
            {
                foreach (var ins in body.Code.Instructions) offsets.Add(w.Length + ins.Offset - body.Offset, ins.Offset);
            }
            w.Bytes(original);
            return;
        }
        WriteCode(w, scratch, body.Locals, body.Code.Instructions, body.Code.Pool, offsets);
    }

    /// <summary>Writes a body given as its parts, with its size (see <see cref="WriteBody"/>).</summary>
    internal static void WriteCode(WasmWriter w, WasmWriter scratch, LocalGroup[] locals, ReadOnlySpan<Instruction> code, long[] pool, PcMap? offsets)
    {
        scratch.Clear();
        scratch.U32(locals.Length);
        foreach (var group in locals)
        {
            scratch.U32(group.Count);
            InstructionEncoder.WriteValType(scratch, group.Type);
        }
        // Offsets are recorded relative to the body's bytes, and moved once its size (a LEB128) is written before them.
        int first = offsets?.Count ?? 0;
        foreach (ref readonly var ins in code)
        {
            offsets?.Add(scratch.Length, ins.Offset);
            InstructionEncoder.Write(scratch, ins, pool);
        }
        w.U32(scratch.Length);
        offsets?.Shift(first, w.Length);
        w.Bytes(scratch);
    }

    /// <summary>The offset in <paramref name="module"/> (an encoded module) of the payload of its first section with
    /// id <paramref name="id"/>, or -1.</summary>
    internal static int SectionPayloadOffset(byte[] module, SectionId id)
    {
        var reader = new WasmReader(module) { Position = 8 };
        while (!reader.AtEnd)
        {
            var section = (SectionId)reader.ReadByte();
            int size = (int)reader.ReadU32();
            if (section == id) return reader.Position;
            reader.Position += size;
        }
        return -1;
    }

    private static void WriteRecGroup(WasmWriter w, RecGroup group)
    {
        if (group.Explicit)
        {
            w.Byte(0x4E);
            w.U32(group.Types.Length);
        }
        foreach (var type in group.Types)
        {
            if (type.HasSubPrefix || !type.Final || type.Supertypes.Length > 0)
            {
                w.Byte(type.Final ? (byte)0x4F : (byte)0x50);
                w.U32(type.Supertypes.Length);
                foreach (int super in type.Supertypes) w.U32(super);
            }
            WriteCompositeType(w, type.Composite);
        }
    }

    private static void WriteCompositeType(WasmWriter w, CompositeType type)
    {
        w.Byte((byte)type.Kind);
        switch (type.Kind)
        {
            case CompositeKind.Func:
                WriteValTypes(w, type.Function.Parameters);
                WriteValTypes(w, type.Function.Results);
                break;
            case CompositeKind.Struct:
                w.U32(type.Fields.Length);
                foreach (var field in type.Fields) WriteFieldType(w, field);
                break;
            case CompositeKind.Array:
                WriteFieldType(w, type.ArrayElement);
                break;
        }
    }

    private static void WriteValTypes(WasmWriter w, ValType[] types)
    {
        w.U32(types.Length);
        foreach (var type in types) InstructionEncoder.WriteValType(w, type);
    }

    private static void WriteFieldType(WasmWriter w, FieldType field)
    {
        if (field.Packed != PackedType.None) w.Byte((byte)field.Packed);
        else InstructionEncoder.WriteValType(w, field.Type);
        w.Byte(field.Mutable ? (byte)1 : (byte)0);
    }

    private static void WriteImport(WasmWriter w, Import import)
    {
        w.Name(import.ModuleName);
        w.Name(import.Name);
        w.Byte((byte)import.Kind);
        switch (import.Kind)
        {
            case ExternalKind.Function: w.U32(import.TypeIndex); break;
            case ExternalKind.Table: WriteTableType(w, import.Table!); break;
            case ExternalKind.Memory: WriteLimits(w, import.Memory!.Limits); break;
            case ExternalKind.Global: WriteGlobalType(w, import.Global!); break;
            case ExternalKind.Tag:
                w.Byte(0);
                w.U32(import.TypeIndex);
                break;
        }
    }

    private static void WriteTableType(WasmWriter w, TableType type)
    {
        InstructionEncoder.WriteValType(w, type.ElementType);
        WriteLimits(w, type.Limits);
    }

    private static void WriteGlobalType(WasmWriter w, GlobalType type)
    {
        InstructionEncoder.WriteValType(w, type.Type);
        w.Byte(type.Mutable ? (byte)1 : (byte)0);
    }

    private static void WriteLimits(WasmWriter w, Limits limits)
    {
        byte flags = (byte)((limits.Maximum is not null ? 1 : 0) | (limits.Shared ? 2 : 0) | (limits.Is64 ? 4 : 0) | (limits.PageSizeLog2 is not null ? 8 : 0));
        w.Byte(flags);
        w.U64(limits.Minimum);
        if (limits.Maximum is { } max) w.U64(max);
        if (limits.PageSizeLog2 is { } pageSize) w.U32(pageSize);
    }

    private static void WriteElement(WasmWriter w, ElementSegment segment)
    {
        byte flags = segment.Flags;
        w.U32(flags);
        if (segment.Mode == SegmentMode.Active)
        {
            if ((flags & 2) != 0) w.U32(segment.TableIndex);
            InstructionEncoder.Write(w, segment.Offset!);
        }
        bool hasTypeField = (flags & 3) != 0;
        if (segment.UsesExpressions)
        {
            if (hasTypeField) InstructionEncoder.WriteValType(w, segment.ElementType);
            w.U32(segment.Expressions!.Length);
            foreach (var expression in segment.Expressions) InstructionEncoder.Write(w, expression);
        }
        else
        {
            if (hasTypeField) w.Byte(0);
            w.U32(segment.FunctionIndices!.Length);
            foreach (int function in segment.FunctionIndices) w.U32(function);
        }
    }

    private static void WriteData(WasmWriter w, DataSegment segment)
    {
        w.U32(segment.Flags);
        if (segment.Flags == 2) w.U32(segment.MemoryIndex);
        if (segment.Mode == SegmentMode.Active) InstructionEncoder.Write(w, segment.Offset!);
        w.U32(segment.Bytes.Length);
        w.Bytes(segment.Bytes);
    }
}
