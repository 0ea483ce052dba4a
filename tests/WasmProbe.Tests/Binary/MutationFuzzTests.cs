using System.Diagnostics;
using WasmProbe.Tests.Corpus;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;

namespace WasmProbe.Tests.Binary;

/// <summary>Deterministic mutation fuzzing of the binary reader/writer. Every mutant of a valid corpus module must
/// either decode (and then re-encode byte for byte, and the output decode again) or be rejected with
/// <see cref="WasmFormatException"/>;
/// any other exception (IndexOutOfRange, Overflow, InvalidCast, OutOfMemory, ...) or a mutant that never finishes (a
/// hang) is a bug. Each failure names the file and the seed, and <see cref="Mutate"/> with that seed
/// reproduces the mutant exactly.</summary>
public class MutationFuzzTests
{
    private const int FileCount = 200;
    private const int LargestFileCount = 5;
    private const int MutantsPerFile = 20;
    private const int MaxReportedFailures = 25;

    /// <summary>A hang guard, not a performance bound: the largest corpus module decodes in well under a millisecond, so
    /// only an endless loop (or a superlinear blow-up on a crafted input) comes near it, however loaded the machine.</summary>
    private static readonly TimeSpan PerMutantLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Mutated_corpus_modules_decode_and_re_encode_or_fail_with_a_format_exception()
    {
        var files = PickFiles();
        var failures = new List<string>();
        var progress = new Progress();
        var cancellation = TestContext.Current.CancellationToken;

        // The mutants run on a dedicated thread so that this one can notice a mutant that never finishes (an endless
        // loop) instead of hanging the test run; a finished mutant over the limit is caught by its own stopwatch.
        var worker = Task.Factory.StartNew(() => RunAll(files, failures, progress), cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        while (!worker.IsCompleted)
        {
            await Task.WhenAny(worker, Task.Delay(TimeSpan.FromMilliseconds(50), cancellation));
            if (progress.Current is { } current && Stopwatch.GetElapsedTime(current.StartedAt) > PerMutantLimit)
                Assert.Fail($"mutant still running after {PerMutantLimit.TotalSeconds:0} s (endless loop?): {current.Describe()}");
        }
        await worker;

        progress.Mutants.ShouldBeGreaterThanOrEqualTo(FileCount * MutantsPerFile);
        if (failures.Count > 0)
        {
            Assert.Fail($"{failures.Count} of {progress.Mutants} mutants failed (first {Math.Min(failures.Count, MaxReportedFailures)} shown; "
                + "reproduce with MutationFuzzTests.Mutate(original bytes, seed)):\n"
                + string.Join("\n", failures.Take(MaxReportedFailures)));
        }
    }

    [Fact]
    public void Mutation_is_deterministic_for_a_seed()
    {
        var bytes = CorpusFiles.ReadValid(Path.GetFileName(PickFiles()[0]));
        for (int seed = 0; seed < 50; seed++)
        {
            var (first, firstDescription) = Mutate(bytes, seed);
            var (second, secondDescription) = Mutate(bytes, seed);
            second.ShouldBe(first);
            secondDescription.ShouldBe(firstDescription);
        }
    }

    /// <summary>Crafted worst cases that random mutation of small corpus modules cannot reach: each must decode, encode
    /// back byte for byte and do both within the hang guard. They are large enough that a quadratic stage cannot hide
    /// under it: "custom-sections" was quadratic in the encoder (200 000 empty custom sections took about 6 s, so the
    /// 2 000 000 here would take about 10 minutes).</summary>
    [Theory]
    [InlineData("custom-sections")]
    [InlineData("nested-blocks")]
    [InlineData("huge-local-count")]
    [InlineData("long-br-table")]
    public async Task Crafted_worst_case_module_round_trips_within_the_hang_guard(string shape)
    {
        var bytes = Crafted(shape);
        var cancellation = TestContext.Current.CancellationToken;
        var work = Task.Factory.StartNew(() => ModuleEncoder.Encode(ModuleDecoder.Decode(bytes)), cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAny(work, Task.Delay(PerMutantLimit, cancellation));
        if (!work.IsCompleted) Assert.Fail($"{shape} ({bytes.Length} bytes) still decoding/encoding after {PerMutantLimit.TotalSeconds:0} s");
        var encoded = await work;
        encoded.ShouldBe(bytes);
    }

    private static byte[] Crafted(string shape)
    {
        var w = new WasmWriter();
        w.Bytes([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]);
        if (shape == "custom-sections")
        {
            for (int i = 0; i < 2_000_000; i++) w.Bytes([0x00, 0x01, 0x00]); // custom section, size 1, empty name
            return w.ToArray();
        }

        var body = new WasmWriter();
        switch (shape)
        {
            case "nested-blocks":
                body.U32(0);
                for (int i = 0; i < 100_000; i++) body.Bytes([0x02, 0x40]); // block (empty)
                for (int i = 0; i < 100_000; i++) body.Byte(0x0B);
                break;
            case "huge-local-count":
                body.U32(1);
                body.U32(uint.MaxValue); // 2^32 - 1 locals of type i32: legal to decode, must not allocate per local
                body.Byte(0x7F);
                break;
            case "long-br-table":
                body.U32(0);
                body.Bytes([0x02, 0x40, 0x41, 0x00, 0x0E]); // block, i32.const 0, br_table
                body.U32(100_000);
                for (int i = 0; i < 100_000; i++) body.U32(i % 2);
                body.U32(0);
                body.Byte(0x0B);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, null);
        }
        body.Byte(0x0B);

        var section = new WasmWriter();
        section.Bytes([0x01, 0x60, 0x00, 0x00]); // one type: [] -> []
        Section(w, 1, section);
        section.Bytes([0x01, 0x00]); // one function of type 0
        Section(w, 3, section);
        section.U32(1);
        section.Sized(body);
        Section(w, 10, section);
        return w.ToArray();
    }

    private static void Section(WasmWriter module, byte id, WasmWriter payload)
    {
        module.Byte(id);
        module.Sized(payload);
        payload.Clear();
    }

    private static void RunAll(IReadOnlyList<string> files, List<string> failures, Progress progress)
    {
        foreach (var path in files)
        {
            var name = Path.GetFileName(path);
            var original = File.ReadAllBytes(path);
            int fileSeed = StableHash(name);
            for (int i = 0; i < MutantsPerFile; i++)
            {
                int seed = fileSeed ^ (i * 0x2F0B3A49);
                var (mutant, mutation) = Mutate(original, seed);
                var current = new Mutant(name, seed, mutation, Stopwatch.GetTimestamp());
                progress.Current = current;
                string? problem = Check(mutant);
                progress.Current = null;
                progress.Mutants++;
                if (problem is not null) failures.Add($"{current.Describe()}: {problem}");
            }
        }
    }

    /// <summary>Null if the mutant behaves; otherwise what went wrong.</summary>
    private static string? Check(byte[] mutant)
    {
        string stage = "decode";
        try
        {
            Wasm.Model.Module module;
            try
            {
                module = ModuleDecoder.Decode(mutant);
            }
            catch (WasmFormatException e)
            {
                if (e.Offset < 0 || e.Offset > mutant.Length) return $"WasmFormatException offset {e.Offset} outside the {mutant.Length}-byte input: {e.Message}";
                return null;
            }
            stage = "encode of the decoded mutant";
            var encoded = ModuleEncoder.Encode(module);
            // The encoder's contract: decode-then-encode reproduces any input byte for byte.
            if (!encoded.AsSpan().SequenceEqual(mutant))
                return $"decoded, but re-encoding gave {encoded.Length} bytes that differ from the {mutant.Length}-byte mutant";
            stage = "decode of the re-encoded mutant";
            ModuleDecoder.Decode(encoded);
            return null;
        }
        catch (Exception e)
        {
            var frame = e.StackTrace?.Split('\n').FirstOrDefault()?.Trim();
            return $"{stage} threw {e.GetType().Name}: {e.Message} [{frame}]";
        }
    }

    /// <summary>About <see cref="FileCount"/> valid modules spread evenly over the (name-ordered) corpus, plus the
    /// largest ones.</summary>
    private static IReadOnlyList<string> PickFiles()
    {
        var all = CorpusFiles.Valid;
        int step = Math.Max(1, all.Count / FileCount);
        var picked = new SortedSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < all.Count && picked.Count < FileCount; i += step) picked.Add(all[i]);
        foreach (var largest in all.OrderByDescending(f => new FileInfo(f).Length).ThenBy(f => f, StringComparer.Ordinal).Take(LargestFileCount))
            picked.Add(largest);
        return picked.ToArray();
    }

