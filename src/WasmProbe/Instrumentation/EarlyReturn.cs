using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Rewriting;

namespace WasmProbe.Instrumentation;

/// <summary>How a debug build's stop returns early (<see cref="ResumeCode.Return"/>): its shared probe helper cannot
/// return from the function that called it, so it throws an added tag without payload, which a <c>try_table</c>
/// around the function's body catches; the landing returns the results the host wrote into the frame's first stack
/// slots. Catching costs nothing until a return is forced; the wrapper is a few bytes a function.</summary>
internal sealed class EarlyReturn
{
    private EarlyReturn(int tag) => Tag = tag;

    public int Tag { get; }

    public static EarlyReturn Add(ModuleBuilder builder) => new(builder.AddTag(new FunctionType([], [])));

    /// <summary>Whether the function gets the wrapper: its results can be written by the host, and it uses no legacy
    /// <c>try</c>, whose <c>delegate</c> to the function's label means "to the caller" and would not survive the
    /// wrapper.</summary>
    public static bool Wraps(FunctionAnalysis analysis)
    {
        if (!FrameLayout.CanForceReturn(analysis.Type)) return false;
        for (int i = 0; i < analysis.InstructionCount; i++)
        {
            if (analysis.Code[i].Info.Control == ControlKind.Try) return false;
        }
        return true;
    }

    /// <summary>After a stop's call to the host: throws the tag if the host asked for an early return.</summary>
    public void EmitRequestCheck(int resume, Action<Opcode, long, long, int> emit) =>
        ResumeRequest.EmitIf(resume, ResumeCode.Return, emit, () => emit(Opcode.Throw, Tag, 0, 0));
}
