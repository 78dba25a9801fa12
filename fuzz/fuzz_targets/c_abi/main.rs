//! The C API (bindings/c) called the way a C program calls it: its extern functions, called
//! directly from the `callsign_c` crate (no declarations copied from the header: these are the
//! signatures cbindgen generates `include/callsign.h` from). The input is a sequence of calls
//! ([`Call`]) with arbitrary bytes, lengths, buffer sizes, NULL pointers, non-UTF-8 text and
//! handles from earlier calls ([`args`]). Only what the header says is checked gets violated:
//! pointers are NULL or valid for the length passed, handles are live, and nothing is freed
//! twice ([`state`]). Checked after every call ([`checks`]):
//! - the result is one the library names (`callsign_result_name`), never `PANIC` or
//!   `UNKNOWN_ERROR` (a panic inside the boundary also aborts the run through libfuzzer's panic
//!   hook);
//! - `NULL_PARAMETER` only when a NULL was passed, `INVALID_UTF8` only when text was not UTF-8,
//!   and `OK` never when a required pointer was NULL;
//! - text and byte outputs: on `OK` the needed size fits the buffer, text ends in its only NUL
//!   and the rest of the buffer is untouched; on `INSUFFICIENT_SIZE` the needed size exceeds the
//!   buffer and nothing was written; asking with a NULL buffer of size 0 and then with the size
//!   it reported succeeds (and one byte less is `INSUFFICIENT_SIZE`);
//! - handle constructors leave NULL on failure and a handle on success; every handle is freed
//!   exactly once (at the latest when the run ends);
//! - codes are `digits` ASCII digits; verdict fields that do not apply are 0; emitted otpauth://
//!   and callsign:// URIs parse again and emit the same text; an exported verifier state
//!   imports back.
#![no_main]

mod args;
mod checks;
mod state;

use std::ptr;

use arbitrary::Arbitrary;
use callsign::ErrorKind;
use callsign_c::*;
use libfuzzer_sys::fuzz_target;

use args::{BytesArg, ConfigArg, HandleArg, Num, Output, TextArg, out};
use checks::{
    Given, Kind, check_code, check_handle, check_result, check_round_trip, check_timed_code,
    check_verdict, is_known, output, unwritten_timed_code,
};
use state::{Handle, State};

/// Which result `callsign_result_message` is asked about.
#[derive(Debug, Arbitrary)]
enum ResultArg {
    /// The number of a core error kind (from core's table).
    Kind(u8),
    /// Any number, mostly not a result.
    Any(u32),
}

/// How a verifier is made.
#[derive(Debug, Arbitrary)]
enum VerifierSource {
    /// `callsign_verifier_new_from_uri`, unsigned payloads allowed.
    Uri(TextArg),
    /// `callsign_verifier_new`.
    Enrollment(HandleArg),
    /// `callsign_verifier_new_with_state`.
    State(HandleArg, BytesArg),
    /// `callsign_verifier_new_locked`.
    Locked(HandleArg, Num),
}

/// The arguments of `callsign_hotp_key_verify` and `callsign_totp_key_verify`.
#[derive(Debug, Arbitrary)]
struct VerifyArgs {
    key: HandleArg,
    entry: TextArg,
    /// The counter (HOTP) or time (TOTP).
    at: Num,
    behind: Num,
    ahead: Num,
    matched_null: bool,
    step_null: bool,
    drift_null: bool,
}

/// Which handle type a `_free` is for.
#[derive(Debug, Arbitrary)]
enum HandleType {
    Secret,
    HotpKey,
    TotpKey,
    OtpAuth,
    MasterKey,
    Enrollment,
    Verifier,
}

