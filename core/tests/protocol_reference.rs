#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code: long tables, searches that stop within a few steps, hex built with format!.
#![allow(
    clippy::too_many_lines,
    clippy::maybe_infinite_iter,
    clippy::format_collect,
    clippy::cast_possible_truncation
)]
//! Every reference value of ../shared/protocol-v1.md, reproduced.

use callsign::{MasterKey, ProfileParams, agent_code, derive_call_key};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn reference_master() -> MasterKey {
    let bytes: Vec<u8> = (0u8..32).collect();
    MasterKey::from_bytes(&bytes).unwrap()
}

#[test]
fn account_secret_and_call_key() {
    let secret = reference_master()
        .account_secret("customer-0001", 0)
        .unwrap();
    assert_eq!(
        hex(secret.expose_bytes()),
        "fc697f3ddea6707f41a65f0719ae0e6b6c049a12113ed470d0c7f562ce5862b9"
    );
    let call_key = derive_call_key(&secret).unwrap();
    assert_eq!(
        hex(call_key.expose_bytes()),
        "4c9ca5a2fe80fc4bcc9732c4fe2ddbf933fe23c7923bc0c4aa6deecd5aba55e6"
    );
}

#[test]
fn agent_codes() {
    let secret = reference_master()
        .account_secret("customer-0001", 0)
        .unwrap();
    let six = ProfileParams::new(6, 30).unwrap();
    for (time, expected) in [
        (59, "913441"),
        (1_111_111_109, "981797"),
        (2_000_000_000, "051628"),
    ] {
        assert_eq!(
            agent_code(&secret, time, six).unwrap().as_str(),
            expected,
            "t = {time}"
        );
    }
    let eight = ProfileParams::new(8, 60).unwrap();
    assert_eq!(
        agent_code(&secret, 1_764_355_200, eight).unwrap().as_str(),
        "04659476"
    );
}

#[test]
fn second_account_with_epoch() {
    let secret = reference_master()
        .account_secret("kunde@example.de", 7)
        .unwrap();
    assert_eq!(
        hex(secret.expose_bytes()),
        "7612b3e95ddb1fdef97feaf8819c593aadba7c6db05d0369f011d07b4c808aab"
    );
    let six = ProfileParams::default();
    assert_eq!(agent_code(&secret, 59, six).unwrap().as_str(), "139117");
}
