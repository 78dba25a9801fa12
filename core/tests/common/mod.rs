//! Helpers shared by the integration tests that include this module.

use callsign::{Enrollment, MasterKey, ProfileParams};

/// The enrollment of account "customer-0001" under issuer "ACME Support", with the master key
/// of 32 bytes `master_byte` and key epoch `epoch`, default digits and period.
pub fn enrollment(master_byte: u8, epoch: u32) -> Enrollment {
    let master = MasterKey::from_bytes(&[master_byte; 32]).expect("a 32-byte master key");
    Enrollment::new(
        "ACME Support",
        "customer-0001",
        master
            .account_secret("customer-0001", epoch)
            .expect("an account secret"),
        epoch,
        ProfileParams::default(),
    )
    .expect("an enrollment")
}