    private enum MutationKind
    {
        FlipBits,
        OverwriteRandom,
        OverwriteZero,
        OverwriteFF,
        Overwrite80,
        InsertByte,
        DeleteByte,
        Truncate,
        DuplicateChunk,
        HugeLeb,
    }

    /// <summary>Huge u32 LEB128s: 0xFFFFFFFF, 2^31 and int.MaxValue (the boundaries where counts stop fitting an int).</summary>
    private static readonly byte[][] HugeLebs =
    [
        [0xFF, 0xFF, 0xFF, 0xFF, 0x0F],
        [0x80, 0x80, 0x80, 0x80, 0x08],
        [0xFF, 0xFF, 0xFF, 0xFF, 0x07],
    ];

    /// <summary>One deterministic mutant of <paramref name="original"/> for <paramref name="seed"/>, and what was done.
    /// Positions stay out of the 8-byte header (except truncation), since a broken header only tests one check.</summary>
    public static (byte[] Mutant, string Mutation) Mutate(byte[] original, int seed)
    {
        var random = new Random(seed);
        var bytes = new List<byte>(original);
        var kind = (MutationKind)random.Next(Enum.GetValues<MutationKind>().Length);
        if (bytes.Count == 0) kind = MutationKind.InsertByte;
        int Position() => bytes.Count <= 8 ? random.Next(bytes.Count) : random.Next(8, bytes.Count);
        string description;
        switch (kind)
        {
            case MutationKind.FlipBits:
            {
                int flips = random.Next(1, 5);
                var parts = new List<string>();
                for (int i = 0; i < flips; i++)
                {
                    int at = Position();
                    int bit = random.Next(8);
                    bytes[at] ^= (byte)(1 << bit);
                    parts.Add($"bit {bit} at 0x{at:x}");
                }
                description = "flip " + string.Join(", ", parts);
                break;
            }
            case MutationKind.OverwriteRandom:
            case MutationKind.OverwriteZero:
            case MutationKind.OverwriteFF:
            case MutationKind.Overwrite80:
            {
                int at = Position();
                byte value = kind switch
                {
                    MutationKind.OverwriteZero => 0x00,
                    MutationKind.OverwriteFF => 0xFF,
                    MutationKind.Overwrite80 => 0x80,
                    _ => (byte)random.Next(256),
                };
                description = $"overwrite byte at 0x{at:x} (0x{bytes[at]:x2} -> 0x{value:x2})";
                bytes[at] = value;
                break;
            }
            case MutationKind.InsertByte:
            {
                int at = bytes.Count <= 8 ? random.Next(bytes.Count + 1) : random.Next(8, bytes.Count + 1);
                byte value = (byte)random.Next(256);
                bytes.Insert(at, value);
                description = $"insert 0x{value:x2} at 0x{at:x}";
                break;
            }
            case MutationKind.DeleteByte:
            {
                int at = Position();
                description = $"delete byte 0x{bytes[at]:x2} at 0x{at:x}";
                bytes.RemoveAt(at);
                break;
            }
            case MutationKind.Truncate:
            {
                int length = random.Next(bytes.Count);
                bytes.RemoveRange(length, bytes.Count - length);
                description = $"truncate to {length} bytes";
                break;
            }
            case MutationKind.DuplicateChunk:
            {
                int at = Position();
                int length = Math.Min(random.Next(1, 65), bytes.Count - at);
                int target = random.Next(2) == 0 ? at + length : random.Next(Math.Min(8, bytes.Count), bytes.Count + 1);
                var chunk = bytes.GetRange(at, length);
                bytes.InsertRange(target, chunk);
                description = $"duplicate {length} bytes from 0x{at:x} at 0x{target:x}";
                break;
            }
            case MutationKind.HugeLeb:
            {
                // Half of the time a LEB the module structure says is a size or count, else whatever starts anywhere.
                var structural = StructuralLebOffsets(original);
                bool useStructural = structural.Count > 0 && random.Next(2) == 0;
                int at = useStructural ? structural[random.Next(structural.Count)] : Position();
                int length = 1;
                while (length < 5 && at + length - 1 < bytes.Count && (bytes[at + length - 1] & 0x80) != 0) length++;
                length = Math.Min(length, bytes.Count - at);
                var huge = HugeLebs[random.Next(HugeLebs.Length)];
                bytes.RemoveRange(at, length);
                bytes.InsertRange(at, huge);
                description = $"replace the {length}-byte LEB at 0x{at:x}{(useStructural ? " (a size or count)" : "")} with {Convert.ToHexString(huge)}";
                break;
            }
            default:
                throw new InvalidOperationException(kind.ToString());
        }
        return (bytes.ToArray(), $"{kind}: {description}");
    }

