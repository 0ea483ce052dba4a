using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using WasmProbe.Engine.Linking;
using WasmProbe.Generators.Model;
using WasmProbe.Wasm.Linking;

namespace WasmProbe.Generators;

/// <summary>[LinkModule]s: read (syntax stage), paired with their listed modules, checked against the imports the
/// class's module takes from them with <see cref="LinkChecker"/>, the check the runtime makes (semantic stage), and
/// passed to the generated ProbeModule as <c>NAME=PATH</c> texts, which the runtime parses with <see cref="LinkSpecs"/>.</summary>
public sealed partial class WasmProbeGenerator
{
    internal const string LinkModuleAttributeName = "LinkModuleAttribute";

    internal static EquatableArray<LinkRequest> ParseLinks(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var links = new List<LinkRequest>();
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass is not { Name: LinkModuleAttributeName } cls || cls.ContainingNamespace?.ToDisplayString() != AttributeNamespace) continue;
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            ConstantArg? name = null;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "As") name = Constant(named.Value, NamedArgument(syntax, "As") ?? (SyntaxNode?)syntax);
            }
            links.Add(new LinkRequest(ConstructorArgument(attribute, syntax, 0), name, LocationInfo.From(syntax)));
        }
        return links.ToEquatableArray();
    }

    /// <summary>Checks each link: its module listed, found and well-formed (WP0001-WP0003, at its path), its name
    /// (WP0044), and every import the class's module (or a later linked module) takes from it (WP0045). Returns the
    /// links as <c>NAME=PATH</c>, in order, and the valid ones decoded (<paramref name="valid"/>).</summary>
    internal static EquatableArray<string> ValidateLinks(ModuleMatch match, ModuleContext context, List<DiagnosticInfo> diagnostics, out List<LinkedModuleInfo> valid)
    {
        var module = context.Module;
        var specs = new List<string>();
        var linked = new List<(string Name, string Path, Module Module, LinkRequest Request, ModuleImage Image)>();
        foreach (var link in match.Links)
        {
            var request = link.Request;
            if (request.Path.Value is not string path)
            {
                diagnostics.Add(DiagnosticInfo.Create(D.InvalidLink, request.Path.Location ?? request.Location, "[LinkModule] needs the linked module's path as a string"));
                continue;
            }
            string name = request.As is { } given ? given.Value as string ?? "" : System.IO.Path.GetFileNameWithoutExtension(path);
            var nameLocation = request.As?.Location ?? request.Location;
            if ((LinkSpecs.NameProblem(name) ?? LinkSpecs.DuplicateProblem(linked.Select(l => l.Name), name)) is { } problem)
            {
                diagnostics.Add(DiagnosticInfo.Create(D.InvalidLink, nameLocation, $"[LinkModule(\"{path}\")]: {problem}"));
                continue;
            }
            if (link.Image is not { } image)
            {
                string listed = match.Listed.Count == 0 ? "add <WasmModule Include=\"" + ModuleFiles.NormalizePath(path) + "\" /> to the project" : "listed: " + string.Join(", ", match.Listed);
                diagnostics.Add(DiagnosticInfo.Create(D.ModuleNotListed, request.Path.Location, path, listed));
                continue;
            }
            if (image.MissingFile is { } missing)
            {
                diagnostics.Add(DiagnosticInfo.Create(D.ModuleNotFound, request.Path.Location, image.ItemPath, missing));
                continue;
            }
            if (image.Decoded.Module is not { } linkedModule)
            {
                diagnostics.Add(DiagnosticInfo.Create(D.ModuleMalformed, request.Path.Location, image.ItemPath, image.Decoded.Error ?? "unknown error", Hex(image.Decoded.ErrorOffset)));
                continue;
            }
            foreach (var earlier in linked) Mismatches(linkedModule, image.ItemPath, earlier.Name, earlier.Path, earlier.Module, nameLocation, diagnostics);
            linked.Add((name, image.ItemPath, linkedModule, request, image));
            specs.Add(name + "=" + image.ItemPath);
        }
        foreach (var link in linked) Mismatches(module, match.Image!.ItemPath, link.Name, link.Path, link.Module, link.Request.As?.Location ?? link.Request.Location, diagnostics);
        valid = [.. linked.Select(l => new LinkedModuleInfo(l.Name, l.Path, l.Module, new ModuleContext(l.Module, l.Image, context.SourceTypes, l.Name)))];
        return specs.ToEquatableArray();
    }

    /// <summary>A valid link: its name, its module's item path, the module and its context (for probes in it).</summary>
    internal sealed record LinkedModuleInfo(string Name, string Path, Module Module, ModuleContext Context);

    /// <summary>[BreakAt]/[BreakAtLine]: the linked module the probe stops in (null: the class's own), by its
    /// <c>Module</c> (<see cref="LinkedTargets.Module"/>, WP0047) or, for a line without one, by whose DWARF has the
    /// file (<see cref="LinkedTargets.FileOwner"/>: a file only in several linked modules is WP0048), as the runtime
    /// chooses. False when that failed.</summary>
    private static bool ProbedModule(ProbeMethodRequest method, ModuleContext context, IReadOnlyList<LinkedModuleInfo> linked, List<DiagnosticInfo> diagnostics, out LinkedModuleInfo? link)
    {
        link = null;
        if (method.Module is { } named)
        {
            var found = LinkedTargets.Module([.. linked.Select(l => l.Name)], named.Value as string ?? "");
            if (found.Problem is { } problem)
            {
                diagnostics.Add(DiagnosticInfo.Create(D.ProbeModuleNotLinked, named.Location, Sentence(problem.Message)));
                return false;
            }
            link = linked[found.Value];
            return true;
        }
        if (method.Kind != ProbeKind.Line || linked.Count == 0 || method.File?.Value is not string file || method.Line?.Value is not int line || context.Dwarf is not { } dwarf) return true;
        var withLines = linked.Where(l => l.Context.Dwarf is not null).ToList();
        try
        {
            var owner = LinkedTargets.FileOwner(dwarf.ResolveLine(file, line), [.. withLines.Select(l => (l.Name, l.Context.Dwarf!.ResolveLine(file, line)))]);
            if (owner.Problem is { } problem)
            {
                diagnostics.Add(DiagnosticInfo.Create(D.FileInSeveralModules, method.File.Location, Sentence(problem.Message)));
                return false;
            }
            link = owner.Value < 0 ? null : withLines[owner.Value];
        }
        catch (WasmProbe.Wasm.Binary.WasmFormatException)
        {
            // A body that does not decode: the class's own module's line resolution reports it.
        }
        return true;
    }

    private static void Mismatches(Module importer, string importerPath, string name, string path, Module exporter, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        foreach (var mismatch in LinkChecker.Check(importer, name, exporter))
            diagnostics.Add(DiagnosticInfo.Create(D.LinkMismatch, location, importerPath, mismatch.ImportName, path, mismatch.Problem));
    }

    private static IEnumerable<string> LinkArguments(EquatableArray<string> links)
    {
        if (links.Count > 0) yield return $"links: new string[] {{ {string.Join(", ", links.Select(Identifiers.Literal))} }},";
    }
}
