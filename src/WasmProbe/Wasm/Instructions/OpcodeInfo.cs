namespace WasmProbe.Wasm.Instructions;

/// <summary>Static facts about one opcode: its text-format name, immediates and, for plain numeric
/// instructions, its stack effect.</summary>
/// <param name="StackEffect">
/// For instructions whose operand types are fixed, "pops>pushes" with one letter per value, bottom first:
/// i = i32, l = i64, f = f32, d = f64, v = v128 (for example "ii>i" for i32.add, "i>" for drop-like
/// stores of an i32 address... see the table). Null when the effect depends on immediates or context
/// (locals, globals, calls, control, references, GC, tables).
/// </param>
public sealed class OpcodeInfo(Opcode opcode, string name, ImmediateKind immediates, string? stackEffect)
{
    public Opcode Opcode { get; } = opcode;
    public string Name { get; } = name;
    public ImmediateKind Immediates { get; } = immediates;
    public string? StackEffect { get; } = stackEffect;

    /// <summary>The popped part of <see cref="StackEffect"/> (bottom first), or null.</summary>
    public string? Pops { get; } = stackEffect?.Substring(0, stackEffect.IndexOf('>'));

    /// <summary>The pushed part of <see cref="StackEffect"/>, or null.</summary>
    public string? Pushes { get; } = stackEffect?.Substring(stackEffect.IndexOf('>') + 1);

    /// <summary>0 for single-byte opcodes, otherwise the prefix byte (0xFB, 0xFC, 0xFD, 0xFE).</summary>
    public byte Prefix => (byte)((int)Opcode >> 16);

    /// <summary>The opcode byte, or the u32 sub-opcode after the prefix.</summary>
    public int Code => (int)Opcode & 0xFFFF;

    public override string ToString() => Name;
}
