// A Rust guest for the DWARF variable tests: a struct, an array, a slice, a &str and an Option<u32> as locals of
// `describe`. no_std, exporting run(); build.sh links it without libcore.
// tests/WasmProbe.Tests/Dwarf/RustVariableTests.cs refers to its line numbers.
#![no_std]

pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[inline(never)]
fn describe(point: &Point, values: &[u16], label: &str, maybe: Option<u32>) -> u64 {
    let corners: [Point; 2] = [Point { x: point.x, y: 0 }, Point { x: 0, y: point.y }];
    let first = if values.is_empty() { 0 } else { values[0] };
    let extra = match maybe {
        Some(value) => value,
        None => 1,
    };
    let total = corners[0].x as u64 + corners[1].y as u64 + first as u64 + label.len() as u64 + extra as u64;
    total
}

#[no_mangle]
pub extern "C" fn run() -> u64 {
    let point = Point { x: 3, y: -4 };
    let numbers = [10u16, 20, 30];
    let none: Option<u32> = None;
    let some = Some(42u32);
    describe(&point, &numbers[1..], "hello", some) + describe(&point, &numbers, "", none)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
