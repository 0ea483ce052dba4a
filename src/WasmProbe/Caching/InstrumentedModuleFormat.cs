using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Caching;

/// <summary>An <see cref="InstrumentedModule"/> as bytes, so that a new process skips instrumenting (0.4-0.7 s on
/// SQLite): everything but the module it was built from, which the reader supplies. The metadata (sites, frame
/// layouts, pc map, export names) carries its SHA-256; the instrumented binary is checked against the hash stored
/// beside it, which the compiled-code cache needs anyway. A debug build has a site per instruction, so a site is a
/// byte of flags and mostly one byte of pc delta (SQLite -O0's 893,000 sites, frame layouts and pc map take 7.5 MB);
/// stack shapes are stored once and shared again when read, as <see cref="StackShapes"/> shares them.</summary>
internal static class InstrumentedModuleFormat
{
    private const int ChecksumLength = 32;

    public static byte[] Write(InstrumentedModule module)
    {
        var metadata = new WasmWriter();
        metadata.Byte((byte)module.Mode);
        WriteSites(metadata, module.Sites);
        WriteLayouts(metadata, module.Layouts);
        metadata.U32(module.Memory.SiteCount);
        metadata.U32(module.Memory.FunctionCount);
        WritePcMap(metadata, module.PcMap);
        WriteExports(metadata, module.Exports);
        metadata.Name(ContentHash.Of(module.Bytes));

        var output = new WasmWriter(ChecksumLength + metadata.Length + module.Bytes.Length + 16);
        output.Bytes(SHA256.HashData(metadata.Written));
        output.Sized(metadata);
        output.U32(module.Bytes.Length);
        output.Bytes(module.Bytes);
        return output.ToArray();
    }

    /// <summary>The module stored in <paramref name="payload"/>, instrumented from <paramref name="original"/>.</summary>
    /// <exception cref="InvalidDataException">The payload is damaged.</exception>
    public static InstrumentedModule Read(ArraySegment<byte> payload, Module original)
    {
        try
        {
            var reader = new WasmReader(payload.Array!, payload.Offset, payload.Offset + payload.Count);
            int checksum = reader.ReadBytesStart(ChecksumLength);
            int metadataLength = reader.ReadIndex();
            int metadata = reader.ReadBytesStart(metadataLength);
            if (!SHA256.HashData(payload.Array.AsSpan(metadata, metadataLength)).AsSpan().SequenceEqual(payload.Array.AsSpan(checksum, ChecksumLength)))
                throw Damaged("its metadata does not match its checksum");
            byte[] bytes = reader.ReadBytes(reader.ReadIndex());
            if (!reader.AtEnd) throw Damaged("it has bytes after its end");
            return ReadMetadata(new WasmReader(payload.Array!, metadata, metadata + metadataLength), original, bytes);
        }
        catch (Exception e) when (e is WasmFormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw Damaged(e.Message);
        }
    }

    private static InstrumentedModule ReadMetadata(WasmReader reader, Module original, byte[] bytes)
    {
        var mode = (InstrumentationMode)reader.ReadByte();
        var sites = ReadSites(reader);
        var layouts = ReadLayouts(reader);
        var memory = new DebugMemory(reader.ReadIndex(), reader.ReadIndex());
        var pcMap = ReadPcMap(reader);
        var exports = ReadExports(reader);
        if (reader.ReadName() != ContentHash.Of(bytes)) throw Damaged("its binary does not match its hash");
        if (layouts.Length != original.IndexSpaces.FunctionCount) throw Damaged("it was built from another module");
        return new InstrumentedModule(original, bytes, pcMap, sites, sites.Length, layouts, memory, mode, exports) { FromDisk = true };
    }

    [Flags]
    private enum SiteFlags : byte
    {
        KindsMask = 0b111,
        SameFunction = 1 << 3,
        NextInstruction = 1 << 4,
        IdIsIndex = 1 << 5,
        StartsRun = 1 << 6,
        SameShape = 1 << 7,
    }

