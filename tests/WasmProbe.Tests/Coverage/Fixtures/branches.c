// A small C guest for the coverage tests: a function with two ifs, a loop, and a function no test calls.
// Rebuild with ./build.sh (clang-14 and wasm-ld-14); the tests use the checked-in branches.wasm.

int classify(int x) {
    if (x < 0) {
        return -1;
    }
    if (x == 0) {
        return 0;
    }
    return 1;
}

int sum_to(int n) {
    int total = 0;
    for (int i = 1; i <= n; i++) {
        total += i;
    }
    return total;
}

int never_called(int x) {
    return x * 3;
}
