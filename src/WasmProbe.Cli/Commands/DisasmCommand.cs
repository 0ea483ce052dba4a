using WasmProbe.Wasm.Text;

namespace WasmProbe.Cli.Commands;

/// <summary><c>wasmprobe disasm &lt;file.wasm&gt; [--func NAME|INDEX]</c>: every defined function (or one) with pcs,
/// instructions and operand stack types; see <see cref="Disassembler"/>.</summary>
public sealed class DisasmCommand : ICommand
{
    public string Name => "disasm";
    public string Synopsis => "<file.wasm> [--func NAME|INDEX]";
    public string Summary => "disassemble function bodies with pcs and operand stack types";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("func", "f", "NAME|INDEX", "only this function: an index (imports count first), a name-section name or an export name"),
    ];

    public int Execute(ParsedArguments arguments, CommandContext context)
    {
        arguments.ExpectPositionals("<file.wasm>");
        string path = arguments.Positionals[0];
        var module = ModuleLoader.Load(path);

        int? only = null;
        if (arguments.Option("func") is { } function)
        {
            try
            {
                only = Disassembler.ResolveFunction(module, function);
            }
            catch (ArgumentException e)
            {
                throw new CommandException($"{path}: {e.Message}");
            }
        }

        Disassembler.Write(context.Out, module, only);
        return 0;
    }
}
