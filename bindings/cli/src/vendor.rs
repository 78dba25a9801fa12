//! The vendor's set-up commands: `callsign keygen` and `callsign enroll`.

use crate::cli::{EnrollArgs, KeygenArgs};
use crate::error::CliError;
use crate::keyfile;
use crate::output::{print_json, print_line};
use callsign::{Enrollment, MasterKey, ProfileParams, SigningKey};
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;
use serde::Serialize;
use zeroize::Zeroizing;

/// The JSON of `callsign keygen`.
#[derive(Serialize)]
struct KeygenReport<'a> {
    path: &'a str,
    bytes: usize,
    format: &'static str,
    mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key: Option<&'a str>,
}

/// The JSON of `callsign enroll`.
#[derive(Serialize)]
struct EnrollReport<'a> {
    uri: &'a str,
    signed: bool,
    issuer: &'a str,
    account: &'a str,
    epoch: u32,
    digits: u32,
    period: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    qr: Option<&'a str>,
}

/// Writes a new master key (or, with `--signing`, enrollment signing key) to `args.out`.
pub fn keygen(args: &KeygenArgs) -> Result<(), CliError> {
    if args.signing {
        return keygen_signing(args);
    }
    let key = MasterKey::generate().map_err(|error| CliError::Failure(error.to_string()))?;
    keyfile::write_new(&args.out, &key)?;
    let path = args.out.display().to_string();
    let bytes = key.expose_bytes().len();
    if args.output.json {
        print_json(&KeygenReport {
            path: &path,
            bytes,
            format: "hex",
            mode: "0600",
            public_key: None,
        })
    } else {
        print_line(&format!(
            "wrote a new {bytes}-byte master key to {path} (hex, mode 0600); keep it on the backend only"
        ))
    }
}

/// Writes a new Ed25519 enrollment signing key to `args.out` and prints its public key.
fn keygen_signing(args: &KeygenArgs) -> Result<(), CliError> {
    let key = SigningKey::generate().map_err(|error| CliError::Failure(error.to_string()))?;
    keyfile::write_new_signing_key(&args.out, &key)?;
    let path = args.out.display().to_string();
    let public = keyfile::public_key_hex(&key.public_key());
    if args.output.json {
        print_json(&KeygenReport {
            path: &path,
            bytes: key.expose_seed().len(),
            format: "hex",
            mode: "0600",
            public_key: Some(&public),
        })
    } else {
        print_line(&format!(
            "wrote a new Ed25519 enrollment signing key to {path} (hex seed, mode 0600); keep it on the backend only"
        ))?;
        print_line(&format!(
            "public key, to pin in the customer's app: {public}"
        ))
    }
}

/// Prints the enrollment URI of an account (and its QR code with `--qr`).
pub fn enroll(args: &EnrollArgs) -> Result<(), CliError> {
    let master_key = keyfile::read("--master-key", &args.master_key)?;
    let secret = master_key
        .account_secret(&args.account, args.epoch)
        .map_err(CliError::blame("--account"))?;
    let enrollment = Enrollment::new(
        &args.issuer,
        &args.account,
        secret,
        args.epoch,
        ProfileParams::default().with_check_digit(args.check_digit),
    )
    .map_err(CliError::blame("--issuer"))?;
    let enrollment = match &args.signing_key {
        Some(path) => enrollment
            .signed(&keyfile::read_signing_key("--signing-key", path)?)
            .map_err(CliError::blame("--signing-key"))?,
        None => enrollment,
    };
    let uri = enrollment.to_uri_string();
    let qr = if args.qr {
        Some(render_qr(&uri)?)
    } else {
        None
    };
    let params = enrollment.params();
    if args.output.json {
        return print_json(&EnrollReport {
            uri: &uri,
            signed: enrollment.signature().is_some(),
            issuer: enrollment.issuer(),
            account: enrollment.account_id(),
            epoch: enrollment.epoch(),
            digits: params.digits(),
            period: params.period(),
            qr: qr.as_deref().map(String::as_str),
        });
    }
    print_line(&uri)?;
    if let Some(qr) = &qr {
        print_line(qr)?;
    }
    Ok(())
}

/// The URI as a QR code drawn with half-block characters, light on dark like most terminals.
fn render_qr(uri: &str) -> Result<Zeroizing<String>, CliError> {
    let code = QrCode::new(uri.as_bytes())
        .map_err(|error| CliError::Failure(format!("drawing the QR code: {error}")))?;
    Ok(Zeroizing::new(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    ))
}
