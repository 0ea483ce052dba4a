using System.Text;

namespace WasmProbe.Coverage.Reports;

/// <summary>A writer that compares what is written with <paramref name="expected"/>'s text instead of keeping it, so a
/// generated file can be checked against one on disk without holding either in memory.</summary>
internal sealed class ComparingWriter(TextReader expected) : TextWriter
{
    private readonly char[] _buffer = new char[4096];
    private bool _differs;

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Whether everything written so far is the whole of the expected text.</summary>
    public bool Matches => !_differs && expected.Peek() < 0;

    public override void Write(char value)
    {
        if (!_differs && expected.Read() != value) _differs = true;
    }

    public override void Write(ReadOnlySpan<char> chars)
    {
        while (!_differs && chars.Length > 0)
        {
            int read = expected.Read(_buffer.AsSpan(0, Math.Min(chars.Length, _buffer.Length)));
            if (read == 0 || !chars[..read].SequenceEqual(_buffer.AsSpan(0, read))) _differs = true;
            chars = chars[read..];
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(string? value) => Write(value.AsSpan());
}
