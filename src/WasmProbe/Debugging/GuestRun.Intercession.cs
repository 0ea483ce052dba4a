using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Debugging;

/// <summary>Changes a stop makes to the run: new values of the stopped frame's locals and stack, an early return, a
/// trap or a throw. Static stops take every request (<see cref="ResumeCode"/>) when the guest resumes; debug stops
/// a throw or an early return (their probe helpers check for them); a trap is the host's own in both, which ends the
/// run from the stop.</summary>
internal sealed partial class GuestRun
{
    private ResumeCode _resume;

    /// <summary>The guest returns or throws from the probe it waits in as it resumes: no later instruction of its run,
    /// nor the throw at its site, is reached.</summary>
    private bool _leavesProbe;

    /// <summary>The tag and payload of a pending throw request, written to the frame as the guest resumes (until then
    /// the frame shows its own values).</summary>
    private (int Tag, WasmValue[] Payload)? _thrown;

    /// <summary>The original functions' stack analyses (which stack values a stop's block can change).</summary>
    public required Func<int, FunctionAnalysis> Analyses { get; init; }

    /// <param name="index">An existing local of the stopped function.</param>
    public void SetTopLocal(int index, WasmValue value)
    {
        var (record, layout) = ChangeableFrame(ResumeCode.Reload);
        CheckValue(value, layout.LocalTypes[index], $"local {index} of {_guest.Names.Function(record.Function)}");
        Frames!.WriteLocal(CurrentFrame, layout, index, value);
        Request(ResumeCode.Reload);
    }

    /// <param name="slot">An existing slot, 0 = the bottom of the stack, as <see cref="TopStackSlot"/>.</param>
    public void SetTopStackSlot(int slot, WasmValue value)
    {
        var (record, _) = ChangeableFrame(ResumeCode.Reload);
        var site = _module.Sites[record.Site];
        int blockBase = Math.Min(Analyses(site.Function).BlockBase(site.InstructionIndex), site.StackTypes.Length);
        if (slot < blockBase)
            throw new NotSupportedException($"stack slot {slot} belongs to a block around this stop (its values start at slot {blockBase}); only the stop's own block's values can be changed");
        CheckValue(value, site.StackTypes[slot], $"stack slot {slot}");
        Frames!.WriteStackSlot(CurrentFrame, slot, value);
        Request(ResumeCode.Reload);
    }

    /// <summary>Makes the stopped function return <paramref name="results"/> (as many as it returns) to its caller when the guest resumes,
    /// without running the rest of it; a later call at the same stop replaces them.</summary>
    public void ForceReturn(IReadOnlyList<WasmValue> results)
    {
        var (record, _) = ChangeableFrame(ResumeCode.Return);
        var type = _module.Original.IndexSpaces.FunctionTypeOfFunction(record.Function);
        string function = _guest.Names.Function(record.Function);
        if (!FrameLayout.CanForceReturn(type))
            throw new NotSupportedException($"{function} returns {type}: references cannot be made up by the host, so it cannot be made to return early");
        for (int k = 0; k < results.Count; k++)
        {
            CheckValue(results[k], type.Results[k], $"result {k} of {function}");
            Frames!.WriteStackSlot(CurrentFrame, k, results[k]);
        }
        Request(ResumeCode.Return);
    }

    /// <summary>Makes the guest throw an exception of <paramref name="tag"/> with <paramref name="payload"/> (as many
    /// values as the tag takes) at the stop when it resumes; a later call at the same stop replaces it.</summary>
    public void ForceThrow(int tag, IReadOnlyList<WasmValue> payload)
    {
        ChangeableFrame(ResumeCode.Throw);
        var type = _module.Original.IndexSpaces.TagFunctionType(tag);
        string name = _module.Original.Names.Tag(tag) ?? "tag " + tag;
        if (!ForcedThrow.CanThrow(type))
            throw new NotSupportedException($"{name} carries {type.Parameters.Length} values ({string.Join(", ", type.Parameters)}): references cannot be made up by the host, so it cannot be thrown from a stop");
        for (int k = 0; k < payload.Count; k++) CheckValue(payload[k], type.Parameters[k], $"payload value {k} of {name}");
        CheckReplayedThrow(tag);
        _thrown = (tag, [.. payload]);
        Request(ResumeCode.Throw);
    }