/// One call of the C API. Every extern function of the header that takes or makes these
/// handles is reachable (the `_free`s through [`Call::Free`], `callsign_result_name` and
/// `callsign_verifier_config_default` through the checks and [`ConfigArg`]).
#[derive(Debug, Arbitrary)]
enum Call {
    ResultMessage(ResultArg, Output),
    LastErrorMessage(Output),
    AlgorithmFromName {
        name: TextArg,
        out_null: bool,
    },
    SecretFromBytes(BytesArg),
    SecretFromBase32(TextArg),
    SecretGenerate {
        algorithm: Num,
    },
    SecretToBase32(HandleArg, Output),
    SecretToBytes(HandleArg, Output),
    Hotp {
        secret: BytesArg,
        algorithm: Num,
        digits: Num,
        counter: Num,
        output: Output,
    },
    Totp {
        secret: BytesArg,
        algorithm: Num,
        digits: Num,
        period: Num,
        t0: Num,
        time: Num,
        output: Output,
    },
    HotpKeyNew {
        secret: HandleArg,
        algorithm: Num,
        digits: Num,
    },
    HotpKeyCode {
        key: HandleArg,
        counter: Num,
        output: Output,
    },
    HotpKeyVerify(VerifyArgs),
    TotpKeyNew {
        secret: HandleArg,
        algorithm: Num,
        digits: Num,
        period: Num,
        t0: Num,
    },
    TotpKeyCodeAt {
        key: HandleArg,
        time: Num,
        output: Output,
    },
    TotpKeyTimedCodeAt {
        key: HandleArg,
        time: Num,
        out_null: bool,
    },
    TotpKeyVerify(VerifyArgs),
    OtpauthParse(TextArg),
    OtpauthNew {
        hotp: bool,
        issuer: TextArg,
        account: TextArg,
        secret: HandleArg,
        algorithm: Num,
        digits: Num,
        period_or_counter: Num,
    },
    OtpauthGetInfo {
        otpauth: HandleArg,
        out_null: bool,
    },
    OtpauthText {
        account: bool,
        otpauth: HandleArg,
        output: Output,
    },
    OtpauthSecret(HandleArg),
    OtpauthToUri(HandleArg, Output),
    OtpauthKey {
        hotp: bool,
        otpauth: HandleArg,
    },
    MasterKeyGenerate,
    MasterKeyFromBytes(BytesArg),
    MasterKeyToBytes(HandleArg, Output),
    AccountSecret {
        key: HandleArg,
        account: TextArg,
        epoch: Num,
    },
    DeriveCallKey(HandleArg),
    AgentCode {
        secret: HandleArg,
        time: Num,
        digits: Num,
        period: Num,
        out_null: bool,
    },
    Base32Decode(TextArg, Output),
    Base32Encode(BytesArg, Output),
    EntryNormalize {
        entry: TextArg,
        digits: Num,
        output: Output,
    },
    EnrollmentParse(TextArg),
    EnrollmentNew {
        issuer: TextArg,
        account: TextArg,
        secret: HandleArg,
        epoch: Num,
        digits: Num,
        period: Num,
    },
    EnrollmentToUri(HandleArg, Output),
    EnrollmentText {
        account_id: bool,
        enrollment: HandleArg,
        output: Output,
    },
    EnrollmentGetInfo {
        enrollment: HandleArg,
        out_null: bool,
    },
    EnrollmentSecret(HandleArg),
    VerifierNew(VerifierSource, ConfigArg),
    VerifierCheck {
        verifier: HandleArg,
        entry: TextArg,
        now: Num,
        out_null: bool,
    },
    VerifierDisplay {
        verifier: HandleArg,
        now: Num,
        out_null: bool,
    },
    VerifierGetStatus {
        verifier: HandleArg,
        now: Num,
        out_null: bool,
    },
    VerifierExportState(HandleArg, Output),
    VerifierImportState(HandleArg, BytesArg),
    Free(HandleType, HandleArg),
}

fuzz_target!(|calls: Vec<Call>| {
    let mut state = State::default();
    for call in &calls {
        step(call, &mut state);
    }
});

