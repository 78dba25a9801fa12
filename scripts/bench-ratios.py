#!/usr/bin/env python3
"""Prints the medians of the last `cargo bench -p callsign-bench --bench codes` run, each as a
ratio to the physical limit (two bare SHA-256 compressions; four bare SHA-1 compressions), and
the ratios that issue 18 sets targets for. Ratios mean something only within one run.

Usage: scripts/bench-ratios.py [CRITERION_DIR]     (default: target/criterion)
"""

import json
import sys
from pathlib import Path


def medians(root: Path) -> dict:
    found = {}
    for estimates in sorted(root.glob("*/*/new/estimates.json")):
        name = f"{estimates.parent.parent.parent.name}/{estimates.parent.parent.name}"
        found[name] = json.loads(estimates.read_text())["median"]["point_estimate"]
    return found


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
    times = medians(root)
    sha256 = times.get("physical_limit/sha256_x2")
    sha1 = times.get("physical_limit/sha1_x4")
    if not sha256 or not sha1:
        sys.exit(f"no physical_limit rows under {root}: run cargo bench -p callsign-bench --bench codes")
    print(f"| benchmark | median ns | x two SHA-256 compressions | x four SHA-1 compressions |")
    print("| --- | ---: | ---: | ---: |")
    for name, median in times.items():
        print(f"| `{name}` | {median:.1f} | {median / sha256:.2f} | {median / sha1:.2f} |")

    def ratio(a: str, b: str) -> str:
        return f"{times[a] / times[b]:.2f}x" if a in times and b in times else "n/a"

    print()
    print("| ratio | this run | target (issue 18) |")
    print("| --- | ---: | --- |")
    rows = [
        ("profile code / two SHA-256 compressions", "profile/plain_totp_sha256_code", "physical_limit/sha256_x2", "<= 1.3"),
        ("profile code / two chained SHA-256 compressions (as in HMAC)", "profile/plain_totp_sha256_code", "physical_limit/sha256_x2_chained", ""),
        ("profile code / two chained SHA-256 compressions of a counter block (the safe-Rust HMAC floor)", "profile/plain_totp_sha256_code", "physical_limit/sha256_x2_chained_of_counter", ""),
        ("two chained / two independent SHA-256 compressions", "physical_limit/sha256_x2_chained", "physical_limit/sha256_x2", ""),
        ("chained of a counter block / chained from memory", "physical_limit/sha256_x2_chained_of_counter", "physical_limit/sha256_x2_chained", ""),
        ("issue cached / profile code", "profile/issue_cached", "profile/plain_totp_sha256_code", "<= 1.1"),
        ("issue through an account handle / profile code", "profile/issue_cached_account_handle", "profile/plain_totp_sha256_code", ""),
        ("issue with a rate limit / profile code", "profile/issue_cached_rate_limited", "profile/plain_totp_sha256_code", "<= 1.25"),
        ("latency: profile code / chained compressions of a counter block", "latency/plain_totp_sha256_code", "latency/sha256_x2_chained_of_counter", ""),
        ("latency: issue cached / profile code", "latency/issue_cached", "latency/plain_totp_sha256_code", ""),
        ("latency: issue with a rate limit / profile code", "latency/issue_cached_rate_limited", "latency/plain_totp_sha256_code", ""),
        ("totp-rs check / verify +-1, valid", "totp_sha1_verify_window_1/totp-rs_valid", "totp_sha1_verify_window_1/callsign_valid", ">= 1.5"),
        ("totp-rs check / verify +-1, invalid", "totp_sha1_verify_window_1/totp-rs_invalid", "totp_sha1_verify_window_1/callsign_invalid", ">= 1.5"),
        ("totp-rs generate / prepared SHA-1 code", "totp_sha1_code/totp-rs", "totp_sha1_code/rustcrypto", ""),
    ]
    for label, a, b, target in rows:
        print(f"| {label} | {ratio(a, b)} | {target} |")


if __name__ == "__main__":
    main()
