//! Secret hygiene: secret bytes are wiped before their heap memory is freed.
//!
//! A test-only global allocator looks at every block as it is freed and counts the blocks that
//! still hold a marker secret (raw, or in base32). A control run shows that the detector sees
//! an ordinary `Vec` that was not wiped; then every secret-holding type of the crate, and every
//! temporary it makes, must free nothing that still holds the marker.
//!
//! Limits: this covers the heap, not stack copies, and all checks run in one test function so
//! that no other test thread allocates at the same time.
#![allow(unsafe_code, clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// 32 bytes that occur nowhere else.
const MARKER: [u8; 32] = *b"\x8f\x13callsign-zeroize-marker\x7e\x21\x55\xaa\x01\x02\x03";
/// The first 16 base32 characters of MARKER (the encoding of its first 10 bytes).
const MARKER_BASE32_PREFIX: &[u8] = b"R4JWGYLMNRZWSZ3O";
/// A code's digits and its grouped form, watched like the marker (codes are secrets too).
const CODE_MARKER: &[u8] = b"97318642";
const GROUPED_CODE_MARKER: &[u8] = b"9731 8642";

/// The inner pad state of HMAC-SHA-256 under MARKER (native-endian words, as held in memory),
/// computed in the test from `sha2`'s compression function; watched once set.
static PAD_STATE_MARKER: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
/// The HMAC-SHA-256 tag of a fixed message under MARKER, watched once set.
static TAG_MARKER: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();

static WATCHING: AtomicBool = AtomicBool::new(false);
static DIRTY_FREES: AtomicUsize = AtomicUsize::new(0);

struct CheckingAllocator;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

// SAFETY: every allocation comes from the system allocator; `dealloc` only reads the block it
// is handed, which is still allocated and `layout.size()` bytes long at that point; `realloc`
// copies at most the smaller of the two sizes into a fresh block of the new size.
unsafe impl GlobalAlloc for CheckingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCHING.load(Ordering::SeqCst) {
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if contains(block, &MARKER[..16])
                || contains(block, MARKER_BASE32_PREFIX)
                || contains(block, CODE_MARKER)
                || contains(block, GROUPED_CODE_MARKER)
                || PAD_STATE_MARKER
                    .get()
                    .is_some_and(|marker| contains(block, marker))
                || TAG_MARKER
                    .get()
                    .is_some_and(|marker| contains(block, marker))
            {
                DIRTY_FREES.fetch_add(1, Ordering::SeqCst);
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }

    /// Always moves, so that the old block passes through `dealloc`'s check: a growing buffer
    /// that leaves a copy of a secret behind counts as a leak.
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new_ptr = System.alloc(new_layout);
            if !new_ptr.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new_ptr, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new_ptr
        }
    }
}

#[global_allocator]
static ALLOCATOR: CheckingAllocator = CheckingAllocator;

/// Runs `work` while watching frees and returns how many freed blocks held the marker.
fn dirty_frees(work: impl FnOnce()) -> usize {
    DIRTY_FREES.store(0, Ordering::SeqCst);
    WATCHING.store(true, Ordering::SeqCst);
    work();
    WATCHING.store(false, Ordering::SeqCst);
    DIRTY_FREES.load(Ordering::SeqCst)
}

