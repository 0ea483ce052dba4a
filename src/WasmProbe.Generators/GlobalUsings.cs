// The generator's model, which nearly every part of it uses.
global using WasmProbe.Generators.Model;
// The generator's diagnostics, named D in every part of the generator.
global using D = WasmProbe.Generators.DiagnosticDescriptors;
