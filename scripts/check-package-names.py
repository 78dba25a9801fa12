#!/usr/bin/env python3
"""Fails when a manifest could fetch one of the project's own packages from a public index.

The project's packages: every Python distribution a pyproject.toml here defines, the import
name `callsign` (on the public Python index that name belongs to an unrelated project), every
Cargo package of the repository, and every Maven artifact a pom.xml here defines. A manifest
may name one of them only by a local path:

- Python (pyproject.toml dependencies, optional dependencies, dependency groups and build
  requirements; requirements*.txt / *.in): only as a path (`./x`, `../x`, `/x`), a
  `file:` URL or `name @ file:...`; never a bare name, even with a version.
- Cargo (every Cargo.toml): with `path = ...`, or `workspace = true` where the workspace's
  entry has a `path`.
- Maven (every pom.xml): only artifacts a pom.xml of this repository builds (the reactor),
  and a `<parent>` of ours only with a `<relativePath>`.

Usage: scripts/check-package-names.py            check the repository
       scripts/check-package-names.py --self-test  show that each rule catches its bad case
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# On the public Python index, `callsign` is another project's distribution; our import name is
# `callsign` too, so a bare `callsign` requirement is always a mistake here.
RESERVED_PYTHON_NAMES = {"callsign"}
MAVEN = "{http://maven.apache.org/POM/4.0.0}"


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def manifests(root: Path) -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                             cwd=root, check=True, capture_output=True, text=True).stdout.split("\n")
        files = [root / p for p in out if p]
    except (subprocess.CalledProcessError, FileNotFoundError):
        files = [p for p in root.rglob("*") if "target" not in p.parts]
    pattern = re.compile(r"(^|/)(pyproject\.toml|Cargo\.toml|pom\.xml|requirements[^/]*\.(txt|in))$")
    return sorted(p for p in files if pattern.search(p.as_posix()) and p.is_file())


def requirement_problem(req: str, ours: set[str]) -> str | None:
    """Why a PEP 508 requirement (or requirements-file line) for one of ours is not local."""
    req = req.strip()
    if not req or req.startswith("#") or req.startswith("-r") or req.startswith("-c"):
        return None
    if req.startswith("-e "):
        req = req[3:].strip()
    if req.startswith((".", "/", "file:")):
        return None
    name_match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req)
    if not name_match or normalize(name_match[0]) not in ours:
        return None
    rest = req[name_match.end():].lstrip()
    if rest.startswith("[") and "]" in rest:
        rest = rest[rest.index("]") + 1:].lstrip()
    if rest.startswith("@") and rest[1:].lstrip().startswith("file:"):
        return None
    return f"'{req}' names the project's package {name_match[0]!r} without a local path"


def check(root: Path) -> list[str]:
    files = manifests(root)
    problems: list[str] = []
    python_ours = set(RESERVED_PYTHON_NAMES)
    cargo_ours: set[str] = set()
    maven_ours: set[tuple[str, str]] = set()
    parsed: dict[Path, object] = {}
    for path in files:
        rel = path.relative_to(root)
        try:
            if path.name == "pom.xml":
                parsed[path] = ET.parse(path).getroot()
            elif path.suffix == ".toml":
                parsed[path] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (ET.ParseError, tomllib.TOMLDecodeError) as err:
            problems.append(f"{rel}: cannot parse: {err}")
    for path, data in parsed.items():
        if path.name == "pyproject.toml" and isinstance(data, dict) and "name" in data.get("project", {}):
            python_ours.add(normalize(data["project"]["name"]))
        elif path.name == "Cargo.toml" and isinstance(data, dict) and "name" in data.get("package", {}):
            cargo_ours.add(data["package"]["name"])
        elif path.name == "pom.xml" and isinstance(data, ET.Element):
            group = data.findtext(f"{MAVEN}groupId") or data.findtext(f"{MAVEN}parent/{MAVEN}groupId")
            artifact = data.findtext(f"{MAVEN}artifactId")
            if group and artifact:
                maven_ours.add((group, artifact))
    maven_groups = {g for g, _ in maven_ours}

    for path in files:
        rel = path.relative_to(root)
        data = parsed.get(path)
        if path.name == "pyproject.toml" and isinstance(data, dict):
            project = data.get("project", {})
            lists = [("project.dependencies", project.get("dependencies", [])),
                     ("build-system.requires", data.get("build-system", {}).get("requires", []))]
            lists += [(f"project.optional-dependencies.{k}", v)
                      for k, v in project.get("optional-dependencies", {}).items()]
            lists += [(f"dependency-groups.{k}", [r for r in v if isinstance(r, str)])
                      for k, v in data.get("dependency-groups", {}).items()]
            for where, reqs in lists:
                for req in reqs:
                    if (why := requirement_problem(req, python_ours)) is not None:
                        problems.append(f"{rel} [{where}]: {why}")
        elif path.name.startswith("requirements"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if (why := requirement_problem(line.split(" #", 1)[0], python_ours)) is not None:
                    problems.append(f"{rel}:{number}: {why}")
        elif path.name == "Cargo.toml" and isinstance(data, dict):
            workspace_deps = data.get("workspace", {}).get("dependencies", {})
            tables = [("workspace.dependencies", workspace_deps)]
            for kind in ("dependencies", "dev-dependencies", "build-dependencies"):
                tables.append((kind, data.get(kind, {})))
                for target, spec in data.get("target", {}).items():
                    tables.append((f"target.{target}.{kind}", spec.get(kind, {})))
            for where, deps in tables:
                for key, spec in deps.items():
                    name = spec.get("package", key) if isinstance(spec, dict) else key
                    if name not in cargo_ours:
                        continue
                    if isinstance(spec, dict) and ("path" in spec or spec.get("workspace") is True
                                                   and where != "workspace.dependencies"):
                        continue
                    problems.append(f"{rel} [{where}]: crate '{name}' without a path")
        elif path.name == "pom.xml" and isinstance(data, ET.Element):
            for dep in data.iter(f"{MAVEN}dependency"):
                group = dep.findtext(f"{MAVEN}groupId") or ""
                artifact = dep.findtext(f"{MAVEN}artifactId") or ""
                if group in maven_groups and (group, artifact) not in maven_ours:
                    problems.append(f"{rel}: dependency {group}:{artifact} is not built by this repository")
            parent = data.find(f"{MAVEN}parent")
            if parent is not None and parent.findtext(f"{MAVEN}groupId") in maven_groups:
                # Maven looks for the parent at <relativePath> (default ../pom.xml) before any
                # repository; it must be there.
                relative = parent.findtext(f"{MAVEN}relativePath") or "../pom.xml"
                local = (path.parent / relative).resolve()
                if local.is_dir():
                    local = local / "pom.xml"
                found = parsed.get(local)
                if not isinstance(found, ET.Element) or \
                        found.findtext(f"{MAVEN}artifactId") != parent.findtext(f"{MAVEN}artifactId"):
                    problems.append(f"{rel}: parent {parent.findtext(f'{MAVEN}artifactId')} is not at "
                                    f"{relative}, so Maven would fetch it from a repository")
    return problems


def self_test() -> int:
    """Each rule, on a small tree of its own: a bad manifest is caught, a good one passes."""
    cases = {
        "bare python name": ({"pyproject.toml": '[project]\nname = "app"\ndependencies = ["callsign"]\n'}, 1),
        "our dist with a version": ({"lib/pyproject.toml": '[project]\nname = "Callsign_OTP"\n',
                                     "app/pyproject.toml": '[project]\nname = "app"\n'
                                                           'dependencies = ["callsign-otp>=0.1"]\n'}, 1),
        "requirements bare": ({"lib/pyproject.toml": '[project]\nname = "callsign-otp"\n',
                               "requirements.txt": "pytest==9\ncallsign-otp\n"}, 1),
        "requirements path": ({"lib/pyproject.toml": '[project]\nname = "callsign-otp"\n',
                               "requirements.txt": "./lib\ncallsign-otp @ file:///src/lib\n"}, 0),
        "cargo without path": ({"a/Cargo.toml": '[package]\nname = "callsign"\n',
                                "b/Cargo.toml": '[package]\nname = "b"\n[dependencies]\ncallsign = "0.1"\n'}, 1),
        "cargo workspace without path": ({"Cargo.toml": '[workspace.dependencies]\ncallsign = "0.1"\n',
                                          "a/Cargo.toml": '[package]\nname = "callsign"\n'}, 1),
        "cargo with path": ({"a/Cargo.toml": '[package]\nname = "callsign"\n',
                             "b/Cargo.toml": '[package]\nname = "b"\n[dependencies]\n'
                                             'callsign = { path = "../a" }\n'}, 0),
        "maven foreign artifact": ({"pom.xml": f'<project xmlns="{MAVEN[1:-1]}"><groupId>dev.x</groupId>'
                                               '<artifactId>p</artifactId><dependencies><dependency>'
                                               '<groupId>dev.x</groupId><artifactId>q</artifactId>'
                                               '</dependency></dependencies></project>'}, 1),
    }
    failures = 0
    for name, (tree, expected) in cases.items():
        with tempfile.TemporaryDirectory() as tmp:
            for rel, text in tree.items():
                (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
                (Path(tmp) / rel).write_text(text, encoding="utf-8")
            found = check(Path(tmp))
            ok = len(found) == expected
            failures += not ok
            print(f"self-test {'ok  ' if ok else 'FAIL'} {name}: {len(found)} problem(s), expected {expected}")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if argv == ["--self-test"]:
        return self_test()
    problems = check(ROOT)
    for problem in problems:
        print(f"check-package-names: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check-package-names: {len(manifests(ROOT))} manifests name the project's packages only by path")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
