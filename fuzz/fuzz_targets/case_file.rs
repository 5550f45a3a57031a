//! `enkaku check`'s case file (docs/case-format.md): any text is read into a consultation or
//! refused with an error, and a consultation that reads is evaluated by every rule against the
//! demo drug list.
#![no_main]

use std::cell::RefCell;

use enkaku::drugs::DrugMaster;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static DRUGS: RefCell<Option<DrugMaster>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(consultation) = enkaku::rules::parse_case(text) else {
        return;
    };
    DRUGS.with(|cell| {
        let mut cell = cell.borrow_mut();
        let drugs = cell.get_or_insert_with(|| {
            let mut drugs = DrugMaster::open_in_memory().expect("in-memory drug master");
            drugs.ensure_demo().expect("demo drug list");
            drugs
        });
        let now = time::macros::datetime!(2026-11-21 10:00 UTC);
        let findings = enkaku::rules::evaluate(&consultation, drugs, now);
        let _ = enkaku::rules::findings_text(&findings);
        let _ = enkaku::rules::findings_json(&findings);
    });
});
