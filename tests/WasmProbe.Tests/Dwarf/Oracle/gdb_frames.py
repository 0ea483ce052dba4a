# The gdb side of GdbOracleTests: runs a native -O0 -g build of a guest's source under gdb and writes one JSON line
# per stop at the given line breakpoints (ORACLE_LINES, "file:line,..."; ORACLE_STDIN: a file for the program's stdin)
# into ORACLE_OUT: the line and the innermost frame's variables declared before that line (an inner name hides an
# outer one, as in C), each rendered as WasmProbe's side renders it: integers (enums, chars, bools) in decimal,
# floats by Python's repr, arrays as [..], structures as {name = ..}, pointers to pointer-free data as *target (or
# null). Unions, opaque structures (FILE), pointers to data with pointers, and anything else are left out (their
# bytes differ between targets).
import gdb, json, os

SCALARS = (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_ENUM, gdb.TYPE_CODE_BOOL, gdb.TYPE_CODE_CHAR, gdb.TYPE_CODE_FLT)


def pointer_free(t, depth=0):
    t = t.strip_typedefs()
    if t.code in SCALARS:
        return True
    if depth > 4:
        return False
    if t.code == gdb.TYPE_CODE_ARRAY:
        return pointer_free(t.target(), depth + 1)
    if t.code == gdb.TYPE_CODE_STRUCT:
        return len(t.fields()) > 0 and all(pointer_free(f.type, depth + 1) for f in t.fields())
    return False


def render(v):
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_FLT:
        return repr(float(v))
    if t.code in SCALARS:
        return str(int(v))
    if t.code == gdb.TYPE_CODE_ARRAY and pointer_free(t):
        low, high = t.range()
        return "[" + ", ".join(render(v[i]) for i in range(low, high + 1)) + "]"
    if t.code == gdb.TYPE_CODE_STRUCT and pointer_free(t):
        return "{" + ", ".join(f.name + " = " + render(v[f.name]) for f in t.fields()) + "}"
    if t.code == gdb.TYPE_CODE_PTR and pointer_free(t.target()):
        return "*" + render(v.dereference()) if int(v) != 0 else "null"
    return None


def frame_variables(frame, line):
    values, seen = {}, set()
    block = frame.block()
    while block is not None:
        for symbol in block:
            if not (symbol.is_argument or symbol.is_variable) or symbol.name in seen:
                continue
            seen.add(symbol.name)
            if symbol.line >= line:
                continue
            text = render(frame.read_var(symbol, block))
            if text is not None:
                values[symbol.name] = text
        if block.function is not None:
            break
        block = block.superblock
    return values


out = open(os.environ["ORACLE_OUT"], "w")
gdb.execute("set pagination off")
gdb.execute("set confirm off")
for location in os.environ["ORACLE_LINES"].split(","):
    gdb.execute("break " + location)
stdin = os.environ.get("ORACLE_STDIN")
gdb.execute("run" + (" < " + stdin if stdin else ""), to_string=True)
while gdb.selected_inferior().pid != 0:
    frame = gdb.selected_frame()
    line = frame.find_sal().line
    out.write(json.dumps({"line": line, "vars": frame_variables(frame, line)}) + "\n")
    gdb.execute("continue", to_string=True)
out.close()