/// Runs one call.
#[allow(
    clippy::too_many_lines,
    reason = "one arm per C function reads best as one match"
)]
fn step(call: &Call, state: &mut State) {
    let mut given = Given::default();
    let given = &mut given;
    match call {
        Call::ResultMessage(which, choice) => {
            let result = match which {
                ResultArg::Kind(index) => {
                    ErrorKind::ALL[usize::from(*index) % ErrorKind::ALL.len()].number()
                }
                ResultArg::Any(number) => *number,
            };
            let message = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                callsign_result_message(result, out.cast(), size, needed)
            });
            if !is_known(result) {
                assert!(message.is_none());
                let mut needed = 0;
                let rc =
                    unsafe { callsign_result_message(result, ptr::null_mut(), 0, &raw mut needed) };
                assert_eq!(rc, callsign_result::InvalidArgument);
            } else if let Some(message) = message {
                assert!(!message.is_empty());
            }
        }
        Call::LastErrorMessage(choice) => {
            if let Some(message) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                callsign_last_error_message(out.cast(), size, needed)
            }) {
                state.remember(message);
            }
        }
        Call::AlgorithmFromName { name, out_null } => {
            let name = name.get(state, given);
            let mut algorithm = 0;
            let out = out(*out_null, given, &mut algorithm);
            let result = unsafe { callsign_algorithm_from_name(name.ptr(), out) };
            if check_result(result, given) == callsign_result::Ok {
                assert!((1..=3).contains(&algorithm));
            }
        }
        Call::SecretFromBytes(bytes) => {
            let bytes = bytes.get(state, given);
            let mut secret = ptr::null_mut();
            let result =
                unsafe { callsign_secret_from_bytes(bytes.ptr(), bytes.1, &raw mut secret) };
            check_handle(state, result, given, secret);
        }
        Call::SecretFromBase32(text) => {
            let text = text.get(state, given);
            let mut secret = ptr::null_mut();
            let result = unsafe { callsign_secret_from_base32(text.ptr(), &raw mut secret) };
            check_handle(state, result, given, secret);
        }
        Call::SecretGenerate { algorithm } => {
            let mut secret = ptr::null_mut();
            let result = unsafe { callsign_secret_generate(algorithm.u32(), &raw mut secret) };
            check_handle(state, result, given, secret);
        }
        Call::SecretToBase32(secret, choice) => {
            let secret = secret.get::<callsign_secret>(state, given);
            if let Some(text) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                callsign_secret_to_base32(secret, out.cast(), size, needed)
            }) {
                state.remember(text);
            }
        }
        Call::SecretToBytes(secret, choice) => {
            let secret = secret.get::<callsign_secret>(state, given);
            if let Some(bytes) = output(choice, Kind::Bytes, given, |out, size, needed| unsafe {
                callsign_secret_to_bytes(secret, out, size, needed)
            }) {
                state.remember(bytes);
            }
        }
        Call::Hotp {
            secret,
            algorithm,
            digits,
            counter,
            output: choice,
        } => {
            let bytes = secret.get(state, given);
            let (algorithm, digits, counter) = (algorithm.u32(), digits.u32(), counter.u64());
            if let Some(code) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                callsign_hotp(
                    bytes.ptr(),
                    bytes.1,
                    algorithm,
                    digits,
                    counter,
                    out.cast(),
                    size,
                    needed,
                )
            }) {
                check_code(&code, Some(digits));
                state.remember(code);
            }
        }
        Call::Totp {
            secret,
            algorithm,
            digits,
            period,
            t0,
            time,
            output: choice,
        } => {
            let bytes = secret.get(state, given);
            let (algorithm, digits) = (algorithm.u32(), digits.u32());
            let (period, t0, time) = (period.u64(), t0.u64(), time.u64());
            if let Some(code) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                callsign_totp(
                    bytes.ptr(),
                    bytes.1,
                    algorithm,
                    digits,
                    period,
                    t0,
                    time,
                    out.cast(),
                    size,
                    needed,
                )
            }) {
                check_code(&code, Some(digits));
                state.remember(code);
            }
        }
        Call::HotpKeyNew {
            secret,
            algorithm,
            digits,
        } => {
            let secret = secret.get::<callsign_secret>(state, given);
            let mut key = ptr::null_mut();
            let result = unsafe {
                callsign_hotp_key_new(secret, algorithm.u32(), digits.u32(), &raw mut key)
            };
            check_handle(state, result, given, key);
        }
        Call::HotpKeyCode {
            key,
            counter,
            output: choice,
        } => {
            let key = key.get::<callsign_hotp_key>(state, given);
            let counter = counter.u64();
            if let Some(code) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                callsign_hotp_key_code(key, counter, out.cast(), size, needed)
            }) {
                check_code(&code, None);
                state.remember(code);
            }
        }
        Call::HotpKeyVerify(args) => key_verify(args, state, given, callsign_hotp_key_verify, true),
        Call::TotpKeyVerify(args) => {
            key_verify(args, state, given, callsign_totp_key_verify, false)
        }
        Call::TotpKeyNew {
            secret,
            algorithm,
            digits,
            period,
            t0,
        } => {
            let secret = secret.get::<callsign_secret>(state, given);
            let mut key = ptr::null_mut();
            let result = unsafe {
                callsign_totp_key_new(
                    secret,
                    algorithm.u32(),
                    digits.u32(),
                    period.u64(),
                    t0.u64(),
                    &raw mut key,
                )
            };
            check_handle(state, result, given, key);
        }
        Call::TotpKeyCodeAt {
            key,
            time,
            output: choice,
        } => {
            let key = key.get::<callsign_totp_key>(state, given);
            let time = time.u64();
            if let Some(code) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                callsign_totp_key_code_at(key, time, out.cast(), size, needed)
            }) {
                check_code(&code, None);
                state.remember(code);
            }
        }
        Call::TotpKeyTimedCodeAt {
            key,
            time,
            out_null,
        } => {
            let key = key.get::<callsign_totp_key>(state, given);
            let time = time.u64();
            timed_code(*out_null, state, given, None, |out| unsafe {
                callsign_totp_key_timed_code_at(key, time, out)
            });
        }
        Call::OtpauthParse(uri) => {
            let uri = uri.get(state, given);
            let mut otpauth = ptr::null_mut();
            let result = unsafe { callsign_otpauth_parse(uri.ptr(), &raw mut otpauth) };
            check_handle(state, result, given, otpauth);
        }
        Call::OtpauthNew {
            hotp,
            issuer,
            account,
            secret,
            algorithm,
            digits,
            period_or_counter,
        } => {
            let issuer = issuer.optional(state, given);
            let account = account.get(state, given);
            let secret = secret.get::<callsign_secret>(state, given);
            let function = if *hotp {
                callsign_otpauth_new_hotp
            } else {
                callsign_otpauth_new_totp
            };
            let mut otpauth = ptr::null_mut();
            let result = unsafe {
                function(
                    issuer.ptr(),
                    account.ptr(),
                    secret,
                    algorithm.u32(),
                    digits.u32(),
                    period_or_counter.u64(),
                    &raw mut otpauth,
                )
            };
            check_handle(state, result, given, otpauth);
        }
        Call::OtpauthGetInfo { otpauth, out_null } => {
            let otpauth = otpauth.get::<callsign_otpauth>(state, given);
            let mut info = callsign_otpauth_info {
                otp_type: 0,
                algorithm: 0,
                digits: 0,
                period: 0,
                counter: 0,
                has_issuer: false,
            };
            let out = out(*out_null, given, &mut info);
            let result = unsafe { callsign_otpauth_get_info(otpauth, out) };
            if check_result(result, given) == callsign_result::Ok {
                assert!(matches!(info.otp_type, 1 | 2) && (1..=3).contains(&info.algorithm));
                assert!(info.period == 0 || info.counter == 0);
            }
        }
        Call::OtpauthText {
            account,
            otpauth,
            output: choice,
        } => {
            let otpauth = otpauth.get::<callsign_otpauth>(state, given);
            let function = if *account {
                callsign_otpauth_account
            } else {
                callsign_otpauth_issuer
            };
            if let Some(text) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                function(otpauth, out.cast(), size, needed)
            }) {
                state.remember(text);
            }
        }
        Call::OtpauthSecret(otpauth) => {
            let otpauth = otpauth.get::<callsign_otpauth>(state, given);
            let mut secret = ptr::null_mut();
            let result = unsafe { callsign_otpauth_secret(otpauth, &raw mut secret) };
            check_handle(state, result, given, secret);
        }
        Call::OtpauthToUri(otpauth, choice) => {
            let otpauth = otpauth.get::<callsign_otpauth>(state, given);
            uri_output(
                choice,
                state,
                given,
                otpauth,
                callsign_otpauth_parse,
                callsign_otpauth_to_uri,
            );
        }
        Call::OtpauthKey { hotp, otpauth } => {
            let otpauth = otpauth.get::<callsign_otpauth>(state, given);
            if *hotp {
                let mut key = ptr::null_mut();
                let result = unsafe { callsign_otpauth_hotp_key(otpauth, &raw mut key) };
                check_handle(state, result, given, key);
            } else {
                let mut key = ptr::null_mut();
                let result = unsafe { callsign_otpauth_totp_key(otpauth, &raw mut key) };
                check_handle(state, result, given, key);
            }
        }
        Call::MasterKeyGenerate => {
            let mut key = ptr::null_mut();
            let result = unsafe { callsign_master_key_generate(&raw mut key) };
            check_handle(state, result, given, key);
        }
        Call::MasterKeyFromBytes(bytes) => {
            let bytes = bytes.get(state, given);
            let mut key = ptr::null_mut();
            let result =
                unsafe { callsign_master_key_from_bytes(bytes.ptr(), bytes.1, &raw mut key) };
            check_handle(state, result, given, key);
        }
        Call::MasterKeyToBytes(key, choice) => {
            let key = key.get::<callsign_master_key>(state, given);
            if let Some(bytes) = output(choice, Kind::Bytes, given, |out, size, needed| unsafe {
                callsign_master_key_to_bytes(key, out, size, needed)
            }) {
                assert!(
                    (callsign::MIN_MASTER_KEY_LEN..=callsign::MAX_MASTER_KEY_LEN)
                        .contains(&bytes.len())
                );
                state.remember(bytes);
            }
        }
        Call::AccountSecret {
            key,
            account,
            epoch,
        } => {
            let key = key.get::<callsign_master_key>(state, given);
            let account = account.get(state, given);
            let mut secret = ptr::null_mut();
            let result = unsafe {
                callsign_account_secret(key, account.ptr(), epoch.u32(), &raw mut secret)
            };
            check_handle(state, result, given, secret);
        }
        Call::DeriveCallKey(secret) => {
            let secret = secret.get::<callsign_secret>(state, given);
            let mut call_key = ptr::null_mut();
            let result = unsafe { callsign_call_key(secret, &raw mut call_key) };
            check_handle(state, result, given, call_key);
        }
        Call::AgentCode {
            secret,
            time,
            digits,
            period,
            out_null,
        } => {
            let secret = secret.get::<callsign_secret>(state, given);
            let (time, digits, period) = (time.u64(), digits.u32(), period.u64());
            timed_code(*out_null, state, given, Some(digits), |out| unsafe {
                callsign_agent_code(secret, time, digits, period, false, out)
            });
        }
        Call::Base32Decode(text, choice) => {
            let text = text.get(state, given);
            if let Some(bytes) = output(choice, Kind::Bytes, given, |out, size, needed| unsafe {
                callsign_base32_decode(text.ptr(), out, size, needed)
            }) {
                state.remember(bytes);
            }
        }
        Call::Base32Encode(bytes, choice) => {
            let bytes = bytes.get(state, given);
            if let Some(text) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                callsign_base32_encode(bytes.ptr(), bytes.1, out.cast(), size, needed)
            }) {
                assert_eq!(text.len(), (bytes.1 * 8).div_ceil(5));
                state.remember(text);
            }
        }
        Call::EntryNormalize {
            entry,
            digits,
            output: choice,
        } => {
            let (entry, digits) = (entry.get(state, given), digits.u32());
            if let Some(code) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                callsign_entry_parse(entry.ptr(), digits, out.cast(), size, needed)
            }) {
                check_code(&code, Some(digits));
            }
        }
        Call::EnrollmentParse(uri) => {
            let uri = uri.get(state, given);
            let mut enrollment = ptr::null_mut();
            let result = unsafe { callsign_enrollment_parse(uri.ptr(), &raw mut enrollment) };
            check_handle(state, result, given, enrollment);
        }
        Call::EnrollmentNew {
            issuer,
            account,
            secret,
            epoch,
            digits,
            period,
        } => {
            let (issuer, account) = (issuer.get(state, given), account.get(state, given));
            let secret = secret.get::<callsign_secret>(state, given);
            let mut enrollment = ptr::null_mut();
            let result = unsafe {
                callsign_enrollment_new(
                    issuer.ptr(),
                    account.ptr(),
                    secret,
                    epoch.u32(),
                    digits.u32(),
                    period.u64(),
                    &raw mut enrollment,
                )
            };
            check_handle(state, result, given, enrollment);
        }
        Call::EnrollmentToUri(enrollment, choice) => {
            let enrollment = enrollment.get::<callsign_enrollment>(state, given);
            uri_output(
                choice,
                state,
                given,
                enrollment,
                callsign_enrollment_parse,
                callsign_enrollment_to_uri,
            );
        }
        Call::EnrollmentText {
            account_id,
            enrollment,
            output: choice,
        } => {
            let enrollment = enrollment.get::<callsign_enrollment>(state, given);
            let function = if *account_id {
                callsign_enrollment_account_id
            } else {
                callsign_enrollment_issuer
            };
            if let Some(text) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
                function(enrollment, out.cast(), size, needed)
            }) {
                assert!(!text.is_empty());
                state.remember(text);
            }
        }
        Call::EnrollmentGetInfo {
            enrollment,
            out_null,
        } => {
            let enrollment = enrollment.get::<callsign_enrollment>(state, given);
            let mut info = callsign_enrollment_info {
                epoch: 0,
                digits: 0,
                period: 0,
            };
            let out = out(*out_null, given, &mut info);
            let result = unsafe { callsign_enrollment_get_info(enrollment, out) };
            if check_result(result, given) == callsign_result::Ok {
                assert!((callsign::MIN_DIGITS..=callsign::MAX_DIGITS).contains(&info.digits));
                assert!(
                    (callsign::MIN_PROFILE_PERIOD..=callsign::MAX_PROFILE_PERIOD)
                        .contains(&info.period)
                );
            }
        }
        Call::EnrollmentSecret(enrollment) => {
            let enrollment = enrollment.get::<callsign_enrollment>(state, given);
            let mut secret = ptr::null_mut();
            let result = unsafe { callsign_enrollment_secret(enrollment, &raw mut secret) };
            check_handle(state, result, given, secret);
        }
        Call::VerifierNew(source, config) => {
            let mut verifier = ptr::null_mut();
            let config_ptr = |config: &Option<callsign_verifier_config>| {
                config.as_ref().map_or(ptr::null(), ptr::from_ref)
            };
            let result = match source {
                VerifierSource::Uri(uri) => {
                    let uri = uri.get(state, given);
                    let config = config.get(given);
                    unsafe {
                        callsign_verifier_new_from_uri(
                            uri.ptr(),
                            ptr::null(),
                            0,
                            true,
                            config_ptr(&config),
                            &raw mut verifier,
                        )
                    }
                }
                VerifierSource::Enrollment(enrollment) => {
                    let enrollment = enrollment.get::<callsign_enrollment>(state, given);
                    let config = config.get(given);
                    unsafe {
                        callsign_verifier_new(enrollment, config_ptr(&config), &raw mut verifier)
                    }
                }
                VerifierSource::State(enrollment, blob) => {
                    let enrollment = enrollment.get::<callsign_enrollment>(state, given);
                    let config = config.get(given);
                    let blob = blob.get(state, given);
                    unsafe {
                        callsign_verifier_new_with_state(
                            enrollment,
                            config_ptr(&config),
                            blob.ptr(),
                            blob.1,
                            &raw mut verifier,
                        )
                    }
                }
                VerifierSource::Locked(enrollment, now) => {
                    let enrollment = enrollment.get::<callsign_enrollment>(state, given);
                    let config = config.get(given);
                    unsafe {
                        callsign_verifier_new_locked(
                            enrollment,
                            config_ptr(&config),
                            now.u64(),
                            &raw mut verifier,
                        )
                    }
                }
            };
            check_handle(state, result, given, verifier);
        }
        Call::VerifierCheck {
            verifier,
            entry,
            now,
            out_null,
        } => {
            let verifier = verifier.get::<callsign_verifier>(state, given);
            let (entry, now) = (entry.get(state, given), now.u64());
            let mut verdict = callsign_verdict {
                kind: 0,
                step: 1,
                drift: 1,
                attempts_left: 1,
                locked_until: 1,
            };
            let out = out(*out_null, given, &mut verdict);
            let result = unsafe { callsign_verifier_check(verifier, entry.ptr(), now, out) };
            if check_result(result, given) == callsign_result::Ok {
                check_verdict(&verdict);
            }
        }
        Call::VerifierDisplay {
            verifier,
            now,
            out_null,
        } => {
            let verifier = verifier.get::<callsign_verifier>(state, given);
            let now = now.u64();
            timed_code(*out_null, state, given, None, |out| unsafe {
                callsign_verifier_display(verifier, now, out)
            });
        }
        Call::VerifierGetStatus {
            verifier,
            now,
            out_null,
        } => {
            let verifier = verifier.get::<callsign_verifier>(state, given);
            let mut status = callsign_verifier_status {
                locked: false,
                locked_until: 1,
                attempts_left: 0,
                has_last_accepted_step: false,
                last_accepted_step: 1,
            };
            let out = out(*out_null, given, &mut status);
            let result = unsafe { callsign_verifier_get_status(verifier, now.u64(), out) };
            if check_result(result, given) == callsign_result::Ok {
                assert_eq!(status.locked, status.locked_until != 0);
                assert!(status.has_last_accepted_step || status.last_accepted_step == 0);
            }
        }
        Call::VerifierExportState(verifier, choice) => {
            let verifier = verifier.get::<callsign_verifier>(state, given);
            if let Some(blob) = output(choice, Kind::Bytes, given, |out, size, needed| unsafe {
                callsign_verifier_export_state(verifier, out, size, needed)
            }) {
                assert!(!blob.is_empty());
                let result =
                    unsafe { callsign_verifier_import_state(verifier, blob.as_ptr(), blob.len()) };
                assert_eq!(
                    result,
                    callsign_result::Ok,
                    "a verifier rejects its own export"
                );
                state.remember(blob);
            }
        }
        Call::VerifierImportState(verifier, blob) => {
            let verifier = verifier.get::<callsign_verifier>(state, given);
            let blob = blob.get(state, given);
            let result = check_result(
                unsafe { callsign_verifier_import_state(verifier, blob.ptr(), blob.1) },
                given,
            );
            assert!(
                matches!(
                    result,
                    callsign_result::Ok
                        | callsign_result::NullParameter
                        | callsign_result::InvalidState
                ),
                "import_state gave {result:?}"
            );
        }
        Call::Free(kind, index) => match kind {
            HandleType::Secret => state.free_one::<callsign_secret>(index.0),
            HandleType::HotpKey => state.free_one::<callsign_hotp_key>(index.0),
            HandleType::TotpKey => state.free_one::<callsign_totp_key>(index.0),
            HandleType::OtpAuth => state.free_one::<callsign_otpauth>(index.0),
            HandleType::MasterKey => state.free_one::<callsign_master_key>(index.0),
            HandleType::Enrollment => state.free_one::<callsign_enrollment>(index.0),
            HandleType::Verifier => state.free_one::<callsign_verifier>(index.0),
        },
    }
}

