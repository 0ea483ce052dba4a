using System.Globalization;

namespace WasmProbe.Generators;

// Import mocks: each [MockImport] method checked against the function import it provides, and each [ExpectImportCalls]
// against the class's mocks.
public sealed partial class WasmProbeGenerator
{
    private static List<MockSpec> Mocks(ProbeClassRequest request, ModuleContext context, IReadOnlyList<LinkedModuleInfo> linked, List<DiagnosticInfo> diagnostics)
    {
        var mocks = new List<MockSpec>();
        foreach (var mock in request.Mocks)
        {
            // The runtime defines a linked module's exports under its name: a mock of one of them is defined twice.
            if (mock.Module.Value is string module && mock.Name.Value is string name
                && linked.FirstOrDefault(l => l.Name == module && l.Module.Exports.Any(e => e.Name == name)) is { } provider)
            {
                diagnostics.Add(DiagnosticInfo.Create(D.MockOfLinkedImport, mock.Module.Location ?? mock.AttributeLocation, module, name, provider.Path));
                continue;
            }
            if (Mock(mock, request.ModulePath, context, diagnostics) is { } spec) mocks.Add(spec);
        }
        return mocks;
    }

    private static MockSpec? Mock(MockRequest mock, string modulePath, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        if (mock.Module.Value is not string module || mock.Name.Value is not string name || FunctionImport(context.Module, module, name) is not { } import)
        {
            diagnostics.Add(UnknownImportDiagnostic(mock.Module, mock.Name, mock.AttributeLocation, modulePath, context));
            return null;
        }
        var type = context.Module.IndexSpaces.FunctionType(import.TypeIndex);
        var parameters = type.Parameters.Select(MockType).ToArray();
        string? result = type.Results.Length switch { 0 => "void", 1 => MockType(type.Results[0]), _ => null };
        if (parameters.Any(p => p is null) || result is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.MockSignature, mock.AttributeLocation, mock.MethodName, $"{module}.{name} {type}",
                "only i32, i64, f32 and f64 parameters and at most one result can be mocked"));
            return null;
        }
        string needed = $"static {result} {mock.MethodName}({string.Join(", ", parameters)})";
        bool matches = mock.IsStatic && !mock.IsGeneric && mock.ReturnType == result && mock.ParameterTypes.SequenceEqual(parameters!);
        if (!matches)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.MockSignature, mock.NameLocation, mock.MethodName, $"{module}.{name} {type}",
                $"it must be '{needed}' (it is '{(mock.IsStatic ? "static " : "")}{mock.ReturnType} {mock.MethodName}({string.Join(", ", mock.ParameterTypes)})')"));
            return null;
        }
        return new MockSpec(mock.MethodName, module, name, parameters.Select(p => p!).ToEquatableArray(), result);
    }

    private static ImportCallsSpec? ImportCalls(ImportCallsRequest calls, IReadOnlyList<MockSpec> mocks, ProbeClassRequest request, ModuleContext context, List<DiagnosticInfo> diagnostics)
    {
        if (calls.Module.Value is not string module || calls.Name.Value is not string name || FunctionImport(context.Module, module, name) is null)
        {
            diagnostics.Add(UnknownImportDiagnostic(calls.Module, calls.Name, calls.Location, request.ModulePath, context));
            return null;
        }
        if (!mocks.Any(m => m.Module == module && m.Name == name))
        {
            diagnostics.Add(DiagnosticInfo.Create(D.ImportNotMocked, calls.Location, $"{module}.{name}", request.Name));
            return null;
        }
        if (calls.Count.Value is not int count || count < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(D.InvalidCount, calls.Count.Location ?? calls.Location, "Count", "0 or more", Shown(calls.Count)));
            return null;
        }
        return new ImportCallsSpec(module, name, count);
    }

    private static Import? FunctionImport(Module module, string moduleName, string name) =>
        module.Imports.FirstOrDefault(i => i.Kind == ExternalKind.Function && i.ModuleName == moduleName && i.Name == name);

    private static DiagnosticInfo UnknownImportDiagnostic(ConstantArg module, ConstantArg name, LocationInfo? at, string modulePath, ModuleContext context)
    {
        var imports = context.Module.Imports.Where(i => i.Kind == ExternalKind.Function).Select(i => $"{i.ModuleName}.{i.Name}").ToList();
        string listed = imports.Count == 0 ? "it imports no functions" : "its function imports: " + string.Join(", ", imports.Take(20)) + (imports.Count > 20 ? $", +{imports.Count - 20}" : "");
        return DiagnosticInfo.Create(D.UnknownImport, module.Location ?? at, modulePath, $"{Shown(module)}.{Shown(name)}", listed);
    }

    /// <summary>The C# type a mock takes for a wasm value type, or null where there is none.</summary>
    private static string? MockType(ValType type) => type.Kind switch
    {
        ValueKind.I32 => "int",
        ValueKind.I64 => "long",
        ValueKind.F32 => "float",
        ValueKind.F64 => "double",
        _ => null,
    };
}
