namespace WasmProbe.Instrumentation;

[Flags]
public enum SiteKinds : byte
{
    None = 0,
    /// <summary>The guest calls the host before the instruction (a breakpoint or step can stop here).</summary>
    Probe = 1,
    /// <summary>A call instruction: its frame records the site so parent frames know their pc.</summary>
    Call = 2,
    /// <summary>throw / throw_ref: the host is always told, to report exception events.</summary>
    Throw = 4,
}

/// <summary>An instrumented instruction of the original module, identified in the guest by <see cref="Id"/>. A struct:
/// a debug build has one per instruction (millions on a large module), kept in one array.</summary>
/// <param name="RunStart">Debug builds: the site whose probe answers for this one. A site inside a straight-line run of
/// replayable instructions has no probe of its own; the host replays the run from its start (itself otherwise).</param>
public readonly record struct ProbeSite(int Id, int Function, int InstructionIndex, int Pc, SiteKinds Kinds, ValType[] StackTypes, int RunStart)
{
    public bool IsReplayed => RunStart != Id;
}
