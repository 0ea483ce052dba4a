// A C guest for the DWARF variable tests: every kind of type and scope the variable reader handles. No libc: built
// with -nostdlib and exports run(int). tests/WasmProbe.Tests/Dwarf/VariableTests.cs refers to its line numbers.
enum color { RED, GREEN = 5, BLUE };

struct item {
    int qty;
    unsigned char tag[3];
    unsigned flags : 3;
    unsigned level : 5;
    enum color color;
};

union word {
    int i;
    float f;
    unsigned char bytes[4];
};

typedef struct item item_t;

int counter = 7;
static const double scale = 2.5;
short grid[2][3] = {{1, 2, 3}, {4, 5, 6}};

__attribute__((noinline)) int total(const item_t *items, int n) {
    static int calls;
    int sum = 0;
    calls++;
    for (int i = 0; i < n; i++) {
        int sum = items[i].qty * items[i].level;
        counter += sum;
    }
    for (int i = 0; i < n; i++) {
        sum += items[i].qty;
    }
    return sum + calls;
}

// Ten scalar variables: the frame of the variable-reading benchmark.
__attribute__((noinline)) int scalars(int a, unsigned b) {
    char c = 'c';
    short s = -2;
    long l = 40000;
    long long ll = -5;
    float f = 1.25f;
    double d = 2.5;
    unsigned char uc = 200;
    _Bool flag = a > b;
    return a + b + c + s + l + ll + f + d + uc + flag;
}

int run(int seed) {
    struct item items[3] = {{3, {'a', 'b', 'c'}, 5, 17, GREEN}, {4, {1, 2, 3}, 1, 2, BLUE}, {5, {0}, 0, 31, RED}};
    union word w;
    w.i = seed;
    item_t *it = &items[1];
    unsigned long long big = 1ULL << 40;
    double half = 0.5;
    char letter = 'x';
    _Bool ok = seed > 0;
    volatile int v = seed * 2;
    int r = total(items, 3) + scalars(seed, 3);
    return r + it->qty + w.bytes[0] + grid[1][2] + (int)(big >> 40) + (int)(half * 4) + letter + ok + v + (int)scale;
}
