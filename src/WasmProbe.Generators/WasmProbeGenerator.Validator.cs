using System.Globalization;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Generators;

public sealed partial class WasmProbeGenerator
{
    /// <summary>Most typed locals a view gets (functions with more are rare; the rest stay reachable through Session).</summary>
    internal const int MaxTypedLocals = 1000;

    /// <summary>The semantic stage: checks a class's request against its module and builds what the emitter needs.
    /// Only the functions that probes name are analyzed.</summary>
    internal static ProbeClassResult Validate(ModuleMatch match, bool hasXunit, CancellationToken cancellationToken)
    {
        try
        {
            return ValidateCore(match, hasXunit, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug of the generator's (the module's own problems are reported as such): report it on the class rather
            // than failing the whole generator (which would drop every class's output).
            var request = match.Request;
            return new ProbeClassResult(null, new[] { DiagnosticInfo.Create(D.InternalError, request.ModulePathLocation, request.Name, request.ModulePath, $"{e.GetType().FullName}: {e.Message}", FirstFrame(e)) }.ToEquatableArray());
        }
    }

    private static ProbeClassResult ValidateCore(ModuleMatch match, bool hasXunit, CancellationToken cancellationToken)
    {
        var request = match.Request;
        var diagnostics = new List<DiagnosticInfo>();
        ProbeClassResult Fail(DiagnosticInfo diagnostic)
        {
            diagnostics.Add(diagnostic);
            return new ProbeClassResult(null, diagnostics.ToEquatableArray());
        }

        if (request.ShapeProblem is { } shape) return Fail(DiagnosticInfo.Create(D.ClassShape, request.NameLocation, request.Name, shape));
        if (!request.IsPublic && request.GenerateFacts && hasXunit)
            return Fail(DiagnosticInfo.Create(D.ClassShape, request.NameLocation, request.Name, "is not public (nor are all its containing types), so xunit would not run its tests (or set GenerateFacts = false)"));

        if (match.Image is not { } image)
        {
            string listed = match.Listed.Count == 0
                ? "no WasmModule items are listed: add <WasmModule Include=\"" + ModuleFiles.NormalizePath(request.ModulePath) + "\" /> to the project"
                : "listed: " + string.Join(", ", match.Listed);
            return Fail(DiagnosticInfo.Create(D.ModuleNotListed, request.ModulePathLocation, request.ModulePath, listed));
        }
        if (image.MissingFile is { } missing) return Fail(DiagnosticInfo.Create(D.ModuleNotFound, request.ModulePathLocation, image.ItemPath, missing));
        var decoded = image.Decoded;
        if (decoded.Module is not { } module)
            return Fail(DiagnosticInfo.Create(D.ModuleMalformed, request.ModulePathLocation, image.ItemPath, decoded.Error ?? "unknown error", Hex(decoded.ErrorOffset)));
        cancellationToken.ThrowIfCancellationRequested();

        var context = new ModuleContext(module, image);
        var arguments = CheckEntry(request, context, diagnostics);
        var exports = Exports(context);
        var globals = Globals(context);

        var links = ValidateLinks(match, context, diagnostics, out var linked);
        var mocks = Mocks(request, context, linked, diagnostics);
        var views = new Dictionary<string, ViewSpec>(StringComparer.Ordinal);
        var methods = new List<ProbeMethodSpec>();
        var testNames = new HashSet<string>(request.MemberNames, StringComparer.Ordinal);
        foreach (var method in request.Methods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ValidateMethod(request, method, context, linked, mocks, diagnostics, testNames) is { } result)
            {
                views[result.View.TypeName] = result.View;
                if (result.Method is not null) methods.Add(result.Method);
            }
        }

