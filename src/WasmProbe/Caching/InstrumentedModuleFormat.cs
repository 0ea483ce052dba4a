using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Encoding;

namespace WasmProbe.Caching;

/// <summary>An <see cref="InstrumentedModule"/> as bytes, so that a new process skips instrumenting (0.4-0.7 s on
/// SQLite): everything but the module it was built from, which the reader supplies, and the instrumented binary, which
/// is stored apart and read only to compile it (a warm process loads compiled code and never needs the binary: on
/// SQLite -O0 that is 6.6 MB not read, copied and hashed). The metadata (sites, frame layouts, pc map, export names, the
/// binary's hash and size) carries its SHA-256. A debug build has a site per instruction, so a site is a
/// byte of flags and mostly one byte of pc delta (SQLite -O0's 893,000 sites, frame layouts and pc map take 7.5 MB);
/// stack shapes are stored once and shared again when read, as <see cref="StackShapes"/> shares them. Sites are decoded
/// by block and the pc map as a whole when first used: a session reads a few functions' sites and maps pcs only at a trap.</summary>
internal static class InstrumentedModuleFormat
{
    private const int ChecksumLength = 32;

    /// <summary>The module's metadata as bytes; its binary is stored apart (<see cref="StoredKind.InstrumentedBinary"/>).</summary>
    public static byte[] Write(InstrumentedModule module)
    {
        var metadata = new WasmWriter();
        metadata.Byte((byte)module.Mode);
        WriteSites(metadata, module.Sites);
        WriteLayouts(metadata, module.Layouts);
        metadata.U32(module.Memory.SiteCount);
        metadata.U32(module.Memory.FunctionCount);
        var pcMap = new WasmWriter();
        WritePcMap(pcMap, module.PcMap);
        metadata.Sized(pcMap);
        WriteExports(metadata, module.Exports);
        metadata.Name(module.BytesHash);
        metadata.U32(module.Size);

        var output = new WasmWriter(ChecksumLength + metadata.Length + 8);
        output.Bytes(SHA256.HashData(metadata.Written));
        output.Sized(metadata);
        return output.ToArray();
    }

    /// <summary>The module stored in <paramref name="payload"/>, instrumented from <paramref name="original"/>.</summary>
    /// <param name="binary">Gives the instrumented binary when it is first needed (not before): it must return the
    /// binary that the stored hash names.</param>
    /// <exception cref="InvalidDataException">The payload is damaged.</exception>
    public static InstrumentedModule Read(ArraySegment<byte> payload, Module original, Func<string, byte[]> binary)
    {
        try
        {
            var reader = new WasmReader(payload.Array!, payload.Offset, payload.Offset + payload.Count);
            int checksum = reader.ReadBytesStart(ChecksumLength);
            int metadataLength = reader.ReadIndex();
            int metadata = reader.ReadBytesStart(metadataLength);
            if (!SHA256.HashData(payload.Array.AsSpan(metadata, metadataLength)).AsSpan().SequenceEqual(payload.Array.AsSpan(checksum, ChecksumLength)))
                throw Damaged("its metadata does not match its checksum");
            if (!reader.AtEnd) throw Damaged("it has bytes after its end");
            return ReadMetadata(new WasmReader(payload.Array!, metadata, metadata + metadataLength), original, binary);
        }
        catch (Exception e) when (e is WasmFormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw Damaged(e.Message);
        }
    }

