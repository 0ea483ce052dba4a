// The generator's diagnostics, named D in every part of the generator.
global using D = WasmProbe.Generators.DiagnosticDescriptors;
