using System.Text;

namespace WasmProbe.Tests.Dwarf;

/// <summary>Assembles a <c>.debug_line</c> unit byte by byte (DWARF 2 to 5, 32- or 64-bit), for tests that need
/// encodings the C guests do not have.</summary>
public sealed class LineProgramWriter(int version, bool is64 = false)
{
    private readonly List<byte> _program = [];

    public byte MinimumInstructionLength { get; init; } = 1;
    public byte MaximumOperationsPerInstruction { get; init; } = 1;
    public bool DefaultIsStatement { get; init; } = true;
    public sbyte LineBase { get; init; } = -5;
    public byte LineRange { get; init; } = 14;
    public byte OpcodeBase { get; init; } = 13;
    public byte AddressSize { get; init; } = 4;
    public List<string> Directories { get; init; } = [];
    public List<(string Name, int Directory)> Files { get; init; } = [("a.c", 0)];
    /// <summary>DWARF 5 only: an MD5 for each file entry (the file format then has DW_LNCT_MD5 as data16).</summary>
    public bool WithMd5 { get; init; }

    public LineProgramWriter Op(params byte[] bytes)
    {
        _program.AddRange(bytes);
        return this;
    }

    public LineProgramWriter SetAddress(ulong address, int size = 4)
    {
        Op(0).Uleb((ulong)(size + 1)).Op(2);
        for (int i = 0; i < size; i++) _program.Add((byte)(address >> (8 * i)));
        return this;
    }

    public LineProgramWriter EndSequence() => Op(0, 1, 1);
    public LineProgramWriter Copy() => Op(1);
    public LineProgramWriter AdvancePc(ulong delta) => Op(2).Uleb(delta);
    public LineProgramWriter AdvanceLine(long delta) => Op(3).Sleb(delta);
    public LineProgramWriter SetFile(ulong file) => Op(4).Uleb(file);
    public LineProgramWriter SetColumn(ulong column) => Op(5).Uleb(column);
    public LineProgramWriter NegateStmt() => Op(6);
    public LineProgramWriter ConstAddPc() => Op(8);
    public LineProgramWriter FixedAdvancePc(ushort delta) => Op(9, (byte)delta, (byte)(delta >> 8));
    public LineProgramWriter PrologueEnd() => Op(10);
    public LineProgramWriter SetDiscriminator(ulong value)
    {
        var operand = new LineProgramWriter(version).Uleb(value)._program;
        return Op(0).Uleb((ulong)operand.Count + 1).Op(4).Op([.. operand]);
    }

    /// <summary>A special opcode advancing the address by <paramref name="address"/> and the line by <paramref name="line"/>.</summary>
    public LineProgramWriter Special(int address, int line)
    {
        int opcode = (line - LineBase) + LineRange * address + OpcodeBase;
        if (line - LineBase < 0 || line - LineBase >= LineRange || opcode > 255) throw new ArgumentException("no special opcode for that advance");
        return Op((byte)opcode);
    }

    public LineProgramWriter Uleb(ulong value)
    {
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            _program.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return this;
    }

    public LineProgramWriter Sleb(long value)
    {
        while (true)
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bool done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
            _program.Add(done ? b : (byte)(b | 0x80));
            if (done) return this;
        }
    }

    public byte[] Build()
    {
        var header = new List<byte> { MinimumInstructionLength };
        if (version >= 4) header.Add(MaximumOperationsPerInstruction);
        header.Add(DefaultIsStatement ? (byte)1 : (byte)0);
        header.Add((byte)LineBase);
        header.Add(LineRange);
        header.Add(OpcodeBase);
        byte[] standard = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];
        for (int i = 1; i < OpcodeBase; i++) header.Add(i <= standard.Length ? standard[i - 1] : (byte)1);
        if (version >= 5)
        {
            header.Add(1); // directory format: DW_LNCT_path, DW_FORM_string
            header.AddRange([1, 0x08]);
            header.AddRange(Leb(Directories.Count));
            foreach (var d in Directories) header.AddRange(CString(d));
            header.Add(WithMd5 ? (byte)3 : (byte)2); // path string, directory_index udata [, MD5 data16]
            header.AddRange([1, 0x08, 2, 0x0f]);
            if (WithMd5) header.AddRange([5, 0x1e]);
            header.AddRange(Leb(Files.Count));
            foreach (var (name, dir) in Files)
            {
                header.AddRange(CString(name));
                header.AddRange(Leb(dir));
                if (WithMd5) header.AddRange(Enumerable.Range(0, 16).Select(i => (byte)(0xA0 + i)));
            }
        }
        else
        {
            foreach (var d in Directories) header.AddRange(CString(d));
            header.Add(0);
            foreach (var (name, dir) in Files)
            {
                header.AddRange(CString(name));
                header.AddRange(Leb(dir));
                header.AddRange([0, 0]);
            }
            header.Add(0);
        }

        var afterLength = new List<byte>();
        afterLength.AddRange([(byte)version, 0]);
        if (version >= 5) afterLength.AddRange([AddressSize, 0]);
        afterLength.AddRange(Fixed((ulong)header.Count, is64 ? 8 : 4));
        afterLength.AddRange(header);
        afterLength.AddRange(_program);

        var unit = new List<byte>();
        if (is64)
        {
            unit.AddRange([0xFF, 0xFF, 0xFF, 0xFF]);
            unit.AddRange(Fixed((ulong)afterLength.Count, 8));
        }
        else
        {
            unit.AddRange(Fixed((ulong)afterLength.Count, 4));
        }
        unit.AddRange(afterLength);
        return [.. unit];
    }

    private static byte[] CString(string s) => [.. Encoding.UTF8.GetBytes(s), 0];

    private static IEnumerable<byte> Fixed(ulong value, int size) => Enumerable.Range(0, size).Select(i => (byte)(value >> (8 * i)));

    private static List<byte> Leb(int value) => new LineProgramWriter(2).Uleb((ulong)value)._program;
}

/// <summary>Builds modules with hand-made DWARF sections.</summary>
public static class DwarfModules
{
    /// <summary>A module with one function of <paramref name="nops"/> nops (each a 1-byte instruction) and the given
    /// custom sections appended.</summary>
    public static byte[] WithSections(int nops, params (string Name, byte[] Payload)[] sections)
    {
        var bytes = new List<byte>(Debugging.Wat.ToBinary($"(module (func (export \"f\") {string.Concat(Enumerable.Repeat("nop ", nops))}))"));
        foreach (var (name, payload) in sections) bytes.AddRange(CustomSection(name, payload));
        return [.. bytes];
    }

    public static byte[] CustomSection(string name, byte[] payload)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var content = new List<byte>();
        content.AddRange(Leb((ulong)nameBytes.Length));
        content.AddRange(nameBytes);
        content.AddRange(payload);
        return [0, .. Leb((ulong)content.Count), .. content];
    }

    private static byte[] Leb(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }
}