        // Emitted even when some probes have errors: the valid ones (and the views of probes whose location is valid)
        // still compile, so the errors are not buried under missing-type errors.
        var spec = new ProbeClassSpec(
            request.Namespace,
            request.ContainingTypes,
            request.Name,
            request.FullName,
            request.Keyword,
            image.ItemPath,
            request.Entry,
            arguments.ToEquatableArray(),
            request.Wasi,
            ValidateWasi(request, diagnostics),
            links,
            request.DeadlineMilliseconds,
            request.GenerateFacts && hasXunit,
            module.IndexSpaces.Memories.Length,
            exports,
            globals,
            Tags(context),
            views.Values.OrderBy(v => v.Pc).ThenBy(v => v.Kind).ThenBy(v => v.TypeName, StringComparer.Ordinal).ToEquatableArray(),
            methods.ToEquatableArray(),
            mocks.ToEquatableArray(),
            context.SourceTypes.Types);
        return new ProbeClassResult(spec, diagnostics.ToEquatableArray());
    }

    /// <summary>The entry export and its arguments, resolved as the runtime and the CLI resolve them
    /// (<see cref="EntryResolver"/>).</summary>
    private static List<ValueSpec> CheckEntry(ProbeClassRequest request, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        var arguments = new List<ValueSpec>();
        if (request.Entry is not { } entry)
        {
            if (request.Args.Count > 0)
                diagnostics.Add(DiagnosticInfo.Create(D.EntryArgumentCount, request.ArgsLocation, $"Args has {Count(request.Args.Count)} but no Entry is set"));
            return arguments;
        }
        var resolution = EntryResolver.Resolve(context.Module, entry, request.Args.Count);
        if (resolution.Problem is { } problem)
        {
            diagnostics.Add(EntryDiagnostic(problem, request, context));
            return arguments;
        }
        var type = resolution.Value.Type;
        for (int i = 0; i < type.Parameters.Length; i++)
        {
            var value = Values.Convert(request.Args[i], type.Parameters[i], out string? error);
            if (value is null) diagnostics.Add(DiagnosticInfo.Create(D.ValueNotConvertible, request.Args[i].Location ?? request.ArgsLocation, error!, type.Parameters[i].ToString(), $", the type of parameter {i} of '{entry}'"));
            else arguments.Add(value);
        }
        return arguments;
    }

    /// <summary>The view (when the probe's location is valid) and the test (when everything is).</summary>
    private sealed record MethodResult(ViewSpec View, ProbeMethodSpec? Method);

    private static MethodResult? ValidateMethod(ProbeClassRequest request, ProbeMethodRequest method, ModuleContext context, IReadOnlyList<LinkedModuleInfo> linked,
        IReadOnlyList<MockSpec> mocks, List<DiagnosticInfo> diagnostics, HashSet<string> memberNames)
    {
        if (method.Kind is not { } kind)
        {
            var first = method.Expectations.Count > 0 ? method.Expectations[0].AttributeLocation : method.Ending?.Location ?? method.ImportCalls.FirstOrDefault()?.Location ?? method.NoWrites.FirstOrDefault()?.Location;
            diagnostics.Add(DiagnosticInfo.Create(D.ExpectationWithoutProbe, first ?? method.NameLocation, method.Name,
                "has Expect* attributes but no [BreakAt], [BreakAtLine], [StepFrom], [OnCall], [OnReturn], [BreakOnWrite] or [BreakOnGlobalWrite]: add one so the expectations have a stop to be checked at"));
            return null;
        }
        if (method.HasBothProbeKinds)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.SeveralProbes, method.ProbeAttributeLocation ?? method.NameLocation, method.Name));
            return null;
        }
        if (!method.ReturnsVoid || method.IsGeneric)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.InvalidProbeMethod, method.NameLocation, method.Name,
                method.IsGeneric ? "is generic: probe methods must be non-generic void methods" : "must return void (it runs inside the guest's stop, synchronously)"));
            return null;
        }
        int before = diagnostics.Count;

        // Which module it stops in (the class's own or a linked one), where, and the view of those stops.
        if (!ProbedModule(method, context, linked, diagnostics, out var link)) return null;
        var probed = link?.Context ?? context;
        var site = kind switch
        {
            ProbeKind.Line => LineSite(method, probed, diagnostics),
            ProbeKind.Write => WriteSite(method.Watch!, context, diagnostics),
            ProbeKind.GlobalWrite => GlobalWriteSite(method.Global!, context, diagnostics),
            _ => PcSite(method, kind, probed, diagnostics),
        };
        if (site is null) return null;
        var view = link is null ? site.View : site.View with { TypeName = Identifiers.TypePart(link.Name, 0) + "_" + site.View.TypeName, Module = link.Name };

        if (method.Hit < (kind == ProbeKind.Steps ? 1 : 0))
            diagnostics.Add(DiagnosticInfo.Create(D.InvalidCount, method.HitLocation, "Hit", kind == ProbeKind.Steps ? "at least 1" : "0 (every hit) or a hit number from 1", method.Hit.ToString(CultureInfo.InvariantCulture)));
        if (kind == ProbeKind.Steps && method.Steps < 0)
            diagnostics.Add(DiagnosticInfo.Create(D.InvalidCount, method.StepsLocation, "Steps", "0 or more", method.Steps.ToString(CultureInfo.InvariantCulture)));

        var parameter = Parameter(request, method, kind, view, diagnostics);

        var expectations = new List<ExpectationSpec>();
        foreach (var expectation in method.Expectations)
        {
            // Globals and memories are the guest's (as the session shows them) wherever the probe stops.
            var expected = expectation.Kind is ExpectationKind.Global or ExpectationKind.Memory or ExpectationKind.TypedMemory ? context : probed;
            if (Expectation(expectation, expected, site, diagnostics) is { } spec) expectations.Add(spec);
        }
        var ending = Ending(request, method, context, diagnostics);
        var importCalls = method.ImportCalls.Select(c => ImportCalls(c, mocks, request, context, diagnostics)).Where(c => c is not null).Select(c => c!).ToEquatableArray();
        var noWrites = method.NoWrites.Select(w => NoWrite(w, kind, context, diagnostics)).Where(w => w is not null).Select(w => w!).ToEquatableArray();
        if (diagnostics.Count > before) return new MethodResult(view, null);

        string testName = method.Name + "_WasmProbe";
        for (int n = 2; memberNames.Contains(testName); n++) testName = method.Name + "_WasmProbe" + n.ToString(CultureInfo.InvariantCulture);
        memberNames.Add(testName);
        var methodSpec = new ProbeMethodSpec(method.Name, testName, request.FullName + "." + method.Name, kind, view.TypeName, parameter, method.IsStatic,
            view.Function, view.Pc, method.Hit, method.Optional, method.Steps, method.StepMode, expectations.ToEquatableArray(), view.Line, ending, importCalls,
            site.Watch, noWrites, link?.Name, method.EarlyReturns);
        return new MethodResult(view, methodSpec);
    }

    /// <summary>What the probe method takes: its view (or a base of it), the session, or nothing.</summary>
    private static ParameterKind Parameter(ProbeClassRequest request, ProbeMethodRequest method, ProbeKind kind, ViewSpec view, List<DiagnosticInfo> diagnostics)
    {
        if (method.Parameters.Count == 0) return ParameterKind.None;
        string viewName = $"{request.Name}.{view.TypeName}";
        if (method.Parameters.Count > 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.TooManyProbeParameters, method.Parameters[1].Location, method.Name, method.Parameters.Count.ToString(CultureInfo.InvariantCulture), viewName));
            return ParameterKind.None;
        }
        var p = method.Parameters[0];
        string[] baseTypes = kind switch
        {
            ProbeKind.Steps => ["global::WasmProbe.Probes.StopView", "global::WasmProbe.Probes.StepView"],
            ProbeKind.Line => ["global::WasmProbe.Probes.StopView", "global::WasmProbe.Probes.BreakpointView", "global::WasmProbe.Probes.LineView"],
            ProbeKind.Write => ["global::WasmProbe.Probes.StopView", "global::WasmProbe.Probes.WriteView"],
            ProbeKind.GlobalWrite => ["global::WasmProbe.Probes.StopView", "global::WasmProbe.Probes.GlobalWriteView"],
            _ => ["global::WasmProbe.Probes.StopView", "global::WasmProbe.Probes.BreakpointView"],
        };
        if (p.IsErrorType ? p.TypeName == view.TypeName : baseTypes.Contains(p.FullTypeName)) return ParameterKind.View;
        if (!p.IsErrorType && p.FullTypeName == "global::WasmProbe.Debugging.DebugSession") return ParameterKind.Session;
        diagnostics.Add(DiagnosticInfo.Create(D.WrongStopViewParameter, p.Location, method.Name, viewName, p.TypeName));
        return ParameterKind.None;
    }
}
