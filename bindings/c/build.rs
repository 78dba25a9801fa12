//! Generates the C header from the crate's source with cbindgen on every build.
//! The fresh header lands in `$OUT_DIR/callsign.h`; the unit test `header::committed_header_is_current`
//! compares it with the committed `include/callsign.h`.
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR")?;
    let out_dir = std::env::var("OUT_DIR")?;
    let config = cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml"))?;
    cbindgen::generate_with_config(&crate_dir, config)?
        .write_to_file(format!("{out_dir}/callsign.h"));
    Ok(())
}