#[test]
fn secrets_are_wiped_before_their_memory_is_freed() {
    assert_eq!(
        &callsign::base32::encode(&MARKER).as_bytes()[..16],
        MARKER_BASE32_PREFIX
    );

    // Control: an ordinary buffer is freed with the marker still in it, and the detector sees it.
    let control = dirty_frees(|| {
        let plain = std::hint::black_box(MARKER.to_vec());
        drop(plain);
    });
    assert_eq!(control, 1, "the detector must see an unwiped buffer");
    let code_control = dirty_frees(|| {
        drop(std::hint::black_box(Box::new(*b"97318642")));
        drop(std::hint::black_box(Box::new(*b"9731 8642")));
    });
    assert_eq!(code_control, 2, "the detector must see unwiped code digits");

    // HMAC key material: the pad states a prepared key keeps, and the tags it makes.
    let mut block = [0x36u8; 64];
    for (byte, key_byte) in block.iter_mut().zip(MARKER) {
        *byte ^= key_byte;
    }
    let mut inner = [
        0x6a09_e667u32,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    sha2::block_api::compress256(&mut inner, &[block]);
    let mut pad_state = [0u8; 32];
    for (chunk, word) in pad_state.chunks_exact_mut(4).zip(inner) {
        chunk.copy_from_slice(&word.to_ne_bytes());
    }
    PAD_STATE_MARKER.set(pad_state).unwrap();
    let key = callsign::mac::PreparedKey::new(callsign::Algorithm::Sha256, &MARKER);
    let tag = key.sign(b"zeroize-on-drop");
    TAG_MARKER
        .set(<[u8; 32]>::try_from(tag.as_bytes()).unwrap())
        .unwrap();
    let key_control = dirty_frees(|| {
        drop(std::hint::black_box(Box::new(pad_state)));
        drop(std::hint::black_box(Box::new(*TAG_MARKER.get().unwrap())));
    });
    assert_eq!(key_control, 2, "the detector must see unwiped key material");
    drop((key, tag));

    let leaks = dirty_frees(|| {
        let secret = callsign::Secret::from_bytes(&MARKER).unwrap();
        let clone = secret.clone();
        let encoded = secret.to_base32();
        let decoded = callsign::Secret::from_base32(&encoded).unwrap();
        let totp = callsign::Totp::new(&decoded, callsign::Algorithm::Sha256, 6, 30).unwrap();
        std::hint::black_box(totp.code_at(59).unwrap());
        let master = callsign::MasterKey::from_bytes(&MARKER).unwrap();
        let master_clone = master.clone();
        std::hint::black_box(master.account_secret("customer-0001", 0).unwrap());
        let enrollment = callsign::Enrollment::new(
            "ACME",
            "customer-0001",
            clone.clone(),
            0,
            callsign::ProfileParams::default(),
        )
        .unwrap();
        let uri = enrollment.to_uri_string();
        let parsed = callsign::Enrollment::parse(&uri).unwrap();
        let otpauth = callsign::OtpAuthUri::totp(Some("ACME"), "alice", clone.clone()).unwrap();
        let otpauth_text = otpauth.to_uri_string().unwrap();
        let reparsed = callsign::OtpAuthUri::parse(&otpauth_text).unwrap();
        drop((secret, clone, encoded, decoded, totp, master, master_clone));
        let key = Box::new(callsign::mac::PreparedKey::new(
            callsign::Algorithm::Sha256,
            &MARKER,
        ));
        let tag = Box::new(key.sign(b"zeroize-on-drop"));
        drop(std::hint::black_box((key, tag)));
        drop((enrollment, uri, parsed, otpauth, otpauth_text, reparsed));
    });
    assert_eq!(
        leaks, 0,
        "{leaks} freed heap blocks still held secret bytes"
    );

    the_widest_enrollment_uri_is_written_into_one_buffer();

    // Codes live on the stack; boxed, their drop is what wipes them before the free.
    let code_leaks = dirty_frees(|| {
        let code = Box::new(callsign::Code::parse_entry("9731 8642", 8).unwrap());
        let grouped = Box::new(code.grouped());
        drop((std::hint::black_box(code), std::hint::black_box(grouped)));
    });
    assert_eq!(
        code_leaks, 0,
        "{code_leaks} freed heap blocks still held a code"
    );
}

/// The longest enrollment URI (issuer and account id at their maximum, every byte written as
/// three, the longest secret, every parameter at its widest, signed) fits the buffer that
/// `to_uri_string` sizes up front, nearly filling it: a buffer that grew after the secret was
/// written would leave it behind. Called from the one test function above.
fn the_widest_enrollment_uri_is_written_into_one_buffer() {
    let mut widest = [0x55; callsign::MAX_SECRET_LEN];
    widest[..MARKER.len()].copy_from_slice(&MARKER);
    let widest = callsign::Secret::from_bytes(&widest).unwrap();
    let params = callsign::ProfileParams::new(callsign::MAX_DIGITS, callsign::MAX_PROFILE_PERIOD)
        .unwrap()
        .with_check_digit(true);
    let signing_key = callsign::SigningKey::from_seed(&[7; 32]).unwrap();
    let uri_leaks = dirty_frees(|| {
        let issuer = "\u{e9}".repeat(callsign::MAX_ISSUER_LEN / 2);
        let account = "\u{e9}".repeat(callsign::MAX_ACCOUNT_ID_LEN / 2);
        let enrollment = callsign::Enrollment::new(&issuer, &account, widest, u32::MAX, params)
            .unwrap()
            .signed(&signing_key)
            .unwrap();
        let uri = enrollment.to_uri_string();
        assert!(uri.contains("&check=damm&sig="));
        // Sized, not grown: a grown buffer has at least doubled, far beyond this slack.
        let slack = uri.capacity() - uri.len();
        assert!(
            slack < 64,
            "{} bytes in a buffer of {}",
            uri.len(),
            uri.capacity()
        );
        drop((std::hint::black_box(uri), enrollment));
    });
    assert_eq!(
        uri_leaks, 0,
        "{uri_leaks} freed heap blocks still held the secret of the widest enrollment URI"
    );
}
