// V8's inspector doing what `wasmprobe trace --step` does: from a breakpoint at PC, single-step MAX_STOPS times and
// write each stop (function, pc, locals, operand stack, with values) as a JSON line to /dev/null.
// usage: node v8-step.mjs FILE.wasm EXPORT ARG PC MAX_STOPS   prints {"stops": N, "ms": M} (M: first stop to last)
import inspector from 'node:inspector';
import fs from 'node:fs';

const [file, exportName, arg, pc, maxStops] = process.argv.slice(2);
const session = new inspector.Session();
session.connect();
const post = (method, params) => {
  let error, result;
  session.post(method, params, (e, r) => { error = e; result = r; });
  if (error) throw new Error(`${method}: ${error.message}`);
  return result;
};
const properties = (objectId) => post('Runtime.getProperties', { objectId, ownProperties: true, generatePreview: true }).result;
const valueOf = (property) => property.value?.preview?.properties?.find(p => p.name === 'value')?.value ?? property.value?.description;

let scriptId;
session.on('Debugger.scriptParsed', ({ params }) => { if (params.url.startsWith('wasm://')) scriptId = params.scriptId; });
post('Debugger.enable');
const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), {});
post('Debugger.setBreakpoint', { location: { scriptId, lineNumber: 0, columnNumber: Number(pc) } });

const out = fs.openSync('/dev/null', 'w');
let stops = 0, first;
session.on('Debugger.paused', ({ params }) => {
  first ??= process.hrtime.bigint();
  const frame = params.callFrames[0];
  const stop = { event: 'step', func: frame.functionName, pc: frame.location.columnNumber, locals: [], stack: [] };
  for (const scope of frame.scopeChain) {
    if (scope.type === 'local') for (const local of properties(scope.object.objectId)) stop.locals.push(valueOf(local));
    if (scope.type === 'wasm-expression-stack') {
      const stack = properties(scope.object.objectId).find(p => p.name === 'stack');
      if (stack?.value?.objectId) for (const slot of properties(stack.value.objectId)) stop.stack.push(valueOf(slot));
    }
  }
  fs.writeSync(out, JSON.stringify(stop) + '\n');
  post(++stops >= Number(maxStops) ? 'Debugger.resume' : 'Debugger.stepInto');
});
instance.exports[exportName](Number(arg));
console.log(JSON.stringify({ stops, ms: Number(process.hrtime.bigint() - first) / 1e6 }));
