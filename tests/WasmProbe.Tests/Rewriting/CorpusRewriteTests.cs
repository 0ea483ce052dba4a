using WasmProbe.Tests.Corpus;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Rewriting;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Tests.Rewriting;

public class CorpusRewriteTests
{
    private static readonly Wasmtime.Engine Engine = new();

    [Theory]
    [MemberData(nameof(CorpusFiles.ValidNames), MemberType = typeof(CorpusFiles))]
    public void Probe_call_before_every_instruction_keeps_the_module_valid_and_pcs_mapped(string name)
    {
        var module = ModuleDecoder.Decode(CorpusFiles.ReadValid(name));
        var builder = new ModuleBuilder(module);
        int probe = builder.AddFunctionImport("wasmprobe", "probe", new FunctionType([ValType.I32], []));
        var spaces = module.IndexSpaces;
        for (int f = spaces.ImportedFunctionCount; f < spaces.FunctionCount; f++)
        {
            var code = module.Bodies[f - spaces.ImportedFunctionCount].Code;
            builder.RewriteBody(f, body =>
            {
                for (int i = 0; i < code.Count; i++)
                {
                    body.I32Const(code[i].Offset);
                    body.Call(probe);
                    body.CopyOriginal(i);
                }
            });
        }

        var map = new PcMap();
        var rewritten = ModuleEncoder.Encode(builder.Build(), map);

        Wasmtime.Module.Validate(Engine, rewritten).ShouldBeNull();
        foreach (var body in module.Bodies)
        {
            foreach (var ins in body.Code.Instructions)
            {
                int moved = map.ToNew(ins.Offset);
                moved.ShouldBeGreaterThan(ins.Offset);
                map.ToOriginal(moved).ShouldBe(ins.Offset);
            }
        }
        var decoded = ModuleDecoder.Decode(rewritten);
        decoded.IndexSpaces.ImportedFunctionCount.ShouldBe(spaces.ImportedFunctionCount + 1);
        decoded.Exports.Where(e => e.Kind == ExternalKind.Function).Select(e => e.Index)
            .ShouldBe(module.Exports.Where(e => e.Kind == ExternalKind.Function).Select(e => builder.MapFunction(e.Index)));
    }
}
