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

/// A record that cannot be read (here a directory where the file should be) is a storage
/// error, never "nothing stored": the app must not take it for a first run.
#[test]
fn an_unreadable_record_is_an_error_not_an_absent_one() {
    let dir = temp_dir("unreadable");
    let storage = storage(&dir);
    assert!(storage.read("enrollment").unwrap().is_none());
    std::fs::create_dir_all(dir.join("enrollment")).unwrap();
    assert!(storage.read("enrollment").is_err());
    let error = StoredVerifier::open(storage, VerifierConfig::default(), NOW).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StorageFailed);
}

/// Storage that holds records in memory and fails every read while `broken` is set.
#[derive(Default)]
struct FlakyStorage {
    records: std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>,
    broken: std::sync::atomic::AtomicBool,
}

impl DeviceStorage for FlakyStorage {
    fn read(&self, name: &str) -> std::io::Result<Option<zeroize::Zeroizing<Vec<u8>>>> {
        if self.broken.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(std::io::Error::other("the device storage is unavailable"));
        }
        Ok(self
            .records
            .lock()
            .unwrap()
            .get(name)
            .cloned()
            .map(zeroize::Zeroizing::new))
    }

    fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.records
            .lock()
            .unwrap()
            .insert(name.to_owned(), bytes.to_vec());
        Ok(())
    }
}

/// Enrolling while the stored records cannot be read is a storage error: the old enrollment's
/// lock is unknown, so nothing is replaced.
#[test]
fn enrolling_over_unreadable_storage_is_an_error() {
    let storage = Arc::new(FlakyStorage::default());
    let config = VerifierConfig::default();
    StoredVerifier::enroll(Arc::clone(&storage) as _, enrollment(), config, NOW).unwrap();
    storage
        .broken
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let error = StoredVerifier::enroll(
        Arc::clone(&storage) as _,
        common::enrollment(9, 1),
        config,
        NOW,
    )
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StorageFailed);
}

/// The same enrollment again keeps the stored state (its failures); one that differs in any
/// field that makes the codes (issuer, account, secret, epoch, parameters) replaces it.
#[test]
fn re_enrolling_keeps_the_state_only_for_the_same_account_key() {
    let config = VerifierConfig::default();
    let base = enrollment();
    let others = [
        Enrollment::new(
            "Other Vendor",
            base.account_id(),
            base.secret().clone(),
            0,
            base.params(),
        ),
        Enrollment::new(
            base.issuer(),
            "customer-0002",
            base.secret().clone(),
            0,
            base.params(),
        ),
        Ok(common::enrollment(8, 0)),
        Enrollment::new(
            base.issuer(),
            base.account_id(),
            base.secret().clone(),
            1,
            base.params(),
        ),
        Enrollment::new(
            base.issuer(),
            base.account_id(),
            base.secret().clone(),
            0,
            base.params().with_check_digit(true),
        ),
    ];
    for (index, other) in others.into_iter().enumerate() {
        let other = other.unwrap();
        let dir = temp_dir(&format!("same-key-{index}"));
        let stored = StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW).unwrap();
        assert_eq!(
            stored.check("000000", NOW).unwrap(),
            Verdict::NotGenuine { attempts_left: 2 }
        );
        let again = StoredVerifier::enroll(storage(&dir), enrollment(), config, NOW + 1).unwrap();
        assert_eq!(
            again.verifier().status(NOW + 1).attempts_left,
            2,
            "{index}: the same key kept"
        );
        let replaced =
            StoredVerifier::enroll(storage(&dir), other.clone(), config, NOW + 1).unwrap();
        assert_eq!(
            replaced.verifier().status(NOW + 1).attempts_left,
            3,
            "{index}: replaced"
        );
        assert_eq!(replaced.enrollment(), &other, "{index}");
        let debug = format!("{replaced:?}");
        assert!(
            debug.starts_with("StoredVerifier { enrollment: "),
            "{debug}"
        );
    }
}
