//! The Rust code blocks of the project's READMEs, run as doctests.
//!
//! Each README that holds a `rust` block is included below as the documentation of one module,
//! so `cargo test -p callsign-readme-tests --doc` compiles and runs every block as written: the
//! blocks are whole programs (no hidden `# ` lines), so what a reader pastes is what is tested.
//! `scripts/docs-run.py` checks that every README with Rust blocks is listed here and that the
//! number of doctests that passed per module equals the number of blocks in its file.
#![forbid(unsafe_code)]

/// `README.md`
#[doc = include_str!("../../README.md")]
#[allow(
    clippy::doc_markdown,
    clippy::doc_lazy_continuation,
    rustdoc::broken_intra_doc_links,
    rustdoc::bare_urls,
    reason = "the README is written for GitHub and readers, not as rustdoc"
)]
pub mod readme {}
