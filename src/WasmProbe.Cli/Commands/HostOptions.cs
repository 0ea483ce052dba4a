using WasmProbe.Engine;
using WasmProbe.Engine.Linking;
using WasmProbe.Engine.Wasi;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Cli.Commands;

/// <summary>The options every command that runs a guest shares: WASI, its program arguments, environment, stdin and
/// preopened directories (parsed by <see cref="WasiSpecs"/>, as <c>[WasmModule]</c>'s Env and Dirs are), and the
/// modules linked into its store (parsed by <see cref="LinkSpecs"/>, as <c>[LinkModule]</c>s are).</summary>
public static class HostOptions
{
    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("wasi", null, null, "provide WASI imports (the guest's output goes to stderr); on by default when the module imports WASI"),
        new("arg", null, "VALUE", "a WASI program argument, after the program name (the module's file name); repeatable", Repeatable: true),
        new("env", null, "NAME=VALUE", "a WASI environment variable; repeatable", Repeatable: true),
        new("dir", null, "HOST::GUEST[::rw]", "a host directory the guest can open at GUEST (read-only unless ::rw; HOST {temp}: a new empty directory); repeatable", Repeatable: true),
        new("stdin", null, "FILE", "what the guest reads from stdin: a file, or - for this command's stdin (default: nothing)"),
        new("link", null, "NAME=PATH", "instantiate the module at PATH first and give the guest its exports as the import module NAME; repeatable, in order (a linked module may import from the ones before it)", Repeatable: true),
    ];

    private static readonly string[] WasiOnly = ["arg", "env", "dir", "stdin"];

    public static bool WasiRequested(ParsedArguments arguments, Module module) =>
        arguments.Flag("wasi") || GuestOptions.WasiImportOf(module) is not null;

    /// <summary>The guest's host: with WASI, argv is the module's file name followed by every <c>--arg</c>. WASI is on
    /// too when a linked module imports it.</summary>
    public static GuestOptions From(ParsedArguments arguments, Module module, string path, TimeSpan deadline)
    {
        var (links, linksImportWasi) = Links(arguments);
        bool wasi = WasiRequested(arguments, module) || linksImportWasi;
        if (!wasi && WasiOnly.FirstOrDefault(arguments.Flag) is { } option) throw new UsageException($"--{option} needs a WASI guest (--wasi)");
        var environment = WasiSpecs.ParseEnvironment(arguments.Values("env"), out var problem) ?? throw new UsageException($"--env {problem}");
        var directories = WasiSpecs.ParseDirectories(arguments.Values("dir"), out problem) ?? throw new UsageException($"--dir {problem}");
        return new GuestOptions
        {
            Wasi = wasi,
            WasiArguments = wasi ? [Path.GetFileName(path), .. arguments.Values("arg")] : [],
            Environment = environment,
            Directories = directories,
            Stdin = arguments.Option("stdin") is { } stdin ? ReadStdin(stdin) : null,
            Deadline = deadline,
            Links = links,
        };
    }

    private static (List<LinkedModule> Links, bool ImportWasi) Links(ParsedArguments arguments)
    {
        var specs = LinkSpecs.ParseAll(arguments.Values("link"), out var problem) ?? throw new UsageException($"--link {problem}");
        var links = new List<LinkedModule>();
        bool importWasi = false;
        foreach (var spec in specs)
        {
            try
            {
                var link = LinkedModule.FromFile(spec.Name, spec.Path);
                importWasi |= GuestOptions.WasiImportOf(ModuleDecoder.Decode(link.Bytes, BodyDecoding.Lazy)) is not null;
                links.Add(link);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or WasmFormatException)
            {
                throw new CommandException($"--link {spec.Name}={spec.Path}: {e.Message}");
            }
        }
        return (links, importWasi);
    }

    private static byte[] ReadStdin(string file)
    {
        try
        {
            if (file != "-") return File.ReadAllBytes(file);
            using var input = Console.OpenStandardInput();
            using var bytes = new MemoryStream();
            input.CopyTo(bytes);
            return bytes.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"--stdin {file}: {e.Message}");
        }
    }
}