    /// <summary>Offsets of the section size fields, of the first LEB of each section payload (its vector count), and,
    /// in the code section, of each body's size and local-group count. Stops quietly at anything unexpected.</summary>
    private static List<int> StructuralLebOffsets(byte[] bytes)
    {
        var offsets = new List<int>();
        var r = new WasmReader(bytes);
        try
        {
            r.Position = 8;
            while (!r.AtEnd)
            {
                byte id = r.ReadByte();
                offsets.Add(r.Position);
                int size = r.ReadCount();
                int end = r.Position + size;
                if (size > 0) offsets.Add(r.Position);
                if (id == 10 && size > 0)
                {
                    var code = new WasmReader(bytes, r.Position, end);
                    int bodies = code.ReadCount();
                    for (int i = 0; i < bodies; i++)
                    {
                        offsets.Add(code.Position);
                        int bodySize = code.ReadCount();
                        offsets.Add(code.Position);
                        code.Position += bodySize;
                    }
                }
                r.Position = end;
            }
        }
        catch (WasmFormatException)
        {
        }
        offsets.RemoveAll(offset => offset >= bytes.Length);
        return offsets;
    }

    /// <summary>FNV-1a, so that seeds do not change between runs (string.GetHashCode is randomized per process).</summary>
    private static int StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text) hash = (hash ^ c) * 16777619;
        return (int)hash;
    }

    private sealed record Mutant(string File, int Seed, string Mutation, long StartedAt)
    {
        public string Describe() => $"{File} seed {Seed} ({Mutation})";
    }

    private sealed class Progress
    {
        private volatile Mutant? _current;
        public Mutant? Current { get => _current; set => _current = value; }
        public int Mutants { get; set; }
    }
}
