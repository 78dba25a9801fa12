#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! URI parsing under hostile input (issue 13, finding 1): a 2 MB input with 200,000
//! parameters is refused at once, and parsing time grows linearly with the input's size.
//!
//! Run: `cargo bench -p callsign-bench --bench uri`. Compare times within one run.

use callsign::{Enrollment, MAX_URI_LEN, MAX_URI_PARAMETERS, OtpAuthUri};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const ENROLL: &str = "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30";

/// `count` parameters `p000000=ab&p000001=ab&...` (11 bytes each with its `&`).
fn parameters(count: usize) -> String {
    (0..count)
        .map(|index| format!("p{index:06}=ab"))
        .collect::<Vec<_>>()
        .join("&")
}

fn hostile(c: &mut Criterion) {
    let query = parameters(200_000);
    let otpauth = format!("otpauth://totp/ACME:alice?secret={SECRET}&{query}");
    let enroll = format!("{ENROLL}&{query}");
    assert!(otpauth.len() > 2_000_000 && enroll.len() > 2_000_000);
    let mut group = c.benchmark_group("uri_hostile_2mb_200k_parameters");
    group.bench_function("otpauth", |b| {
        b.iter(|| OtpAuthUri::parse(black_box(&otpauth)).unwrap_err());
    });
    group.bench_function("enroll", |b| {
        b.iter(|| Enrollment::parse(black_box(&enroll)).unwrap_err());
    });
    // Within the length bound but past the parameter bound: refused at the 65th parameter.
    let many = format!(
        "otpauth://totp/ACME:alice?secret={SECRET}&{}",
        parameters(MAX_URI_LEN / 11 - 10)
    );
    group.bench_function("otpauth_8kb_too_many_parameters", |b| {
        b.iter(|| OtpAuthUri::parse(black_box(&many)).unwrap_err());
    });
    group.finish();
}

/// Parse time against input size: one long extension value (URIs that parse), and a growing
/// number of parameters.
fn by_size(c: &mut Criterion) {
    let mut group = c.benchmark_group("uri_parse_by_size");
    for len in [512, 1024, 2048, 4096, 8000] {
        let head = format!("otpauth://totp/ACME:alice?secret={SECRET}&image=");
        let uri = format!("{head}{}", "a".repeat(len - head.len()));
        OtpAuthUri::parse(&uri).unwrap();
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("image_value", len), &uri, |b, uri| {
            b.iter(|| OtpAuthUri::parse(black_box(uri)).unwrap());
        });
    }
    for count in [4, 8, 16, 32, MAX_URI_PARAMETERS - 5] {
        let uri = format!(
            "otpauth://totp/ACME:alice?secret={SECRET}&{}",
            parameters(count)
        );
        OtpAuthUri::parse(&uri).unwrap();
        group.throughput(Throughput::Bytes(uri.len() as u64));
        group.bench_with_input(BenchmarkId::new("parameters", count), &uri, |b, uri| {
            b.iter(|| OtpAuthUri::parse(black_box(uri)).unwrap());
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = hostile, by_size
}
criterion_main!(benches);
