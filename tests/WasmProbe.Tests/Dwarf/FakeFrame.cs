using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Tests.Dwarf;

/// <summary>A frame state the tests make up: locals, globals and operands by index, and a memory of 64 KiB whose
/// bytes are written with <see cref="Write"/>. Anything not set is unavailable.</summary>
public sealed class FakeFrame : IFrameState
{
    public Dictionary<int, ulong> Locals { get; } = [];
    public Dictionary<int, ulong> Globals { get; } = [];
    public List<ulong> Operands { get; } = [];
    public byte[] Memory { get; } = new byte[65536];

    public FakeFrame Write(ulong address, params byte[] bytes)
    {
        bytes.CopyTo(Memory, (int)address);
        return this;
    }

    public FakeFrame WriteInt(ulong address, int value) => Write(address, BitConverter.GetBytes(value));

    public bool TryGetLocal(int index, out ulong bits) => Locals.TryGetValue(index, out bits);
    public bool TryGetGlobal(int index, out ulong bits) => Globals.TryGetValue(index, out bits);

    public bool TryGetOperand(int index, out ulong bits)
    {
        bits = index < Operands.Count ? Operands[index] : 0;
        return index < Operands.Count;
    }

    public bool TryReadMemory(ulong address, byte[] buffer, int offset, int count)
    {
        if (address > (ulong)Memory.Length || (ulong)count > (ulong)Memory.Length - address) return false;
        Array.Copy(Memory, (int)address, buffer, offset, count);
        return true;
    }
}

/// <summary>The guests of tests/WasmProbe.Tests/Dwarf/Guests (built by build.sh there and committed), read once.</summary>
public static class VariableGuests
{
    public static string Directory { get; } = Path.Combine(Path.GetDirectoryName(CGuest.Directory)!, "..", "..", "tests", "WasmProbe.Tests", "Dwarf", "Guests");

    private static readonly Dictionary<string, Wasm.Dwarf.DwarfInfo> Read = [];

    /// <summary>The DWARF of a guest of this folder, or of examples/CGuest/guest for the sort guests.</summary>
    public static Wasm.Dwarf.DwarfInfo Dwarf(string name)
    {
        lock (Read)
        {
            if (Read.TryGetValue(name, out var dwarf)) return dwarf;
            string path = name.StartsWith("sort", StringComparison.Ordinal) ? CGuest.PathOf(name) : Path.Combine(Directory, name);
            return Read[name] = Wasm.Dwarf.DwarfInfo.Read(Wasm.Decoding.ModuleDecoder.Decode(File.ReadAllBytes(path)));
        }
    }

    /// <summary>The first pc of <paramref name="line"/> of <paramref name="file"/> (a breakpoint's pc).</summary>
    public static int PcOf(Wasm.Dwarf.DwarfInfo dwarf, string file, int line) => dwarf.Lines.PcsForLine(file, line)[0];
}