    /// <summary>A debug build's replayed stop throws from the start of its run, where the guest waits: the replayed
    /// instructions change nothing outside the frame, so only a <c>try_table</c> of this very function could tell,
    /// by reading a local they changed.</summary>
    private void CheckReplayedThrow(int tag)
    {
        if (_replayed is not { } replayed || !ExceptionHandlers.Catches(_module.Original, replayed.Function, replayed.InstructionIndex, tag)) return;
        var atStart = Frames!.ToFrame(CurrentFrame, Frames.Read(CurrentFrame)).Locals;
        if (atStart.SequenceEqual(_replayer!.Locals)) return;
        int start = _module.Sites[replayed.RunStart].Pc;
        throw new InvalidOperationException(
            $"a try_table of {_guest.Names.Function(replayed.Function)} catches this throw, and the instructions between pc 0x{start:x} and this stop at pc 0x{replayed.Pc:x} "
            + $"(a straight-line run the debugger replays while the guest waits at its start) changed locals its handler may read; the throw would leave from pc 0x{start:x} "
            + $"without those changes. Throw at pc 0x{start:x}, or use a session in InstrumentationMode.Static");
    }

    /// <summary>At a static stop before a <c>br_on_cast</c>/<c>br_on_cast_fail</c> to the function's own label: whether
    /// the top reference matches the cast's target type, which the stop's frame writer tested.</summary>
    public bool TopCastMatches()
    {
        if (_module.Mode != InstrumentationMode.Static || _linkedStop is not null || _replayed is not null)
            throw new NotSupportedException("only a static build's stop tests a reference against a cast's target type");
        var record = Frames!.Read(CurrentFrame);
        return Frames.ReadCastMatch(CurrentFrame, _module.Sites[record.Site].StackTypes.Length - 1);
    }

    /// <summary>Makes the run end with an unreachable trap at the stop when the guest resumes (also at a stop in a
    /// linked module: the host ends the run, no frame changes).</summary>
    public void ForceTrap()
    {
        if (_linkedStop is null) ChangeableFrame(ResumeCode.Trap);
        else CheckRequest(ResumeCode.Trap);
        Request(ResumeCode.Trap);
    }

    private (FrameReader.Record Record, FrameLayout Layout) ChangeableFrame(ResumeCode request)
    {
        if (_linkedStop is { } linked) throw new NotSupportedException($"the stop is in the linked module {linked.Linked.Link}, whose frames cannot be changed (only the guest's can; it can be made to trap)");
        CheckRequest(request);
        if (_module.Mode == InstrumentationMode.Debug && request == ResumeCode.Reload)
            throw new NotSupportedException("changing locals or stack values needs a session in InstrumentationMode.Static (probe tests other than [StepFrom] use one):"
                + " a debug build keeps them in the guest's own locals and stack, and taking them back at its stops would cost code at every instruction."
                + " Debug sessions can return early, trap, throw and change globals and memory");
        var record = Frames!.Read(CurrentFrame);
        var layout = _module.Layouts[record.Function]!;
        if (_module.Mode == InstrumentationMode.Debug && request == ResumeCode.Return) CheckEarlyReturn(_module.Sites[record.Site], layout);
        return (record, layout);
    }