    private static void WriteSites(WasmWriter writer, ReadOnlySpan<ProbeSite> sites)
    {
        var shapes = new Dictionary<ValType[], int>(ReferenceEqualityComparer.Instance);
        var shapeList = new List<ValType[]>();
        foreach (var site in sites)
        {
            if (shapes.TryAdd(site.StackTypes, shapeList.Count)) shapeList.Add(site.StackTypes);
        }
        writer.U32(shapeList.Count);
        foreach (var shape in shapeList) WriteTypes(writer, shape);

        writer.U32(sites.Length);
        ProbeSite previous = new(0, 0, -1, 0, SiteKinds.None, [], 0);
        for (int i = 0; i < sites.Length; i++)
        {
            var site = sites[i];
            bool sameFunction = site.Function == previous.Function;
            var flags = (SiteFlags)site.Kinds
                | (sameFunction ? SiteFlags.SameFunction : 0)
                | (sameFunction && site.InstructionIndex == previous.InstructionIndex + 1 ? SiteFlags.NextInstruction : 0)
                | (site.Id == i ? SiteFlags.IdIsIndex : 0)
                | (site.RunStart == site.Id ? SiteFlags.StartsRun : 0)
                | (ReferenceEquals(site.StackTypes, previous.StackTypes) ? SiteFlags.SameShape : 0);
            writer.Byte((byte)flags);
            if (!flags.HasFlag(SiteFlags.SameFunction)) writer.S64(site.Function - previous.Function);
            if (!flags.HasFlag(SiteFlags.NextInstruction)) writer.S64(site.InstructionIndex);
            writer.S64(site.Pc - previous.Pc);
            if (!flags.HasFlag(SiteFlags.SameShape)) writer.U32(shapes[site.StackTypes]);
            if (!flags.HasFlag(SiteFlags.IdIsIndex)) writer.S64(site.Id - i);
            if (!flags.HasFlag(SiteFlags.StartsRun)) writer.S64(site.Id - site.RunStart);
            previous = site;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ProbeSite[] ReadSites(WasmReader reader)
    {
        var shapes = new ValType[reader.ReadIndex()][];
        for (int i = 0; i < shapes.Length; i++) shapes[i] = ReadTypes(reader);

        var sites = new ProbeSite[reader.ReadIndex()];
        ProbeSite previous = new(0, 0, -1, 0, SiteKinds.None, [], 0);
        for (int i = 0; i < sites.Length; i++)
        {
            var flags = (SiteFlags)reader.ReadByte();
            int function = flags.HasFlag(SiteFlags.SameFunction) ? previous.Function : previous.Function + reader.ReadS32();
            int instruction = flags.HasFlag(SiteFlags.NextInstruction) ? previous.InstructionIndex + 1 : reader.ReadS32();
            int pc = previous.Pc + reader.ReadS32();
            var stack = flags.HasFlag(SiteFlags.SameShape) ? previous.StackTypes : shapes[reader.ReadIndex()];
            int id = flags.HasFlag(SiteFlags.IdIsIndex) ? i : i + reader.ReadS32();
            int runStart = flags.HasFlag(SiteFlags.StartsRun) ? id : id - reader.ReadS32();
            previous = sites[i] = new ProbeSite(id, function, instruction, pc, (SiteKinds)(flags & SiteFlags.KindsMask), stack, runStart);
        }
        return sites;
    }

    private static void WriteLayouts(WasmWriter writer, FrameLayout?[] layouts)
    {
        writer.U32(layouts.Length);
        foreach (var layout in layouts)
        {
            writer.Byte(layout is not null ? (byte)1 : (byte)0);
            if (layout is null) continue;
            writer.U32(layout.MaxSpilledStack);
            writer.Byte(layout.WritesThrough ? (byte)1 : (byte)0);
            WriteTypes(writer, layout.LocalTypes);
        }
    }

    private static FrameLayout?[] ReadLayouts(WasmReader reader)
    {
        var layouts = new FrameLayout?[reader.ReadIndex()];
        for (int f = 0; f < layouts.Length; f++)
        {
            if (!(reader.ReadByte() != 0)) continue;
            int maxSpilledStack = reader.ReadIndex();
            bool writesThrough = (reader.ReadByte() != 0);
            layouts[f] = new FrameLayout(f, ReadTypes(reader), maxSpilledStack, writesThrough);
        }
        return layouts;
    }

    /// <summary>New offsets as deltas; original offsets as 0 for "none" (code the instrumenter added), else one more
    /// than the zigzag delta from the last original offset.</summary>
    private static void WritePcMap(WasmWriter writer, PcMap map)
    {
        int[] newOffsets = map.NewOffsets(), originalOffsets = map.OriginalOffsets();
        writer.U32(newOffsets.Length);
        int previousNew = 0, previousOriginal = 0;
        for (int i = 0; i < newOffsets.Length; i++)
        {
            writer.S64(newOffsets[i] - previousNew);
            previousNew = newOffsets[i];
            if (originalOffsets[i] < 0)
            {
                writer.U32(0);
                continue;
            }
            writer.U32(ZigZag(originalOffsets[i] - previousOriginal) + 1);
            previousOriginal = originalOffsets[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PcMap ReadPcMap(WasmReader reader)
    {
        int count = reader.ReadIndex();
        int[] newOffsets = new int[count], originalOffsets = new int[count];
        int previousNew = 0, previousOriginal = 0;
        for (int i = 0; i < count; i++)
        {
            newOffsets[i] = previousNew += reader.ReadS32();
            uint original = reader.ReadU32();
            originalOffsets[i] = original == 0 ? -1 : previousOriginal += UnZigZag(original - 1);
        }
        return new PcMap(newOffsets, originalOffsets);
    }

    private static void WriteExports(WasmWriter writer, ExportNames exports)
    {
        writer.Name(exports.DebugMemory);
        writer.Name(exports.Armed);
        writer.Name(exports.StepLimit);
        writer.Name(exports.FrameTop);
        writer.Name(exports.StackPointer);
        writer.Name(exports.Resume);
        OptionalName(writer, exports.Backtrace);
        OptionalName(writer, exports.ThrowTag);
        WriteNames(writer, exports.Globals);
        WriteNames(writer, exports.Memories);
        WriteNames(writer, exports.Tables);
        writer.U32(exports.WatchWindows.Length);
        foreach (var window in exports.WatchWindows)
        {
            OptionalName(writer, window?.Base);
            OptionalName(writer, window?.Span);
        }
        writer.Byte(exports.WatchesWrites ? (byte)1 : (byte)0);
        WriteNames(writer, exports.GlobalWatchFlags);
    }

    private static ExportNames ReadExports(WasmReader reader) => new()
    {
        DebugMemory = reader.ReadName(),
        Armed = reader.ReadName(),
        StepLimit = reader.ReadName(),
        FrameTop = reader.ReadName(),
        StackPointer = reader.ReadName(),
        Resume = reader.ReadName(),
        Backtrace = OptionalName(reader),
        ThrowTag = OptionalName(reader),
        Globals = ReadNames(reader),
        Memories = ReadNames(reader),
        Tables = ReadNames(reader),
        WatchWindows = ReadWatchWindows(reader),
        WatchesWrites = (reader.ReadByte() != 0),
        GlobalWatchFlags = ReadNames(reader),
    };

    private static (string Base, string Span)?[] ReadWatchWindows(WasmReader reader)
    {
        var windows = new (string Base, string Span)?[reader.ReadIndex()];
        for (int i = 0; i < windows.Length; i++)
        {
            string? windowBase = OptionalName(reader), span = OptionalName(reader);
            if (windowBase is not null && span is not null) windows[i] = (windowBase, span);
        }
        return windows;
    }

    private static void WriteTypes(WasmWriter writer, ValType[] types)
    {
        writer.U32(types.Length);
        foreach (var type in types) writer.S64(type.ToBits());
    }

    private static ValType[] ReadTypes(WasmReader reader)
    {
        int count = reader.ReadIndex();
        if (count == 0) return [];
        var types = new ValType[count];
        for (int i = 0; i < types.Length; i++) types[i] = ValType.FromBits(reader.ReadS64());
        return types;
    }

    private static void WriteNames(WasmWriter writer, string?[] names)
    {
        writer.U32(names.Length);
        foreach (string? name in names) OptionalName(writer, name);
    }

    private static string?[] ReadNames(WasmReader reader)
    {
        var names = new string?[reader.ReadIndex()];
        for (int i = 0; i < names.Length; i++) names[i] = OptionalName(reader);
        return names;
    }

    private static void OptionalName(WasmWriter writer, string? name)
    {
        writer.Byte(name is null ? (byte)0 : (byte)1);
        if (name is not null) writer.Name(name);
    }

    private static string? OptionalName(WasmReader reader) => reader.ReadByte() != 0 ? reader.ReadName() : null;

    private static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static int UnZigZag(uint zigzag) => (int)(zigzag >> 1) ^ -(int)(zigzag & 1);

    private static InvalidDataException Damaged(string why) => new($"the stored instrumented module is damaged: {why}");
}
