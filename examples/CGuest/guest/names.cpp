// C++ names in DWARF: namespaces, a member function defined out of line (DW_AT_specification), a template, and an
// always-inlined helper (DW_TAG_inlined_subroutine with DW_AT_abstract_origin).
namespace geometry {
struct Point {
    int x, y;
    int manhattan() const;
};

int Point::manhattan() const {
    return (x < 0 ? -x : x) + (y < 0 ? -y : y);
}

template <typename T>
T twice(T value) {
    return value + value;
}
}  // namespace geometry

static inline __attribute__((always_inline)) int square(int v) {
    return v * v;
}

extern "C" int run(int a, int b) {
    geometry::Point p{a, b};
    int m = p.manhattan();
    return geometry::twice(m) + square(a);
}
