namespace WasmProbe.Wasm.Rewriting;

/// <summary>How original function indices move when functions are imported in front of the defined ones.</summary>
internal sealed class IndexRemap(int originalImportedFunctions, int addedImports)
{
    public bool IsIdentity => addedImports == 0;

    public int Function(int index) => index >= originalImportedFunctions ? index + addedImports : index;

    public Instruction Apply(in Instruction ins)
    {
        if (IsIdentity) return ins;
        return ins.Info.HasFunctionIndex
            ? new Instruction(ins.Opcode, ins.Offset, ins.Length, Function(ins.Index), ins.B, ins.C)
            : ins;
    }

    public Expression Apply(Expression expression)
    {
        if (IsIdentity) return expression;
        Instruction[]? copy = null;
        for (int i = 0; i < expression.Count; i++)
        {
            var ins = expression.Instructions[i];
            if (!ins.Info.HasFunctionIndex) continue;
            copy ??= (Instruction[])expression.Instructions.Clone();
            copy[i] = Apply(ins);
        }
        return copy is null ? expression : new Expression(copy, expression.Pool);
    }
}
