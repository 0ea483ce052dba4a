using WasmProbe.Caching;
using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Caching;

/// <summary>Instrumented modules on disk (<see cref="InstrumentedModuleFormat"/>): a new process steps a guest without
/// instrumenting it again, and a damaged entry is rebuilt.</summary>
public sealed class InstrumentedModuleCacheTests : IDisposable
{
    private const int Steps = 400;

    private static readonly byte[] Sort = CGuest.Read("sort-O0.wasm");

    private readonly CacheFixture _fixture = new();

    private ModuleCache NewProcessCache() => new(new CacheSettings { Directory = _fixture.Directory });

    private string[] InstrumentedEntries() => Entries(StoredKind.InstrumentedModule);

    private string[] Entries(StoredKind kind) => Directory.GetFiles(_fixture.Directory, "*" + kind.Extension);

    private static DebugSession Session(ModuleCache cache, InstrumentationMode mode = InstrumentationMode.Debug, bool watchWrites = false) =>
        DebugSession.Create(Sort, new DebugSessionOptions
        {
            Entry = CGuest.Options.Entry, Host = CGuest.Options.Host, Mode = mode, Cache = cache, Coverage = false, WatchWrites = watchWrites,
        });

    /// <summary>Each stop of the first <see cref="Steps"/> steps: where, the top frame's locals and operand stack.</summary>
    private static (List<string> Trace, bool FromDisk) StepTrace(ModuleCache cache)
    {
        using var session = Session(cache);
        var trace = new List<string>();
        session.Run(stop =>
        {
            var frame = session.TopFrame!;
            trace.Add($"{stop.Location} [{string.Join(", ", frame.Locals)}] [{string.Join(", ", frame.Stack)}]");
            return trace.Count < Steps ? ResumeAction.StepInto : ResumeAction.RunToCompletion;
        }, ResumeAction.StepInto).ShouldBeOfType<FinishedStop>();
        return (trace, session.Instrumentation.FromDisk);
    }

    [Fact]
    public void A_new_process_steps_a_guest_from_the_stored_instrumentation_exactly_as_from_a_fresh_one()
    {
        var (built, builtFromDisk) = StepTrace(NewProcessCache());
        InstrumentedEntries().ShouldHaveSingleItem();

        var (loaded, loadedFromDisk) = StepTrace(NewProcessCache());

        builtFromDisk.ShouldBeFalse();
        loadedFromDisk.ShouldBeTrue();
        loaded.Count.ShouldBe(Steps);
        loaded.ShouldBe(built);
    }

    [Theory]
    [InlineData(InstrumentationMode.Debug, false)]
    [InlineData(InstrumentationMode.Static, true)]
    public void A_stored_instrumentation_reads_back_as_built(InstrumentationMode mode, bool watchWrites)
    {
        using var session = Session(NewProcessCache(), mode, watchWrites);
        var built = session.Instrumentation;

        var read = InstrumentedModuleFormat.Read(InstrumentedModuleFormat.Write(built), built.Original, hash => hash == built.BytesHash ? built.Bytes : []);

        (read.BytesHash, read.Size).ShouldBe((built.BytesHash, built.Bytes.Length));
        read.Bytes.ShouldBe(built.Bytes);
        read.Mode.ShouldBe(mode);
        read.Sites.ToArray().Select(Describe).ShouldBe(built.Sites.ToArray().Select(Describe));
        DistinctShapes(read).ShouldBe(DistinctShapes(built), "sites share their stack shapes as built");
        foreach (var site in built.Sites.ToArray()) Describe(read.SiteAt(new(site.Function, site.Pc))!.Value).ShouldBe(Describe(site));
        read.SiteAt(new(0, -1)).ShouldBeNull();
        read.Layouts.Select(Describe).ShouldBe(built.Layouts.Select(Describe));
        (read.Memory.SiteCount, read.Memory.FunctionCount).ShouldBe((built.Memory.SiteCount, built.Memory.FunctionCount));
        read.PcMap.Count.ShouldBe(built.PcMap.Count);
        for (int pc = 0; pc < built.Bytes.Length; pc += 7) read.PcMap.ToOriginal(pc).ShouldBe(built.PcMap.ToOriginal(pc));
        Describe(read.Exports).ShouldBe(Describe(built.Exports));
    }

