using System.Buffers;
using System.Text;
using System.Text.Json;

namespace WasmProbe.Cli.Commands;

/// <summary>JSON lines into a command's output, buffered: a trace writes hundreds of thousands of lines a second, so
/// a line is neither a system call nor a detour through UTF-16. Into the console's stream as bytes; into any other
/// writer (a test's <see cref="StringWriter"/>) as text.</summary>
internal sealed class JsonLines : IDisposable
{
    private const int DrainAt = 64 * 1024;

    private readonly TextWriter _output;
    private readonly Stream? _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(2 * DrainAt);

    public JsonLines(TextWriter output)
    {
        _output = output;
        if (output is StreamWriter { Encoding: UTF8Encoding utf8 } console && utf8.GetPreamble().Length == 0)
        {
            console.Flush();
            _stream = console.BaseStream;
        }
        Writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Where the current line's one JSON value is written.</summary>
    public Utf8JsonWriter Writer { get; }

    public void EndLine()
    {
        Writer.Flush();
        Writer.Reset();
        _buffer.Write("\n"u8);
        if (_buffer.WrittenCount >= DrainAt) Drain();
    }

    public void Dispose()
    {
        Writer.Flush();
        Drain();
        Writer.Dispose();
    }

    private void Drain()
    {
        if (_stream is not null) _stream.Write(_buffer.WrittenSpan);
        else _output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _buffer.Clear();
    }
}
