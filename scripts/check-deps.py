#!/usr/bin/env python3
"""Dependency check without network: licences and duplicate versions.

An advisory database (RustSec) cannot be fetched on our machines, so cargo-audit and
cargo-deny's advisory check are not run; this script covers what works offline:

- every package in the lock file's resolution must carry a licence expression that our
  allow-list satisfies (an OR needs one allowed side, an AND needs all);
- crates that hold or process secrets must exist in one version only, so that no second,
  possibly older line of a crypto crate slips in (hmac 0.12 next to 0.13 and the like);
- other duplicate versions are listed, for review.

Usage: scripts/check-deps.py   (from the repository root; exits 1 on a violation)
"""

import json
import re
import subprocess
import sys
from collections import defaultdict

ALLOWED_LICENSES = {
    "MIT", "Apache-2.0", "Apache-2.0 WITH LLVM-exception", "BSD-2-Clause", "BSD-3-Clause",
    "ISC", "Zlib", "Unicode-3.0", "Unicode-DFS-2016", "CC0-1.0", "BSL-1.0", "Unlicense",
    "MPL-2.0", "0BSD",
}
# Crates that must not appear in two versions. (getrandom is not among them: secrets come from
# ring's SystemRandom, and a second getrandom line reaches only tests, through proptest.)
SINGLE_VERSION = {
    "ring", "hmac", "sha1", "sha2", "hkdf", "digest", "subtle", "zeroize", "base32",
    "cpufeatures",
}
# Packages whose licence is not in Cargo metadata, checked by hand: name -> licence.
KNOWN_LICENSES: dict[str, str] = {}


def satisfied(expression: str) -> bool:
    """Whether an SPDX expression (OR / AND / WITH / parentheses, "/" as old-style OR) passes."""
    expression = expression.replace("/", " OR ")
    tokens = re.findall(r"\(|\)|[A-Za-z0-9.+-]+(?: WITH [A-Za-z0-9.+-]+)?", expression)
    position = 0

    def parse_or() -> bool:
        nonlocal position
        result = parse_and()
        while position < len(tokens) and tokens[position] == "OR":
            position += 1
            result = parse_and() or result
        return result

    def parse_and() -> bool:
        nonlocal position
        result = parse_atom()
        while position < len(tokens) and tokens[position] == "AND":
            position += 1
            result = parse_atom() and result
        return result

    def parse_atom() -> bool:
        nonlocal position
        token = tokens[position]
        position += 1
        if token == "(":
            result = parse_or()
            position += 1  # ")"
            return result
        return token in ALLOWED_LICENSES

    result = parse_or()
    return result and position == len(tokens)


def main() -> int:
    metadata = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--all-features"],
        check=True, capture_output=True, text=True).stdout)
    resolved = {node["id"] for node in metadata["resolve"]["nodes"]}
    workspace = set(metadata["workspace_members"])
    versions: dict[str, set[str]] = defaultdict(set)
    problems = []
    for package in metadata["packages"]:
        if package["id"] not in resolved or package["id"] in workspace:
            continue
        versions[package["name"]].add(package["version"])
        license_expression = package.get("license") or KNOWN_LICENSES.get(package["name"])
        if not license_expression:
            problems.append(f"{package['name']} {package['version']}: no licence in its metadata")
        elif not satisfied(license_expression):
            problems.append(f"{package['name']} {package['version']}: licence {license_expression!r} is not allowed")
    duplicates = {name: sorted(found) for name, found in versions.items() if len(found) > 1}
    for name, found in sorted(duplicates.items()):
        if name in SINGLE_VERSION:
            problems.append(f"{name} exists in several versions: {', '.join(found)}")
    packages = sum(len(found) for found in versions.values())
    print(f"check-deps: {packages} third-party packages, licences checked against the allow-list")
    if duplicates:
        listed = "; ".join(f"{name} {', '.join(found)}" for name, found in sorted(duplicates.items()))
        print(f"check-deps: duplicate versions (review, allowed unless a secret-handling crate): {listed}")
    for problem in problems:
        print(f"check-deps: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
