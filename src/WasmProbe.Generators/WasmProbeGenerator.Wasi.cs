using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using WasmProbe.Engine.Wasi;

namespace WasmProbe.Generators;

/// <summary>[WasmModule]'s WASI hosting arguments: WasiArgs, Env, Dirs, Stdin, StdinBytes and ExitCode, read
/// (syntax stage), checked with <see cref="WasiSpecs"/>, the parser the runtime and the CLI use (semantic stage), and
/// passed to the generated ProbeModule.</summary>
public sealed partial class WasmProbeGenerator
{
    private static readonly string[] WasiNames = ["WasiArgs", "Env", "Dirs", "Stdin", "StdinBytes", "ExitCode"];

    internal static WasiRequest ParseWasi(AttributeData attribute, AttributeSyntax? syntax)
    {
        var arguments = EquatableArray<ConstantArg>.Empty;
        var environment = EquatableArray<ConstantArg>.Empty;
        var directories = EquatableArray<ConstantArg>.Empty;
        ConstantArg? stdin = null, stdinBytes = null, exitCode = null;
        var names = new List<NamedLocation>();
        foreach (var named in attribute.NamedArguments)
        {
            if (Array.IndexOf(WasiNames, named.Key) < 0) continue;
            var expression = NamedArgument(syntax, named.Key);
            names.Add(new NamedLocation(named.Key, LocationInfo.From(expression ?? (SyntaxNode?)syntax)));
            switch (named.Key)
            {
                case "WasiArgs": arguments = Elements(named.Value, expression); break;
                case "Env": environment = Elements(named.Value, expression); break;
                case "Dirs": directories = Elements(named.Value, expression); break;
                case "Stdin": stdin = Constant(named.Value, expression); break;
                case "StdinBytes": stdinBytes = Constant(named.Value, expression); break;
                case "ExitCode": exitCode = Constant(named.Value, expression); break;
            }
        }
        return names.Count == 0 ? WasiRequest.None : new WasiRequest(arguments, environment, directories, stdin, stdinBytes, exitCode, names.ToEquatableArray());
    }

    private static EquatableArray<ConstantArg> Elements(TypedConstant value, ExpressionSyntax? expression)
    {
        if (value.Kind != TypedConstantKind.Array || value.IsNull) return EquatableArray<ConstantArg>.Empty;
        var elements = ElementSyntaxes(expression);
        return value.Values.Select((v, i) => Constant(v, i < elements.Count ? elements[i] : expression)).ToEquatableArray();
    }

    /// <summary>Checks the WASI arguments (WP0024 for each problem, at the element or argument at fault).</summary>
    internal static WasiSpec ValidateWasi(ProbeClassRequest request, List<DiagnosticInfo> diagnostics)
    {
        var wasi = request.WasiSettings;
        if (wasi.Names.Count == 0) return WasiSpec.None;
        int before = diagnostics.Count;
        void Problem(LocationInfo? location, string problem) => diagnostics.Add(DiagnosticInfo.Create(D.InvalidWasiSetting, location, problem));

        if (!request.Wasi)
        {
            foreach (var name in wasi.Names) Problem(name.Location, $"{name.Name} needs Wasi = true (without WASI the guest cannot see it)");
            return WasiSpec.None;
        }

        var arguments = new List<string>();
        foreach (var argument in wasi.Arguments)
        {
            if (argument.Value is string text && text.IndexOf('\0') < 0) arguments.Add(text);
            else Problem(argument.Location, $"WasiArgs: {Shown(argument)} is not a string without NUL characters");
        }

        var environment = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in wasi.Environment)
        {
            if (WasiSpecs.ParseEnvironment(variable.Value as string, out var problem) is not { } parsed) Problem(variable.Location, $"Env: {problem}");
            else if (!seen.Add(parsed.Key)) Problem(variable.Location, $"Env: the variable '{parsed.Key}' is set twice");
            else environment.Add((string)variable.Value!);
        }

        var directories = new List<string>();
        var guestPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in wasi.Directories)
        {
            if (WasiSpecs.ParseDirectory(directory.Value as string, out var problem) is not { } parsed) Problem(directory.Location, $"Dirs: {problem}");
            else if (!guestPaths.Add(parsed.GuestPath)) Problem(directory.Location, $"Dirs: the guest path '{parsed.GuestPath}' is opened twice");
            else directories.Add((string)directory.Value!);
        }

        byte[]? stdin = null;
        if (wasi.Stdin is { } text2)
        {
            if (text2.Value is string s) stdin = Encoding.UTF8.GetBytes(s);
            else Problem(text2.Location, "Stdin must be a string (the text the guest reads; StdinBytes for bytes)");
        }
        if (wasi.StdinBytes is { } hex)
        {
            if (stdin is not null || wasi.Stdin is not null) Problem(hex.Location, "StdinBytes and Stdin are both set: give the guest's input one way");
            else if (WasiSpecs.ParseHexBytes(hex.Value as string, out var problem) is { } bytes) stdin = bytes;
            else Problem(hex.Location, $"StdinBytes: {problem}");
        }

        int exitCode = 0;
        if (wasi.ExitCode is { } code)
        {
            if (code.Value is int value && value >= 0) exitCode = value;
            else Problem(code.Location, $"ExitCode must be a non-negative int (the code the guest passes to proc_exit), not {Shown(code)}");
        }
        if (diagnostics.Count > before) return WasiSpec.None;
        return new WasiSpec(arguments.ToEquatableArray(), environment.ToEquatableArray(), directories.ToEquatableArray(), stdin?.ToEquatableArray(), exitCode);
    }

    private static string Shown(ConstantArg argument) => argument.Value switch
    {
        null => argument.TypeName == "array" ? "an array" : "null",
        string s => Identifiers.Literal(s),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString() ?? "?",
    };

    /// <summary>The ProbeModule constructor's WASI arguments (nothing when no WASI argument was given).</summary>
    private static IEnumerable<string> WasiArguments(WasiSpec wasi)
    {
        static string Strings(EquatableArray<string> values) => $"new string[] {{ {string.Join(", ", values.Select(Identifiers.Literal))} }}";
        if (wasi.Arguments.Count > 0) yield return $"wasiArguments: {Strings(wasi.Arguments)},";
        if (wasi.Environment.Count > 0) yield return $"environment: {Strings(wasi.Environment)},";
        if (wasi.Directories.Count > 0) yield return $"directories: {Strings(wasi.Directories)},";
        if (wasi.Stdin is { } stdin) yield return $"stdin: new byte[] {{ {string.Join(", ", stdin.Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture)))} }},";
        if (wasi.ExitCode != 0) yield return $"exitCode: {wasi.ExitCode.ToString(CultureInfo.InvariantCulture)},";
    }
}