    public static TheoryData<string> Damages => ["truncated", "metadata byte flipped", "last byte flipped", "garbage"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_entry_is_instrumented_again_and_replaced(string damage)
    {
        var (built, _) = StepTrace(NewProcessCache());
        string entry = InstrumentedEntries().ShouldHaveSingleItem();
        byte[] good = File.ReadAllBytes(entry);
        byte[] bad = [.. good];
        switch (damage)
        {
            case "truncated": bad = good[..(good.Length * 2 / 3)]; break;
            case "metadata byte flipped": bad[40] ^= 0x10; break;
            case "last byte flipped": bad[^(DiskStore.TrailerLength + 1)] ^= 0x10; break;
            default: bad = [.. Enumerable.Range(0, good.Length - DiskStore.TrailerLength).Select(i => (byte)(i * 31)), .. good[^DiskStore.TrailerLength..]]; break;
        }
        File.WriteAllBytes(entry, bad);

        var (again, fromDisk) = StepTrace(NewProcessCache());

        fromDisk.ShouldBeFalse();
        again.ShouldBe(built);
        File.ReadAllBytes(InstrumentedEntries().ShouldHaveSingleItem()).ShouldBe(good);
        StepTrace(NewProcessCache()).FromDisk.ShouldBeTrue();
    }

    [Fact]
    public void A_process_that_finds_the_compiled_code_never_reads_the_instrumented_binary()
    {
        var (built, _) = StepTrace(NewProcessCache());
        File.Delete(Entries(StoredKind.InstrumentedBinary).ShouldHaveSingleItem());

        var (loaded, fromDisk) = StepTrace(NewProcessCache());

        fromDisk.ShouldBeTrue();
        loaded.ShouldBe(built);
        Entries(StoredKind.InstrumentedBinary).ShouldBeEmpty("the binary was not needed, so it was neither read nor built again");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_missing_or_damaged_binary_is_built_again_when_the_compiled_code_is_gone(bool damaged)
    {
        var (built, _) = StepTrace(NewProcessCache());
        string binary = Entries(StoredKind.InstrumentedBinary).ShouldHaveSingleItem();
        byte[] good = File.ReadAllBytes(binary);
        if (damaged)
        {
            byte[] bad = [.. good];
            bad[^100] ^= 0x10;
            File.WriteAllBytes(binary, bad);
        }
        else
        {
            File.Delete(binary);
        }
        foreach (string compiled in Entries(StoredKind.CompiledCode)) File.Delete(compiled);

        var (again, fromDisk) = StepTrace(NewProcessCache());

        fromDisk.ShouldBeTrue("the metadata was sound, only the binary had to be built");
        again.ShouldBe(built);
        File.ReadAllBytes(binary).ShouldBe(good);
    }

    [Fact]
    public void Each_instrumentation_of_a_module_is_stored_under_its_own_key()
    {
        var cache = NewProcessCache();
        using (var debug = Session(cache)) _ = debug.Instrumentation;
        using (var plain = Session(cache, InstrumentationMode.Static)) _ = plain.Instrumentation;
        using (var watching = Session(cache, InstrumentationMode.Static, watchWrites: true)) _ = watching.Instrumentation;

        InstrumentedEntries().Length.ShouldBe(3);
        using var again = Session(NewProcessCache(), InstrumentationMode.Static, watchWrites: true);
        again.Instrumentation.FromDisk.ShouldBeTrue();
        again.Instrumentation.Exports.WatchesWrites.ShouldBeTrue();
    }

    private static string Describe(ProbeSite site) =>
        $"{site.Id} {site.Function} {site.InstructionIndex} {site.Pc} {site.Kinds} {site.RunStart} [{string.Join(" ", site.StackTypes)}]";

    private static int DistinctShapes(InstrumentedModule module) =>
        module.Sites.ToArray().Select(s => s.StackTypes).Distinct(ReferenceEqualityComparer.Instance).Count();

    private static string Describe(FrameLayout? layout) => layout is null ? "-"
        : $"{layout.Function} {layout.MaxSpilledStack} {layout.WritesThrough} {layout.Size} [{string.Join(" ", layout.LocalTypes)}] [{string.Join(" ", layout.LocalOffsets)}]";

    private static string Describe(ExportNames e) => string.Join("|",
        e.DebugMemory, e.Armed, e.StepLimit, e.FrameTop, e.StackPointer, e.Resume, e.Backtrace, string.Join(",", e.Globals), string.Join(",", e.Memories),
        string.Join(",", e.Tables), string.Join(",", e.WatchWindows), e.WatchesWrites, string.Join(",", e.GlobalWatchFlags));

    public void Dispose() => _fixture.Dispose();
}