    private static InstrumentedModule ReadMetadata(WasmReader reader, Module original, Func<string, byte[]> binary)
    {
        var mode = (InstrumentationMode)reader.ReadByte();
        var sites = ReadSites(reader);
        var layouts = ReadLayouts(reader);
        var memory = new DebugMemory(reader.ReadIndex(), reader.ReadIndex());
        int pcMapLength = reader.ReadIndex();
        int pcMapStart = reader.ReadBytesStart(pcMapLength);
        byte[] bytes = reader.Bytes;
        Func<PcMap> pcMap = () => ReadPcMap(new WasmReader(bytes, pcMapStart, pcMapStart + pcMapLength));
        var exports = ReadExports(reader);
        string hash = reader.ReadName();
        int size = reader.ReadIndex();
        if (layouts.Length != original.IndexSpaces.FunctionCount) throw Damaged("it was built from another module");
        return new InstrumentedModule(original, () => binary(hash), hash, size, pcMap, sites, layouts, memory, mode, exports) { FromDisk = true };
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

    /// <summary>The stack shapes, then the sites in blocks of <see cref="SiteTable.BlockSize"/>, each decodable alone:
    /// an index of each block's byte length and first location, then the blocks.</summary>
    private static void WriteSites(WasmWriter writer, SiteTable sites)
    {
        var all = sites.ToArray();
        var shapes = new Dictionary<ValType[], int>(ReferenceEqualityComparer.Instance);
        var shapeList = new List<ValType[]>();
        foreach (var site in all)
        {
            if (shapes.TryAdd(site.StackTypes, shapeList.Count)) shapeList.Add(site.StackTypes);
        }
        writer.U32(shapeList.Count);
        foreach (var shape in shapeList) WriteTypes(writer, shape);

        writer.U32(all.Length);
        var blocks = new List<WasmWriter>();
        for (int first = 0; first < all.Length; first += SiteTable.BlockSize)
        {
            var block = new WasmWriter();
            WriteBlock(block, all.AsSpan(first, Math.Min(SiteTable.BlockSize, all.Length - first)), first, shapes);
            writer.U32(block.Length);
            writer.U32(all[first].Function);
            writer.U32(all[first].Pc);
            blocks.Add(block);
        }
        foreach (var block in blocks) writer.Bytes(block);
    }

    private static void WriteBlock(WasmWriter writer, ReadOnlySpan<ProbeSite> sites, int firstId, Dictionary<ValType[], int> shapes)
    {
        var previous = BlockStart;
        for (int k = 0; k < sites.Length; k++)
        {
            var site = sites[k];
            int i = firstId + k;
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

    private static readonly ProbeSite BlockStart = new(0, 0, -1, 0, SiteKinds.None, [], 0);

    /// <summary>Reads the index of the sites; a block is decoded from <paramref name="reader"/>'s bytes (which the
    /// checksum covered) when the table first needs it.</summary>
    private static SiteTable ReadSites(WasmReader reader)
    {
        var shapes = new ValType[reader.ReadIndex()][];
        for (int i = 0; i < shapes.Length; i++) shapes[i] = ReadTypes(reader);

        int count = reader.ReadIndex();
        int blockCount = (count + SiteTable.BlockSize - 1) / SiteTable.BlockSize;
        var starts = new CodeLocation[blockCount];
        var lengths = new int[blockCount];
        for (int b = 0; b < blockCount; b++)
        {
            lengths[b] = reader.ReadIndex();
            starts[b] = new CodeLocation(reader.ReadIndex(), reader.ReadIndex());
        }
        var offsets = new int[blockCount];
        for (int b = 0; b < blockCount; b++) offsets[b] = reader.ReadBytesStart(lengths[b]);
        byte[] bytes = reader.Bytes;
        return new SiteTable(count, starts, b =>
        {
            int first = b * SiteTable.BlockSize;
            return ReadBlock(new WasmReader(bytes, offsets[b], offsets[b] + lengths[b]), first, Math.Min(SiteTable.BlockSize, count - first), shapes);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ProbeSite[] ReadBlock(WasmReader reader, int firstId, int count, ValType[][] shapes)
    {
        var sites = new ProbeSite[count];
        var previous = BlockStart;
        for (int k = 0; k < count; k++)
        {
            int i = firstId + k;
            var flags = (SiteFlags)reader.ReadByte();
            int function = flags.HasFlag(SiteFlags.SameFunction) ? previous.Function : previous.Function + reader.ReadS32();
            int instruction = flags.HasFlag(SiteFlags.NextInstruction) ? previous.InstructionIndex + 1 : reader.ReadS32();
            int pc = previous.Pc + reader.ReadS32();
            var stack = flags.HasFlag(SiteFlags.SameShape) ? previous.StackTypes : shapes[reader.ReadIndex()];
            int id = flags.HasFlag(SiteFlags.IdIsIndex) ? i : i + reader.ReadS32();
            int runStart = flags.HasFlag(SiteFlags.StartsRun) ? id : id - reader.ReadS32();
            previous = sites[k] = new ProbeSite(id, function, instruction, pc, (SiteKinds)(flags & SiteFlags.KindsMask), stack, runStart);
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
            writer.Byte((byte)((layout.WritesThrough ? 1 : 0) | (layout.ReturnsEarly ? 2 : 0)));
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
            byte flags = reader.ReadByte();
            layouts[f] = new FrameLayout(f, ReadTypes(reader), maxSpilledStack, (flags & 1) != 0) { ReturnsEarly = (flags & 2) != 0 };
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
