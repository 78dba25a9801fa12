//! Generates the C header from the crate's source with cbindgen on every build.
//! The fresh header lands in `$OUT_DIR/callsign.h`; the unit test `header::committed_header_is_current`
//! compares it with the committed `include/callsign.h`.
fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let out_dir = std::env::var("OUT_DIR").unwrap();
    let config = cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml")).unwrap();
    cbindgen::generate_with_config(&crate_dir, config)
        .unwrap()
        .write_to_file(format!("{out_dir}/callsign.h"));
}
