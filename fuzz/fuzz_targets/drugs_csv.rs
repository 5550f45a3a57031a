//! The MHLW drug list import (`enkaku drugs import`): any bytes are parsed into an edition with
//! its rejected rows, or refused with an error naming the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = enkaku::drugs::parse_edition("fuzz.csv", data);
});
