using WasmProbe.Wasm.Rewriting;

namespace WasmProbe.Instrumentation;

/// <summary>What lets a stop throw (<see cref="ResumeCode.Throw"/>) in a module with tags: an added function,
/// <c>wasmprobe.throw(frame)</c>, that throws the exception of the tag in the throw-tag global with the payload the
/// host wrote into the frame's first stack slots. A stop calls it at its own pc, so the exception leaves from there,
/// through the <c>try_table</c>s around the stop and then the callers, as a <c>throw</c> there would.</summary>
internal sealed class ForcedThrow
{
    private ForcedThrow(int function, int tagGlobal, int maxPayload) => (Function, TagGlobal, MaxPayload) = (function, tagGlobal, maxPayload);

    /// <summary><c>(frame: i32) -> ()</c>; never returns.</summary>
    public int Function { get; }

    /// <summary>The i32 global holding the tag to throw, set by the host with the request.</summary>
    public int TagGlobal { get; }

    /// <summary>The most payload values of a throwable tag: the stack slots a stopping frame needs room for.</summary>
    public int MaxPayload { get; }

    /// <summary>Debug builds, after a stop's call to the host: throws if the host asked for it. Emitted in the shared
    /// probe helpers and at throw instructions' stops only, and only in modules with a throwable tag, so that other
    /// code pays nothing; the exception leaves the helper through the call at the stopped site.</summary>
    public void EmitRequestCheck(int resume, int frame, Action<Opcode, long, long, int> emit) =>
        ResumeRequest.EmitIf(resume, ResumeCode.Throw, emit, () =>
        {
            emit(Opcode.LocalGet, frame, 0, 0);
            emit(Opcode.Call, Function, 0, 0);
        });

    /// <summary>Whether a stop can throw exceptions of a tag of this type: the host writes the payload through linear
    /// memory, where references cannot go.</summary>
    public static bool CanThrow(FunctionType tagType) => tagType.Parameters.All(FrameLayout.IsSettable);

    /// <returns>Null when the module has no tag a stop can throw.</returns>
    public static ForcedThrow? Add(ModuleBuilder builder, IndexSpaces spaces, int debugMemory)
    {
        var throwable = Enumerable.Range(0, spaces.TagTypes.Length).Where(t => CanThrow(spaces.TagFunctionType(t))).ToList();
        if (throwable.Count == 0) return null;
        int tagGlobal = builder.AddGlobal(new GlobalType(ValType.I32, true), new Expression([new Instruction(Opcode.I32Const, -1, 0, -1), new Instruction(Opcode.End, -1, 0)], []));
        var code = new List<Instruction>();
        void Emit(Opcode opcode, long a = 0, long b = 0, int c = 0) => code.Add(new Instruction(opcode, -1, 0, a, b, c));
        foreach (int tag in throwable)
        {
            Emit(Opcode.GlobalGet, tagGlobal);
            Emit(Opcode.I32Const, tag);
            Emit(Opcode.I32Eq);
            Emit(Opcode.If, BlockType.Empty.ToBits());
            var payload = spaces.TagFunctionType(tag).Parameters;
            for (int k = 0; k < payload.Length; k++)
            {
                var (load, _, align) = FrameLayout.SlotAccess(payload[k])!.Value;
                Emit(Opcode.LocalGet, 0);
                Emit(load, FrameLayout.StackSlotOffset(k), align, debugMemory);
            }
            Emit(Opcode.Throw, tag);
            Emit(Opcode.End);
        }
        Emit(Opcode.Unreachable);
        Emit(Opcode.End);
        int function = builder.AddFunction(new FunctionType([ValType.I32], []), [], new Expression([.. code], []), "wasmprobe.throw");
        return new ForcedThrow(function, tagGlobal, throwable.Max(t => spaces.TagFunctionType(t).Parameters.Length));
    }
}
