// A library module the program `fractions.c` links against at run time (import module "mathlib"). It has its own
// memory, so only i32 values cross the boundary.

__attribute__((export_name("gcd"))) int gcd(int a, int b) {
    while (b != 0) {
        int rest = a % b;
        a = b;
        b = rest;
    }
    return a < 0 ? -a : a;
}

__attribute__((export_name("lcm"))) int lcm(int a, int b) {
    if (a == 0 || b == 0) return 0;
    return a / gcd(a, b) * b;
}

// Divides without checking: a zero divisor traps here, inside the library.
__attribute__((export_name("quotient"))) int quotient(int a, int b) {
    return a / b;
}
