//! Keeping the enrollment and the verifier state together on the device, so that a lost state
//! can be told apart from a first enrollment and fails closed.
//!
//! Without this, an app that starts a fresh verifier whenever it finds no state lets anyone
//! who can delete a file lift the attempt lock. [`StoredVerifier`] stores both records:
//! - nothing stored: the first run; the app enrolls ([`StoredVerifier::enroll`]);
//! - enrollment and state: the verifier is restored with its attempt counter and lock;
//! - enrollment but the state missing, damaged or foreign: the verifier starts locked
//!   ([`Verifier::new_locked`]), and the locked state is stored at once.
//!
//! The state is saved after every check, before the verdict is returned.

use crate::enrollment::Enrollment;
use crate::error::Error;
use crate::signing::EnrollmentTrust;
use crate::verifier::{Verdict, Verifier, VerifierConfig, VerifierStatus};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use zeroize::Zeroizing;

/// The record that holds the enrollment payload (it carries the account secret).
pub const ENROLLMENT_RECORD: &str = "enrollment";
/// The record that holds the verifier state blob ([`Verifier::export_state`]).
pub const STATE_RECORD: &str = "verifier-state";

/// Where a device keeps its two records. Implement it over the platform's protected storage;
/// [`FileStorage`] keeps them in a directory.
pub trait DeviceStorage: Send + Sync {
    /// The bytes stored under `name`, or `None` if nothing is stored there.
    fn read(&self, name: &str) -> std::io::Result<Option<Zeroizing<Vec<u8>>>>;
    /// Replaces the record `name` with `bytes`, atomically: after a crash the record holds
    /// either the old or the new bytes.
    fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()>;
}

/// Records as files in one directory: created with mode 0600 (on Unix), written to a temporary
/// file that is synced and then renamed over the record.
#[derive(Debug, Clone)]
pub struct FileStorage {
    dir: PathBuf,
}

