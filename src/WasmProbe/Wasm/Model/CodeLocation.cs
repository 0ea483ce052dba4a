namespace WasmProbe.Wasm.Model;

/// <summary>An instruction of a module: its function (index space with imports first) and its pc (byte offset of the
/// opcode from the start of the module).</summary>
public readonly record struct CodeLocation(int Function, int Pc)
{
    public override string ToString() => $"func[{Function}]@0x{Pc:x}";
}
