using System.Text;

namespace WasmProbe.Generators;

/// <summary>A minimal indented writer with '\n' line ends on every platform (generated code is compared verbatim).</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _sb = new();

    public int Indent { get; set; }

    public CodeWriter Line(string text = "")
    {
        if (text.Length > 0) _sb.Append(' ', Indent * 4).Append(text);
        _sb.Append('\n');
        return this;
    }

    public void Open(string header)
    {
        Line(header);
        Line("{");
        Indent++;
    }

    public void Close(string suffix = "")
    {
        Indent--;
        Line("}" + suffix);
    }

    public override string ToString() => _sb.ToString();
}