impl FileStorage {
    /// Storage in `dir`, which is created (mode 0700 on Unix) if it does not exist.
    pub fn new(dir: impl AsRef<Path>) -> Result<FileStorage, Error> {
        let dir = dir.as_ref().to_path_buf();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .map_err(|error| storage_error("create the storage directory", &error))?;
        Ok(FileStorage { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl DeviceStorage for FileStorage {
    fn read(&self, name: &str) -> std::io::Result<Option<Zeroizing<Vec<u8>>>> {
        match std::fs::read(self.dir.join(name)) {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let target = self.dir.join(name);
        let temporary = self.dir.join(format!(".{name}.tmp"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, &target)?;
        // Make the rename itself durable.
        if let Ok(dir) = std::fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

fn storage_error(action: &str, error: &std::io::Error) -> Error {
    Error::StorageFailed {
        reason: format!("could not {action}: {error}"),
    }
}

/// How [`StoredVerifier::open`] found the device's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Restored {
    /// Enrollment and state were read; the attempt counter and lock are as they were.
    State,
    /// The enrollment was there but its state was missing, damaged or foreign: the verifier
    /// starts locked for the lockout period.
    LockedAfterLostState,
}

/// A [`Verifier`] whose enrollment and state live in a [`DeviceStorage`], saved after every
/// check. See the module documentation for how a lost state is told from a first run.
pub struct StoredVerifier {
    storage: Arc<dyn DeviceStorage>,
    /// Held from a check until its state is written, so that states reach storage in order.
    saving: Mutex<()>,
    enrollment: Enrollment,
    verifier: Verifier,
    restored: Option<Restored>,
}

impl StoredVerifier {
    /// Opens what the device stored: `Ok(None)` when nothing is enrolled yet (the first run),
    /// else the verifier, restored or — if the state is missing or unreadable — locked from
    /// `now`. An unreadable enrollment record is an error, never a first run.
    pub fn open(
        storage: Arc<dyn DeviceStorage>,
        config: VerifierConfig,
        now: u64,
    ) -> Result<Option<StoredVerifier>, Error> {
        let Some(payload) = storage
            .read(ENROLLMENT_RECORD)
            .map_err(|error| storage_error("read the stored enrollment", &error))?
        else {
            return Ok(None);
        };
        let text = core::str::from_utf8(&payload).map_err(|_| Error::StateCorrupt {
            reason: "the stored enrollment is not UTF-8",
        })?;
        // Written by this store after the app accepted it: trusted as stored.
        let enrollment = Enrollment::from_uri(text, &EnrollmentTrust::allow_unsigned())?;
        let state = storage.read(STATE_RECORD);
        let restored = match state {
            Ok(Some(blob)) => match Verifier::with_state(&enrollment, config, &blob) {
                Ok(verifier) => Some(verifier),
                Err(error) if error.kind() == crate::error_kind::ErrorKind::InvalidState => None,
                Err(error) => return Err(error),
            },
            Ok(None) | Err(_) => None,
        };
        let stored = if let Some(verifier) = restored {
            StoredVerifier {
                storage,
                saving: Mutex::new(()),
                enrollment,
                verifier,
                restored: Some(Restored::State),
            }
        } else {
            let stored = StoredVerifier {
                verifier: Verifier::new_locked(&enrollment, config, now)?,
                storage,
                saving: Mutex::new(()),
                enrollment,
                restored: Some(Restored::LockedAfterLostState),
            };
            stored.save()?;
            stored
        };
        Ok(Some(stored))
    }

    /// Enrolls the device: stores `enrollment` and a fresh state. If the same enrollment is
    /// already stored, it is opened as stored (re-opening a link does not lift a lock); a
    /// different enrollment replaces the old one, and starts locked if the old one was locked
    /// at `now`, or if the stored records could not be read. The app should accept a received
    /// enrollment only through [`Enrollment::from_uri`] with its pinned keys.
    pub fn enroll(
        storage: Arc<dyn DeviceStorage>,
        enrollment: Enrollment,
        config: VerifierConfig,
        now: u64,
    ) -> Result<StoredVerifier, Error> {
        let locked = match StoredVerifier::open(Arc::clone(&storage), config, now) {
            Ok(None) => false,
            Ok(Some(existing)) => {
                if same_account_key(&existing.enrollment, &enrollment) {
                    return Ok(existing);
                }
                existing.status(now).locked_until.is_some()
            }
            // A damaged enrollment record is replaced, but nothing about its lock is known.
            Err(error) if error.kind() != crate::error_kind::ErrorKind::StorageFailed => true,
            Err(error) => return Err(error),
        };
        let verifier = if locked {
            Verifier::new_locked(&enrollment, config, now)?
        } else {
            Verifier::new(&enrollment, config)?
        };
        let stored = StoredVerifier {
            verifier,
            storage,
            saving: Mutex::new(()),
            enrollment,
            restored: None,
        };
        // Enrollment first: a crash between the two writes leaves "enrollment without its
        // state", which opens locked.
        stored
            .storage
            .write(
                ENROLLMENT_RECORD,
                stored.enrollment.to_uri_string().as_bytes(),
            )
            .map_err(|error| storage_error("store the enrollment", &error))?;
        stored.save()?;
        Ok(stored)
    }

    /// Entry mode: checks what the customer typed at `now` and saves the new state before
    /// returning the verdict. If saving fails, the verdict is not returned.
    pub fn check(&self, entry: &str, now: u64) -> Result<Verdict, Error> {
        let _saving = self.saving.lock().unwrap_or_else(PoisonError::into_inner);
        let verdict = self.verifier.check(entry, now);
        self.write_state()?;
        verdict
    }

    /// Stores the current state.
    pub fn save(&self) -> Result<(), Error> {
        let _saving = self.saving.lock().unwrap_or_else(PoisonError::into_inner);
        self.write_state()
    }

    fn write_state(&self) -> Result<(), Error> {
        self.storage
            .write(STATE_RECORD, &self.verifier.export_state())
            .map_err(|error| storage_error("store the verifier state", &error))
    }

    /// How the records were found when opened (`None` after a fresh enrollment).
    pub fn restored(&self) -> Option<Restored> {
        self.restored
    }

    /// The attempt counter and lock at `now`.
    pub fn status(&self, now: u64) -> VerifierStatus {
        self.verifier.status(now)
    }

    /// The stored enrollment.
    pub fn enrollment(&self) -> &Enrollment {
        &self.enrollment
    }

    /// The verifier (for display mode and status). Checks through it are not saved; use
    /// [`StoredVerifier::check`].
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }
}

impl core::fmt::Debug for StoredVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StoredVerifier")
            .field("enrollment", &self.enrollment)
            .field("restored", &self.restored)
            .finish_non_exhaustive()
    }
}

/// Whether two enrollments give the same codes for the same account (signatures aside).
fn same_account_key(a: &Enrollment, b: &Enrollment) -> bool {
    a.issuer() == b.issuer()
        && a.account_id() == b.account_id()
        && a.secret() == b.secret()
        && a.epoch() == b.epoch()
        && a.params() == b.params()
}
