// A WASI command for WasmProbe's hosting tests: counts the lines, words and bytes of each file named on its command
// line (from a preopened directory), or of stdin when none is named. With WC_REPORT set, it also writes the totals to
// that file (in a writable preopened directory). Exit code: 0, or 2 when a file could not be opened, or 3 when the
// report could not be written. Rebuild with build.sh; tests refer to the line numbers below.
#include <stdio.h>
#include <stdlib.h>

struct counts {
    long lines;
    long words;
    long bytes;
};

static void count_stream(FILE *in, struct counts *c) {
    int in_word = 0;
    int ch;
    while ((ch = fgetc(in)) != EOF) {
        c->bytes++;
        if (ch == '\n') c->lines++;
        int space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
        if (!space && !in_word) c->words++;
        in_word = !space;
    }
}

static int count_file(const char *path, struct counts *total) {
    FILE *in = fopen(path, "r");
    if (in == NULL) {
        fprintf(stderr, "wc: cannot open %s\n", path);
        return 0;
    }
    struct counts c = {0, 0, 0};
    count_stream(in, &c);
    fclose(in);
    printf("%ld %ld %ld %s\n", c.lines, c.words, c.bytes, path);
    total->lines += c.lines;
    total->words += c.words;
    total->bytes += c.bytes;
    return 1;
}

int main(int argc, char **argv) {
    struct counts total = {0, 0, 0};
    int status = 0;
    if (argc < 2) {
        count_stream(stdin, &total);
        printf("%ld %ld %ld -\n", total.lines, total.words, total.bytes);
    }
    for (int i = 1; i < argc; i++) {
        if (!count_file(argv[i], &total)) status = 2;
    }
    const char *report = getenv("WC_REPORT");
    if (report != NULL) {
        FILE *out = fopen(report, "w");
        if (out == NULL) return 3;
        fprintf(out, "lines=%ld words=%ld bytes=%ld\n", total.lines, total.words, total.bytes);
        fclose(out);
    }
    return status;
}