/// Emits a handle's URI through `to_uri` as `choice` says; on `OK` checks that the URI parses
/// again and emits the same text, and remembers it.
fn uri_output<T: Handle>(
    choice: &Output,
    state: &mut State,
    given: &Given,
    handle: *mut T,
    parse: checks::ParseUri<T>,
    to_uri: checks::ToUri<T>,
) {
    if let Some(uri) = output(choice, Kind::Text, given, |out, size, needed| unsafe {
        to_uri(handle, out.cast(), size, needed)
    }) {
        check_round_trip(&uri, parse, to_uri);
        state.remember(uri);
    }
}

/// A `_key_verify` function: key, entry, counter or time, window behind and ahead, and the
/// `matched`, `step` and `drift` outputs.
type KeyVerify<T> = unsafe extern "C" fn(
    *const T,
    *const std::os::raw::c_char,
    u64,
    u64,
    u64,
    *mut bool,
    *mut u64,
    *mut i64,
) -> callsign_result;

/// Calls an HOTP or TOTP key's `_verify` and checks a match: its drift lies in the window and,
/// for HOTP (`hotp`), its step is the counter plus the drift.
fn key_verify<T: Handle>(
    args: &VerifyArgs,
    state: &mut State,
    given: &mut Given,
    verify: KeyVerify<T>,
    hotp: bool,
) {
    let key = args.key.get::<T>(state, given);
    let entry = args.entry.get(state, given);
    let (at, behind, ahead) = (args.at.u64(), args.behind.u64(), args.ahead.u64());
    let (mut matched, mut step, mut drift) = (false, u64::MAX, i64::MIN);
    let matched_out = out(args.matched_null, given, &mut matched);
    let step_out = out(args.step_null, given, &mut step);
    let drift_out = out(args.drift_null, given, &mut drift);
    let result = unsafe {
        verify(
            key,
            entry.ptr(),
            at,
            behind,
            ahead,
            matched_out,
            step_out,
            drift_out,
        )
    };
    if check_result(result, given) == callsign_result::Ok && matched {
        let in_window = if drift < 0 {
            drift.unsigned_abs() <= behind
        } else {
            drift.unsigned_abs() <= ahead
        };
        assert!(
            in_window,
            "a match at drift {drift} outside the window -{behind}..+{ahead}"
        );
        if hotp {
            assert_eq!(
                Some(step),
                at.checked_add_signed(drift),
                "step is not counter + drift"
            );
        }
    }
}

/// Stores a timed code through `call` (into NULL when `out_null`), checks it on `OK` and
/// remembers its digits.
fn timed_code(
    out_null: bool,
    state: &mut State,
    given: &mut Given,
    digits: Option<u32>,
    call: impl FnOnce(*mut callsign_timed_code) -> callsign_result,
) {
    let mut code = unwritten_timed_code();
    let out = out(out_null, given, &mut code);
    if check_result(call(out), given) == callsign_result::Ok {
        let digits_text = check_timed_code(&code, digits);
        state.remember(digits_text);
    }
}
