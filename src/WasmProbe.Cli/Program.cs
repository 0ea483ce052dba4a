using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using WasmProbe.Cli.Commands;

namespace WasmProbe.Cli;

/// <summary>The <c>wasmprobe</c> entry point. <see cref="Run"/> is the whole program minus the console, so tests call it
/// in-process.</summary>
public static partial class Program
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    /// <summary>The subcommands, in the order the usage text lists them.</summary>
    public static IReadOnlyList<ICommand> Commands { get; } = [new DisasmCommand(), new TraceCommand(), new CoverageCommand()];

    public static int Main(string[] args)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
        int code = Run(args, stdout, Console.Error);
        try
        {
            stdout.Flush();
        }
        catch (IOException)
        {
            // The reader went away (wasmprobe disasm x.wasm | head): nothing left to report to.
        }
        return code;
    }

    /// <summary>Runs one command line. Never throws: failures are messages on <paramref name="stderr"/> and the exit
    /// code (1 for errors, 2 for usage errors).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ICommand? command = null;
        try
        {
            if (args.Length == 0)
            {
                stderr.WriteLine("error: no command given");
                stderr.WriteLine();
                WriteUsage(stderr);
                return UsageError;
            }
            string first = args[0];
            if (first is "-h" or "--help" or "help" && args.Length == 1)
            {
                WriteUsage(stdout);
                return Success;
            }
            if (first == "help")
            {
                command = Find(args[1]) ?? throw new UsageException($"unknown command '{args[1]}'");
                WriteCommandUsage(stdout, command);
                return Success;
            }
            if (first == "--version")
            {
                stdout.WriteLine($"wasmprobe {Version}");
                return Success;
            }
            command = Find(first) ?? throw new UsageException(first.StartsWith('-') ? $"unknown option '{first}'" : $"unknown command '{first}'");
            var rest = args.Skip(1).ToArray();
            if (rest.Any(a => a is "-h" or "--help"))
            {
                WriteCommandUsage(stdout, command);
                return Success;
            }
            var parsed = ArgumentParser.Parse(rest, command.Options);
            return command.Execute(parsed, new CommandContext(stdout, stderr));
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {ErrorText(e)}");
            stderr.WriteLine();
            if (command is null) WriteUsage(stderr);
            else WriteCommandUsage(stderr, command);
            return UsageError;
        }
        catch (Exception e) when (e is CommandException or Engine.InstrumentedModuleRejectedException or Engine.Linking.ModuleLinkException)
        {
            stderr.WriteLine($"error: {ErrorText(e)}");
            return Failure;
        }
        catch (Exception e)
        {
            // A bug or an environment failure (for example a closed output pipe): a message, not a stack trace.
            try
            {
                stderr.WriteLine($"error: {(command is null ? "" : command.Name + ": ")}internal error: {e.GetType().Name}: {e.Message}");
            }
            catch (IOException)
            {
            }
            return Failure;
        }
    }

    /// <summary>
    /// A command wraps the message of an <see cref="ArgumentException"/> from the library, which ends with .NET's
    /// "(Parameter 'name')": that names a C# parameter, nothing the user typed.
    /// </summary>
    private static string ErrorText(Exception e) => ParameterSuffix().Replace(e.Message, "");

    [GeneratedRegex(@" \(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    private static ICommand? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);

    private static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private static void WriteUsage(TextWriter output)
    {
        output.WriteLine("usage: wasmprobe <command> [arguments]");
        output.WriteLine();
        output.WriteLine("commands:");
        int width = Commands.Max(c => c.Name.Length);
        foreach (var command in Commands) output.WriteLine($"  {command.Name.PadRight(width)}  {command.Summary}");
        output.WriteLine();
        output.WriteLine("  wasmprobe <command> --help   options of one command");
        output.WriteLine("  wasmprobe --version          the tool's version");
        output.WriteLine();
        output.WriteLine("exit codes: 0 success, 1 error, 2 usage error");
    }

    private static void WriteCommandUsage(TextWriter output, ICommand command)
    {
        output.WriteLine($"usage: wasmprobe {command.Name} {command.Synopsis}");
        output.WriteLine();
        output.WriteLine(char.ToUpperInvariant(command.Summary[0]) + command.Summary[1..] + ".");
        if (command.Options.Count == 0) return;
        output.WriteLine();
        output.WriteLine("options:");
        int width = command.Options.Max(o => o.Usage.Length);
        foreach (var option in command.Options) output.WriteLine($"  {option.Usage.PadRight(width)}  {option.Help}");
    }
}
