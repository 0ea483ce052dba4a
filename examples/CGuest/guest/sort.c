// A small C guest for WasmProbe's source-level debugging tests: parses the numbers in a string, sorts them with an
// insertion sort and prints them (and their sum) through WASI. tests/WasmProbe.Tests/Dwarf refers to its line numbers:
// after editing, rebuild with build.sh and update the tests.
#include <stdio.h>

#define MAX_VALUES 16

// Parses the unsigned decimal numbers in text (anything else separates them) into out; returns how many.
static int parse_numbers(const char *text, int *out, int max) {
    int count = 0;
    const char *p = text;
    while (*p != '\0' && count < max) {
        if (*p >= '0' && *p <= '9') {
            int value = 0;
            while (*p >= '0' && *p <= '9') {
                value = value * 10 + (*p - '0');
                p++;
            }
            out[count++] = value;
        } else {
            p++;
        }
    }
    return count;
}

// Sorts a[0..n) in ascending order. `used` keeps an out-of-line copy at -O2 next to the one inlined into main.
__attribute__((used)) void insertion_sort(int *a, int n) {
    for (int i = 1; i < n; i++) {
        int key = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > key) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = key;
    }
}

static int sum(const int *a, int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
        total += a[i];
    }
    return total;
}

int main(void) {
    int values[MAX_VALUES];
    int n = parse_numbers("5, 2, 9, 1, 7, 3", values, MAX_VALUES);
    insertion_sort(values, n);
    for (int i = 0; i < n; i++) {
        printf("%d ", values[i]);
    }
    printf("\nsum=%d\n", sum(values, n));
    return 0;
}