    /// <summary>A debug build returns early by throwing from the site where the guest waits (<see cref="EarlyReturn"/>):
    /// a <c>catch_all</c> of the function around it would take the exception instead.</summary>
    private void CheckEarlyReturn(ProbeSite waiting, FrameLayout layout)
    {
        string function = _guest.Names.Function(waiting.Function);
        if (!layout.ReturnsEarly && FrameLayout.CanForceReturn(_module.Original.IndexSpaces.FunctionTypeOfFunction(waiting.Function)))
            throw new NotSupportedException(!EarlyReturn.Wraps(Analyses(waiting.Function))
                ? $"{function} uses legacy exception handling (try), which a debug build cannot return early from; use a session in InstrumentationMode.Static"
                : "making a function return early in a debug session needs a build for it: DebugSessionOptions.EarlyReturns = true ([StepFrom(..., EarlyReturns = true)] in probe tests), or a session in InstrumentationMode.Static");
        if (ExceptionHandlers.Catches(_module.Original, waiting.Function, waiting.InstructionIndex, tag: null))
            throw new NotSupportedException($"a try_table of {function} with catch_all encloses pc 0x{waiting.Pc:x} and would catch the early return (a debug build returns "
                + "early by throwing out of the function's body); return at a stop outside it, or use a session in InstrumentationMode.Static");
    }

    /// <summary>The guest is paused at an instruction, and no other early ending is asked for already.</summary>
    private void CheckRequest(ResumeCode request)
    {
        if (CurrentFrame < 0) throw new InvalidOperationException("the guest is not paused at an instruction");
        if (_resume > ResumeCode.Reload && (request != _resume || request == ResumeCode.Trap))
            throw new InvalidOperationException($"this stop already makes the function {_resume.ToString().ToLowerInvariant()} when the guest resumes");
    }

    private static void CheckValue(WasmValue value, ValType type, string what)
    {
        if (!FrameLayout.IsSettable(type)) throw new NotSupportedException($"{what} is {type}: references cannot be set by the host");
        if (value.Type != type) throw new ArgumentException($"{what} is {type}, not {value.Type} ({value.FormatValue()})", nameof(value));
    }

    private void Request(ResumeCode code)
    {
        if (code > _resume) _resume = code;
    }

    /// <summary>Hands the stop's request to the guest as it resumes; a trap ends the run here instead, with the stop's
    /// frames.</summary>
    private void TakeRequest()
    {
        if (_resume == ResumeCode.Continue) return;
        var request = _resume;
        _resume = ResumeCode.Continue;
        if (request == ResumeCode.Trap) throw new ForcedTrapException(ForcedTrapFrames());
        _leavesProbe = request is ResumeCode.Return or ResumeCode.Throw;
        // The stops replayed since the guest's probe stored what the guest has not: it leaves from there, before those stores.
        if (_leavesProbe) _replayer?.MakeStores();
        if (_thrown is var (tag, payload))
        {
            for (int k = 0; k < payload.Length; k++) Frames!.WriteStackSlot(CurrentFrame, k, payload[k]);
            Guest.ThrowTag = tag;
            _thrown = null;
        }
        Guest.Resume = request;
    }

    private List<StackFrame> ForcedTrapFrames()
    {
        var frames = StopFrames();
        foreach (var frame in frames.Where(f => f.Module is null))
        {
            frame.Sources = Sources;
            frame.Guest = View;
        }
        return frames;
    }

    /// <summary>A forced throw, shown as an exception stop as a <c>throw</c> at the stop would be, when the session
    /// stops at such exceptions; null otherwise.</summary>
    private ExceptionStop? ForcedThrowStop(ResumeAction action)
    {
        if (_thrown is not var (tag, payload) || _exceptionStops == ExceptionStops.None || _runToCompletion || action == ResumeAction.RunToCompletion) return null;
        var record = Frames!.Read(CurrentFrame);
        var site = _replayed ?? _module.Sites[record.Site];
        var stop = new ExceptionStop(new CodeLocation(site.Function, site.Pc), tag, payload, CaughtAlongChain(_guest, site, CurrentFrame, tag));
        return _exceptionStops == ExceptionStops.All || stop.Caught != true ? stop : null;
    }

    /// <summary>Thrown from a stop to end the run with a forced trap; the frames are the stop's.</summary>
    private sealed class ForcedTrapException(IReadOnlyList<StackFrame> frames) : Exception("wasm `unreachable` instruction executed (forced at the stop)")
    {
        public IReadOnlyList<StackFrame> Frames { get; } = frames;
    }
}
