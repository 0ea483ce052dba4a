using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Analysis;

namespace WasmProbe.Debugging;

/// <summary>Changes a stop makes to the run: new values of the stopped frame's locals and stack, an early return, a
/// trap or a throw. Static builds only: their stops take the request (<see cref="ResumeCode"/>) when the guest resumes.</summary>
internal sealed partial class GuestRun
{
    private ResumeCode _resume;

    /// <summary>The original functions' stack analyses (which stack values a stop's block can change).</summary>
    public required Func<int, FunctionAnalysis> Analyses { get; init; }

    /// <param name="index">An existing local of the stopped function.</param>
    public void SetTopLocal(int index, WasmValue value)
    {
        var (record, layout) = ChangeableFrame(ResumeCode.Reload);
        CheckValue(value, layout.LocalTypes[index], $"local {index} of {_names.Function(record.Function)}");
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
        string function = _names.Function(record.Function);
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
        for (int k = 0; k < payload.Count; k++)
        {
            CheckValue(payload[k], type.Parameters[k], $"payload value {k} of {name}");
            Frames!.WriteStackSlot(CurrentFrame, k, payload[k]);
        }
        Guest.ThrowTag = tag;
        Request(ResumeCode.Throw);
    }

    /// <summary>Makes the guest trap (unreachable) at the stop when it resumes.</summary>
    public void ForceTrap()
    {
        ChangeableFrame(ResumeCode.Trap);
        Request(ResumeCode.Trap);
    }

    private (FrameReader.Record Record, FrameLayout Layout) ChangeableFrame(ResumeCode request)
    {
        if (_module.Mode != InstrumentationMode.Static)
            throw new NotSupportedException("changing a frame or its return needs a session in InstrumentationMode.Static (probe tests other than [StepFrom] use one): debug builds do not take values back at their stops");
        if (CurrentFrame < 0) throw new InvalidOperationException("the guest is not paused at an instruction");
        if (_linkedStop is { } linked) throw new NotSupportedException($"the stop is in the linked module {linked.Linked.Link}, whose frames cannot be changed (only the guest's can)");
        if (_resume > ResumeCode.Reload && (request != _resume || request == ResumeCode.Trap))
            throw new InvalidOperationException($"this stop already makes the function {_resume.ToString().ToLowerInvariant()} when the guest resumes");
        var record = Frames!.Read(CurrentFrame);
        return (record, _module.Layouts[record.Function]!);
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

    /// <summary>Hands the stop's request to the guest as it resumes.</summary>
    private void TakeRequest()
    {
        if (_resume == ResumeCode.Continue) return;
        Guest.Resume = _resume;
        _resume = ResumeCode.Continue;
    }
}
