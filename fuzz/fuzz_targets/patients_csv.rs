//! The レセコン patient list import (`enkaku patients import`): any bytes — UTF-8, Shift_JIS or
//! neither — are read into checked rows and rejections with their lines, or refused whole.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = time::macros::date!(2026 - 11 - 21);
    let _ = enkaku::patients_import::parse(Path::new("fuzz.csv"), data, today);
});
