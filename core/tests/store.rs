#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The device store: a lost state after a lock is told apart from a first run and stays locked.

mod common;

use callsign::{
    DeviceStorage, Enrollment, EnrollmentTrust, ErrorKind, FileStorage, Restored, STATE_RECORD,
    SigningKey, StoredVerifier, Verdict, VerifierConfig,
};
use std::sync::Arc;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("callsign-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn enrollment() -> Enrollment {
    common::enrollment(9, 0)
}

const NOW: u64 = 1_764_355_200;

fn lock(stored: &StoredVerifier) -> u64 {
    for attempt in 0..3 {
        let verdict = stored.check("000000", NOW + attempt).unwrap();
        if let Verdict::LockedOut { until } = verdict {
            return until;
        }
    }
    panic!("three wrong codes did not lock");
}

fn storage(dir: &std::path::Path) -> Arc<dyn DeviceStorage> {
    Arc::new(FileStorage::new(dir).unwrap())
}

#[test]
fn first_run_is_none_and_enroll_stores_both_records_0600() {
    let dir = temp_dir("first");
    let config = VerifierConfig::default();
    assert!(
        StoredVerifier::open(storage(&dir), config, NOW)
            .unwrap()
            .is_none()
    );
    let stored = StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW).unwrap();
    assert_eq!(stored.restored(), None);
    for name in ["enrollment", "verifier-state"] {
        let metadata = std::fs::metadata(dir.join(name)).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(metadata.permissions().mode() & 0o777, 0o600, "{name}");
        }
        assert!(metadata.len() > 0);
    }
    let reopened = StoredVerifier::open(storage(&dir), config, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(reopened.restored(), Some(Restored::State));
    assert_eq!(reopened.enrollment(), &enrollment());
}

#[test]
fn deleting_the_state_after_a_lock_keeps_the_lock() {
    let dir = temp_dir("deleted");
    let config = VerifierConfig::default();
    let stored = StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW).unwrap();
    lock(&stored);
    drop(stored);
    std::fs::remove_file(dir.join(STATE_RECORD)).unwrap();
    let reopened = StoredVerifier::open(storage(&dir), config, NOW + 60)
        .unwrap()
        .unwrap();
    assert_eq!(reopened.restored(), Some(Restored::LockedAfterLostState));
    assert!(matches!(
        reopened.check("123456", NOW + 61).unwrap(),
        Verdict::LockedOut { .. }
    ));
    // Enrolling the same link again does not lift the lock either.
    drop(reopened);
    let again = StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW + 62).unwrap();
    assert!(again.status(NOW + 62).locked_until.is_some());
}

#[test]
fn a_damaged_state_opens_locked_and_restored_state_keeps_the_lock() {
    let dir = temp_dir("damaged");
    let config = VerifierConfig::default();
    let stored = StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW).unwrap();
    let until = lock(&stored);
    drop(stored);
    let reopened = StoredVerifier::open(storage(&dir), config, NOW + 10)
        .unwrap()
        .unwrap();
    assert_eq!(reopened.restored(), Some(Restored::State));
    assert_eq!(reopened.status(NOW + 10).locked_until, Some(until));
    drop(reopened);
    std::fs::write(dir.join(STATE_RECORD), b"garbage").unwrap();
    let reopened = StoredVerifier::open(storage(&dir), config, NOW + 20)
        .unwrap()
        .unwrap();
    assert_eq!(reopened.restored(), Some(Restored::LockedAfterLostState));
    assert!(reopened.status(NOW + 20).locked_until.is_some());
}

#[test]
fn another_enrollment_over_a_locked_one_starts_locked() {
    let dir = temp_dir("replace");
    let config = VerifierConfig::default();
    let stored = StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW).unwrap();
    lock(&stored);
    drop(stored);
    let next_epoch = common::enrollment(9, 1);
    let replaced =
        StoredVerifier::enroll(storage(&dir), next_epoch.clone(), config, NOW + 5).unwrap();
    assert_eq!(replaced.enrollment(), &next_epoch);
    assert!(replaced.status(NOW + 5).locked_until.is_some());
}

#[test]
fn a_damaged_enrollment_record_is_an_error_not_a_first_run_and_re_enrolling_starts_locked() {
    let dir = temp_dir("bad-enrollment");
    let config = VerifierConfig::default();
    drop(StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW).unwrap());
    std::fs::write(dir.join("enrollment"), b"callsign://enroll?v=1").unwrap();
    let error = StoredVerifier::open(storage(&dir), config, NOW).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidUri);
    // The app can enroll again, but nothing says the old enrollment was not locked.
    let again = StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW).unwrap();
    assert!(again.status(NOW).locked_until.is_some());
    assert!(
        StoredVerifier::open(storage(&dir), config, NOW)
            .unwrap()
            .is_some()
    );
}

#[test]
fn concurrent_checks_reach_storage_in_order() {
    let dir = temp_dir("threads");
    let config = VerifierConfig {
        max_failures: 20,
        ..VerifierConfig::default()
    };
    let stored = StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW).unwrap();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..4 {
                    stored.check("000000", NOW).unwrap();
                }
            });
        }
    });
    drop(stored);
    let reopened = StoredVerifier::open(storage(&dir), config, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(reopened.status(NOW).attempts_left, 4);
}

#[test]
fn a_signed_enrollment_is_stored_with_its_signature() {
    let dir = temp_dir("signed");
    let key = SigningKey::from_seed(&[3u8; 32]).unwrap();
    let uri = enrollment().signed(&key).unwrap().to_uri_string();
    let trust = EnrollmentTrust::pinned([key.public_key()]).unwrap();
    let received = Enrollment::from_uri(&uri, &trust).unwrap();
    let config = VerifierConfig::default();
    drop(StoredVerifier::enroll(storage(&dir), received, config, NOW).unwrap());
    let stored = std::fs::read_to_string(dir.join("enrollment")).unwrap();
    assert_eq!(stored, uri.as_str());
    assert!(
        StoredVerifier::open(storage(&dir), config, NOW)
            .unwrap()
            .is_some()
    );
}

#[test]
fn storage_failures_are_typed_errors() {
    let file = temp_dir("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let error = FileStorage::new(&file).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StorageFailed);
}
