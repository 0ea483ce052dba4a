namespace WasmProbe.Cli.Commands;

/// <summary>One <c>wasmprobe</c> subcommand. To add a command, implement this interface and list the class in
/// <see cref="Program.Commands"/>; <see cref="Program.Run"/> handles help, parsing and errors.</summary>
public interface ICommand
{
    /// <summary>The word after <c>wasmprobe</c>: <c>disasm</c>.</summary>
    string Name { get; }

    /// <summary>The arguments after the name, for usage text: <c>&lt;file.wasm&gt; [--func NAME|INDEX]</c>.</summary>
    string Synopsis { get; }

    /// <summary>One line for the command list.</summary>
    string Summary { get; }

    /// <summary>The options the command accepts (besides <c>--help</c>).</summary>
    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>Runs the command. Returns the exit code; throws <see cref="UsageException"/> for bad arguments and
    /// <see cref="CommandException"/> for failures the user should read about (missing file, malformed module...).</summary>
    int Execute(ParsedArguments arguments, CommandContext context);
}

/// <summary>Where a command writes: results to <see cref="Out"/>, diagnostics to <see cref="Error"/>.</summary>
public sealed record CommandContext(TextWriter Out, TextWriter Error);

/// <summary>The command line is wrong: reported with the command's usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The command could not do its job: reported as <c>error: message</c>, exit code 1.</summary>
public sealed class CommandException(string message) : Exception(message);
