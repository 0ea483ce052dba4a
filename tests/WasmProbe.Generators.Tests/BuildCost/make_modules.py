#!/usr/bin/env python3
"""Writes synthetic WebAssembly modules of about a given size for the generator's build-cost measurement.

Each module has ~2000 functions of straight-line i32 arithmetic over named params and locals, a memory, a mutable
global and a full name section (function and local names), so decoding, name lookup and analysis all have real work.
Function 'f0' is exported; its first instructions are at fixed pcs the probe classes use (see measure.sh).
Usage: make_modules.py OUT_DIR COUNT [BYTES]"""
import os
import sys


def leb_u(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def leb_s(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not (b & 0x40)) or (n == -1 and (b & 0x40)):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items):
    return leb_u(len(items)) + b"".join(items)


def name(s):
    b = s.encode()
    return leb_u(len(b)) + b


def section(sid, payload):
    return bytes([sid]) + leb_u(len(payload)) + payload


def body(seed, length):
    code = bytearray()
    k = 0
    while len(code) < length:
        c = (seed * 7919 + k * 104729) % 100000 - 50000
        code += b"\x20\x00" + b"\x41" + leb_s(c) + b"\x6a" + b"\x21\x02"   # local.get 0; i32.const c; i32.add; local.set 2
        code += b"\x20\x02\x20\x01\x6c\x21\x03"                           # local.get 2; local.get 1; i32.mul; local.set 3
        k += 1
    code += b"\x20\x03\x0b"                                                  # local.get 3; end
    locals_ = vec([leb_u(2) + b"\x7f"])
    payload = locals_ + bytes(code)
    return leb_u(len(payload)) + payload


def module(seed, target):
    functions = 2000
    per_body = max(40, target // functions - 40)
    types = section(1, vec([b"\x60" + vec([b"\x7f", b"\x7f"]) + vec([b"\x7f"])]))
    funcs = section(3, vec([leb_u(0)] * functions))
    memory = section(5, vec([b"\x00" + leb_u(1)]))
    globals_ = section(6, vec([b"\x7f\x01\x41" + leb_s(seed) + b"\x0b"]))
    exports = section(7, vec([name("f0") + b"\x00" + leb_u(0)]))
    code = section(10, vec([body(seed + i, per_body) for i in range(functions)]))
    fnames = vec([leb_u(i) + name(f"func_{seed}_{i}") for i in range(functions)])
    lnames = vec([leb_u(i) + vec([leb_u(0) + name("x"), leb_u(1) + name("y"), leb_u(2) + name("acc"), leb_u(3) + name("prod")]) for i in range(functions)])
    gnames = vec([leb_u(0) + name("counter")])
    names = name("name") + bytes([1]) + leb_u(len(fnames)) + fnames + bytes([2]) + leb_u(len(lnames)) + lnames + bytes([7]) + leb_u(len(gnames)) + gnames
    custom = section(0, names)
    return b"\x00asm\x01\x00\x00\x00" + types + funcs + memory + globals_ + exports + code + custom


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    target = int(sys.argv[3]) if len(sys.argv) > 3 else 1 << 20
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        data = module(i + 1, target)
        with open(os.path.join(out, f"big{i}.wasm"), "wb") as f:
            f.write(data)
        print(f"big{i}.wasm: {len(data)} bytes")


if __name__ == "__main__":
    main()
