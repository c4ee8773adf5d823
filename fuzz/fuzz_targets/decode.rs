#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sitrep_fuzz::libfuzzer(sitrep_fuzz::decode, data));
