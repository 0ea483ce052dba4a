using WasmProbe.Inspection;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Debugging;

/// <summary>Changing the run at a stop: the innermost frame's locals and its block's stack values, an early return
/// with chosen results (these three in static sessions, <see cref="Instrumentation.InstrumentationMode.Static"/>, only),
/// a trap, a thrown exception. Changes take
/// effect when the guest resumes; values are converted as <see cref="WasmValue.From"/> converts (a
/// <see cref="WasmValue"/> must have the exact type). References cannot be set.</summary>
public sealed partial class DebugSession
{
    /// <summary>Sets local <paramref name="index"/> (parameters first) of the innermost frame.</summary>
    public void SetLocal(int index, object? value)
    {
        var run = PausedAtInstruction();
        var function = TopFunction();
        var types = Analysis(function).Locals;
        if ((ulong)index >= (ulong)types.Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"local {index} does not exist: {Module.Names.FunctionOrIndex(function)} has {types.Count} locals");
        run.SetTopLocal(index, WasmValue.From(value, types[index]));
    }

    /// <summary>Sets a local of the innermost frame by name, resolved as <see cref="Local(string)"/> resolves it.</summary>
    public void SetLocal(string name, object? value)
    {
        int function = TopFunction();
        SetLocal(LocalResolver.Resolve(Module, function, Analysis(function).Locals, name).ValueOrThrow(nameof(name)), value);
    }

    /// <summary>Sets a value of the innermost frame's operand stack (slot 0 is the bottom, as in <see cref="StackSlot"/>).
    /// Only the values of the stop's own block can change (those below it are restored when the block ends).</summary>
    public void SetStackSlot(int slot, object? value)
    {
        var run = PausedAtInstruction();
        var stack = run.TopFrame().Stack;
        if ((uint)slot >= (uint)stack.Count)
            throw new ArgumentOutOfRangeException(nameof(slot), $"stack slot {slot} does not exist: the operand stack holds {stack.Count} values here");
        run.SetTopStackSlot(slot, WasmValue.From(value, stack[slot].Type));
    }

    /// <summary>Makes the innermost function return <paramref name="results"/> to its caller as soon as the guest
    /// resumes, without running the rest of it (fault injection: a <c>malloc</c> that returns 0). Their number and
    /// types must be the function's results.</summary>
    public void ForceReturn(params object?[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var run = PausedAtInstruction();
        int function = TopFunction();
        var type = FunctionType(function);
        if (results.Length != type.Results.Length)
            throw new ArgumentException($"{Module.Names.FunctionOrIndex(function)} returns {type.Results.Length} {(type.Results.Length == 1 ? "value" : "values")} ({type}), not {results.Length}", nameof(results));
        run.ForceReturn([.. results.Select((r, k) => WasmValue.From(r, type.Results[k]))]);
    }

    /// <summary>Makes the guest throw an exception of <paramref name="tag"/> (named as the name section or an export
    /// names it, or <c>tagN</c>) at this stop as soon as it resumes, as a <c>throw</c> there would: a <c>try_table</c>
    /// around the stop or in a caller catches it, else the run ends with an <c>uncaught_exception</c> trap. The payload
    /// must be the tag's values (converted as <see cref="WasmValue.From"/> converts).</summary>
    public void ForceThrow(string tag, params object?[] payload) => ForceThrow(TagResolver.Resolve(Module, tag), payload);

    /// <summary>As <see cref="ForceThrow(string, object?[])"/>, the tag by index (imports first).</summary>
    public void ForceThrow(int tag, params object?[] payload) => ForceThrow(TagResolver.Resolve(Module, tag), payload);

    private void ForceThrow(Resolution<int> tag, object?[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var run = PausedAtInstruction();
        int index = tag.ValueOrThrow(nameof(tag));
        var type = TagType(index);
        if (payload.Length != type.Parameters.Length)
            throw new ArgumentException($"{Module.Names.Tag(index) ?? "tag " + index} carries {type.Parameters.Length} {(type.Parameters.Length == 1 ? "value" : "values")} ({string.Join(", ", type.Parameters)}), not {payload.Length}", nameof(payload));
        run.ForceThrow(index, [.. payload.Select((p, k) => WasmValue.From(p, type.Parameters[k]))]);
    }

    /// <summary>Ends the run with an <c>unreachable</c> trap at this stop as soon as the guest resumes; the trap's frames
    /// are the stop's.</summary>
    public void ForceTrap() => PausedAtInstruction().ForceTrap();

    private int TopFunction() => Backtrace is [var top, ..] ? top.Function : throw new InvalidOperationException("the guest is not paused at an instruction");
}
