//! Generates the C header from the crate's source with cbindgen on every build.
//! The fresh header lands in `$OUT_DIR/callsign.h`; the unit test `header::committed_header_is_current`
//! compares it with the committed `include/callsign.h`.
//!
//! It also gives the shared library a versioned SONAME on ELF targets, `libcallsign.so.0.MINOR`
//! while the version is 0.x (as cargo-c does: before 1.0 a minor release may break the ABI),
//! `libcallsign.so.MAJOR` from 1.0 on. `install.sh` installs the file under that name and the
//! `libcallsign.so` development link to it.
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS")?;
    if !matches!(target_os.as_str(), "macos" | "ios" | "windows") {
        println!(
            "cargo:rustc-cdylib-link-arg=-Wl,-soname,libcallsign.so.{}",
            soname_version()?
        );
    }
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR")?;
    let out_dir = std::env::var("OUT_DIR")?;
    let config = cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml"))?;
    cbindgen::generate_with_config(&crate_dir, config)?
        .write_to_file(format!("{out_dir}/callsign.h"));
    Ok(())
}

/// `0.MINOR` for 0.x versions, `MAJOR` from 1.0 on.
fn soname_version() -> Result<String, Box<dyn Error>> {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR")?;
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR")?;
    Ok(if major == "0" {
        format!("0.{minor}")
    } else {
        major
    })
}
