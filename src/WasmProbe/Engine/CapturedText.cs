using System.Text;

namespace WasmProbe.Engine;

/// <summary>UTF-8 output of a guest stream, decoded incrementally (a character may be split across writes).</summary>
internal sealed class CapturedText
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _text = new();

    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_text)
        {
            Span<char> chars = stackalloc char[Math.Min(1024, bytes.Length + 4)];
            while (!bytes.IsEmpty)
            {
                int take = Math.Min(bytes.Length, chars.Length - 4);
                int count = _decoder.GetChars(bytes[..take], chars, flush: false);
                _text.Append(chars[..count]);
                bytes = bytes[take..];
            }
        }
    }

    public string Text
    {
        get { lock (_text) return _text.ToString(); }
    }
}
