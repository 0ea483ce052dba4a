// A program whose arithmetic lives in another module: mathlib.wasm, linked in by the host under the name "mathlib".

__attribute__((import_module("mathlib"), import_name("gcd"))) int gcd(int a, int b);
__attribute__((import_module("mathlib"), import_name("lcm"))) int lcm(int a, int b);
__attribute__((import_module("mathlib"), import_name("quotient"))) int quotient(int a, int b);

// a/b + c/d reduced; returns the numerator, the denominator is left in `last_denominator`.
int last_denominator;

__attribute__((export_name("add"))) int add(int a, int b, int c, int d) {
    int denominator = lcm(b, d);
    int numerator = a * (denominator / b) + c * (denominator / d);
    int common = gcd(numerator, denominator);
    last_denominator = denominator / common;
    return numerator / common;
}

// The whole part of a/b, computed by the library (b == 0 traps in mathlib's quotient).
__attribute__((export_name("whole"))) int whole(int a, int b) {
    int part = quotient(a, b);
    return part;
}
