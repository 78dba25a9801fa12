#!/usr/bin/env python3
"""Extracts every fenced code block of the project's READMEs and runs it.

Usage: scripts/docs-run.py [--list] [FILE ...]      (scripts/test-docs.sh prepares and calls it)
       scripts/docs-run.py --self-test              (a README of bad blocks must fail, block by block)

Which README files: every README.md git knows of (tracked or new, not ignored), or the FILEs
given. Each fenced block (``` or ~~~, also inside list items) is handled by its language:

  rust                 a whole program (no rustdoc-hidden `# ` lines, a `fn main`); run as a
                       doctest of the crate readme-tests (its src/lib.rs includes the README)
  python               written to a fresh temp dir and run there by $DOCS_PYTHON (a venv with
                       the built wheel installed)
  c                    compiled with -std=c11 -Wall -Wextra -Wpedantic -Werror against the
                       library installed under $DOCS_C_PREFIX (through its callsign.pc) and run
  sh, bash, shell      run by `bash -euo pipefail` from the repository root, with the built
                       `callsign` binary and $DOCS_PYTHON's directory (python3 with the wheel)
                       first on PATH and HOME set to a temp dir; files and
                       directories a block leaves in the repository are removed afterwards, and
                       a block that changes a tracked file fails
  text, console, ...   not code (output, a URI, a sample session): shown, not run

An HTML comment on the line before a fence changes that:

  <!-- docs-run: skip REASON -->   not run, on purpose (REASON is reported: an iOS build, say)
  <!-- docs-run: suite -->         a shell block whose every command runs ./scripts/test-all or
                                   one of its parts: checked to be so, not run again (it is the
                                   suite that runs this harness)
  <!-- docs-run: file NAME -->     also write the block to NAME in the repository root for the
                                   file's later shell blocks (removed afterwards)
  <!-- docs-run: stdin TEXT -->    a shell block reads TEXT (with \\n for newlines) on stdin

A block in any other language, or with no language, must carry `skip` or be a text fence.
At the end a table shows, per file, how many blocks ran, passed as doctests, were suite
commands, text or skipped; any failure fails the run.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_LANGUAGES = {"text", "console", "toml", "json", "jsonl", "ini", "diff", "output", "cmake-output"}
SHELL_LANGUAGES = {"sh", "bash", "shell"}
RUN_LANGUAGES = SHELL_LANGUAGES | {"rust", "python", "c"}
BLOCK_TIMEOUT = int(os.environ.get("DOCS_BLOCK_TIMEOUT", "900"))
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
ANNOTATION = re.compile(r"^\s*<!--\s*docs-run:\s*(?P<verb>\w+)\s*(?P<arg>.*?)\s*-->\s*$")
HIDDEN_RUST_LINE = re.compile(r"^\s*#(\s|$)")


@dataclasses.dataclass
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    language: str
    code: str
    annotation: tuple[str, str] | None

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


@dataclasses.dataclass
class Tally:
    ran: int = 0
    doctests: int = 0
    suite: int = 0
    text: int = 0
    skipped: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)


def readme_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "README.md", "*/README.md"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()
    return sorted({ROOT / p for p in out if (ROOT / p).is_file()})


def parse_blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = len(m["indent"]), m["fence"], m["info"].strip()
        language = info.split()[0].split(",")[0].lower() if info else ""
        prev = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        ann = ANNOTATION.match(prev)
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            closing = FENCE.match(lines[j])
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence) \
                    and not closing["info"].strip():
                break
            body.append(lines[j][indent:] if lines[j][:indent].strip() == "" else lines[j])
            j += 1
        else:
            raise SystemExit(f"{path.relative_to(ROOT)}:{i + 1}: code block never closed")
        blocks.append(Block(path, i + 1, language, "\n".join(body) + "\n",
                            (ann["verb"], ann["arg"]) if ann else None))
        i = j + 1
    return blocks


def repo_state() -> tuple[set[str], str]:
    """Untracked and ignored paths (directories collapsed) and a digest of tracked changes."""
    paths: set[str] = set()
    for extra in ([], ["--ignored"]):
        out = subprocess.run(
            ["git", "ls-files", "--others", "--exclude-standard", "--directory", *extra],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
        paths.update(out.splitlines())
    diff = subprocess.run(["git", "diff", "HEAD", "--binary"], cwd=ROOT, check=True,
                          capture_output=True).stdout
    return paths, hashlib.sha256(diff).hexdigest()


def run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, stdin: str = "") -> tuple[bool, str]:
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                              timeout=BLOCK_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {BLOCK_TIMEOUT} s"
    output = (proc.stdout + proc.stderr).strip()
    return proc.returncode == 0, f"exit {proc.returncode}\n{output}" if proc.returncode else output


def check_suite_block(block: Block) -> str | None:
    parts = {p.stem.removeprefix("test-") for p in (ROOT / "scripts").glob("test-*.sh")}
    for raw in block.code.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = shlex.split(line)
        if words and words[0] == "bash":
            words = words[1:]
        if not words:
            return f"not a test-suite command: {raw}"
        script = words[0].removeprefix("./")
        if script == "scripts/test-all" and all(w in parts for w in words[1:]):
            continue
        m = re.fullmatch(r"scripts/test-([\w-]+)\.sh", script)
        if m and m[1] in parts:
            continue
        return f"not a test-suite command: {raw}"
    return None


class Runner:
    def __init__(self) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="docs-run-"))
        self.home = self.scratch / "home"
        self.home.mkdir()
        self.python = os.environ.get("DOCS_PYTHON", "")
        self.c_prefix = os.environ.get("DOCS_C_PREFIX", "")
        self.bin_dir = os.environ.get("DOCS_BIN_DIR", "")
        self.counter = 0

    def fresh_dir(self) -> Path:
        self.counter += 1
        d = self.scratch / f"block-{self.counter}"
        d.mkdir()
        return d

    def shell_env(self) -> dict[str, str]:
        env = dict(os.environ)
        # HOME is a temp dir, so that `$HOME/...` in a block touches nothing of the machine's;
        # the tools whose state lives under the real HOME are pointed back at it.
        real_home = os.environ.get("HOME", str(Path.home()))
        env.setdefault("CARGO_HOME", os.path.join(real_home, ".cargo"))
        env.setdefault("RUSTUP_HOME", os.path.join(real_home, ".rustup"))
        env.setdefault("PYENV_ROOT", os.path.join(real_home, ".pyenv"))
        if os.path.exists(os.path.join(real_home, ".gitconfig")):
            env.setdefault("GIT_CONFIG_GLOBAL", os.path.join(real_home, ".gitconfig"))
        env.setdefault("MAVEN_OPTS", f"-Dmaven.repo.local={os.path.join(real_home, '.m2', 'repository')}")
        env["HOME"] = str(self.home)
        # `callsign` is the built binary; `python3`/`python` the interpreter with the built wheel.
        front = [d for d in (self.bin_dir, os.path.dirname(self.python)) if d]
        env["PATH"] = os.pathsep.join([*front, env["PATH"]])
        env.pop("VIRTUAL_ENV", None)
        return env

    def python_block(self, block: Block) -> tuple[bool, str]:
        if not self.python:
            return False, "DOCS_PYTHON is not set (a Python with the built wheel installed)"
        d = self.fresh_dir()
        (d / "block.py").write_text(block.code, encoding="utf-8")
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONSAFEPATH="1")
        return run([self.python, "block.py"], cwd=d, env=env)

    def c_block(self, block: Block) -> tuple[bool, str]:
        if not self.c_prefix:
            return False, "DOCS_C_PREFIX is not set (where bindings/c/install.sh installed the library)"
        d = self.fresh_dir()
        (d / "block.c").write_text(block.code, encoding="utf-8")
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(self.c_prefix, "lib", "pkgconfig"))
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "callsign"], env=env, check=True,
                               capture_output=True, text=True).stdout.split()
        ok, out = run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-o", "block",
                       "block.c", *flags, f"-Wl,-rpath,{self.c_prefix}/lib"], cwd=d, env=env)
        if not ok:
            return False, f"does not compile: {out}"
        return run([str(d / "block")], cwd=d)

    def shell_block(self, block: Block, stdin: str) -> tuple[bool, str]:
        return run(["bash", "-euo", "pipefail", "-c", block.code], cwd=ROOT, env=self.shell_env(), stdin=stdin)


def doctest_counts() -> tuple[dict[str, int], dict[str, int], str]:
    """Runs the readme-tests doctests: passes and failures per module, and the output."""
    proc = subprocess.run(
        ["cargo", "test", "--locked", "-p", "callsign-readme-tests", "--doc"],
        cwd=ROOT, capture_output=True, text=True,
    )
    passed: dict[str, int] = {}
    failed: dict[str, int] = {}
    for m in re.finditer(r"^test \S+ - (\w+) \(line \d+\)(?: - compile)? \.\.\. (\w+)$", proc.stdout, re.M):
        target = passed if m[2] == "ok" else failed
        target[m[1]] = target.get(m[1], 0) + 1
    if proc.returncode != 0 and not failed:
        failed["<build>"] = 1
    return passed, failed, proc.stdout + proc.stderr


def doctest_modules() -> dict[str, Path]:
    """Module name -> README, from readme-tests/src/lib.rs."""
    text = (ROOT / "readme-tests" / "src" / "lib.rs").read_text(encoding="utf-8")
    base = ROOT / "readme-tests" / "src"
    return {
        m[2]: (base / m[1]).resolve()
        for m in re.finditer(r'#\[doc = include_str!\("([^"]+)"\)\]\s*(?:#\[[^\]]*\]\s*)*pub mod (\w+)', text)
    }


SELF_TEST_README = """\
# Blocks the harness must refuse, each on a known line

```sh
echo this block fails; exit 3
```

```
an unlabelled block
```

```rust
# fn main() {}
```

```python
raise SystemExit("this python block fails")
```

<!-- docs-run: suite -->
```sh
echo not a test-suite command
```

<!-- docs-run: skip -->
```sh
true
```

```sh
echo this block passes
```
"""
# Line of each block's fence in SELF_TEST_README, and what the harness must say about it.
SELF_TEST_EXPECTED = {
    3: "the sh block failed",
    7: "a 'unlabelled' block",
    11: "rustdoc-hidden line",
    15: "the python block failed",
    20: "not a test-suite command",
    25: "docs-run: skip needs a reason",
}


def self_test() -> int:
    """Runs the harness on a README of bad blocks: each must be reported, the good one must run."""
    scratch = ROOT / "target" / "docs-run-self-test"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    readme = scratch / "README.md"
    readme.write_text(SELF_TEST_README, encoding="utf-8")
    proc = subprocess.run([sys.executable, __file__, str(readme)], capture_output=True, text=True)
    shutil.rmtree(scratch, ignore_errors=True)
    missing = [f"line {line}: {text}" for line, text in SELF_TEST_EXPECTED.items()
               if f"README.md:{line}: {text}" not in proc.stderr]
    if "this block passes" not in proc.stdout:
        missing.append("the good block did not run")
    if proc.returncode != 1 or missing:
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
        print(f"docs-run self-test FAILED: exit {proc.returncode}, not reported: {missing}", file=sys.stderr)
        return 1
    print(f"docs-run self-test: all {len(SELF_TEST_EXPECTED)} bad blocks reported, the good one ran")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--self-test"]:
        return self_test()
    list_only = "--list" in argv
    files = [Path(a).resolve() for a in argv if a != "--list"] or readme_files()
    runner = Runner()
    tallies: dict[Path, Tally] = {}
    rust_blocks: dict[Path, int] = {}
    problems: list[str] = []
    try:
        for path in files:
            tally = tallies[path] = Tally()
            blocks = parse_blocks(path)
            before = repo_state() if not list_only else None
            written: list[Path] = []
            for block in blocks:
                verb, arg = block.annotation or ("", "")
                if verb and verb not in {"skip", "suite", "file", "stdin"}:
                    problems.append(f"{block.where}: unknown annotation docs-run: {verb}")
                    continue
                if verb == "skip":
                    if not arg:
                        problems.append(f"{block.where}: docs-run: skip needs a reason")
                    tally.skipped.append(f"line {block.line}: {arg}")
                    continue
                if block.language in TEXT_LANGUAGES:
                    tally.text += 1
                    continue
                if block.language not in RUN_LANGUAGES:
                    problems.append(f"{block.where}: a '{block.language or 'unlabelled'}' block: label it "
                                    "(text, console, sh, rust, python, c) or mark it <!-- docs-run: skip REASON -->")
                    continue
                if verb == "suite":
                    if block.language not in SHELL_LANGUAGES:
                        problems.append(f"{block.where}: docs-run: suite is for shell blocks")
                    elif (why := check_suite_block(block)) is not None:
                        problems.append(f"{block.where}: {why}")
                    else:
                        tally.suite += 1
                    continue
                if verb == "file":
                    if not re.fullmatch(r"[\w.-]+", arg):
                        problems.append(f"{block.where}: docs-run: file needs a plain file name")
                        continue
                    if not list_only:
                        target = ROOT / arg
                        if target.exists():
                            problems.append(f"{block.where}: {arg} already exists in the repository root")
                            continue
                        target.write_text(block.code, encoding="utf-8")
                        written.append(target)
                if block.language == "rust":
                    hidden = [l for l in block.code.splitlines() if HIDDEN_RUST_LINE.match(l)]
                    if hidden:
                        problems.append(f"{block.where}: rustdoc-hidden line {hidden[0]!r}: show the whole program")
                    if "fn main" not in block.code:
                        problems.append(f"{block.where}: a Rust block must be a whole program with fn main")
                    rust_blocks[path] = rust_blocks.get(path, 0) + 1
                    continue
                if list_only:
                    print(f"{block.where}: {block.language}")
                    continue
                print(f"--- {block.where} ({block.language})", flush=True)
                if block.language == "python":
                    ok, out = runner.python_block(block)
                elif block.language == "c":
                    ok, out = runner.c_block(block)
                else:
                    stdin = arg.encode().decode("unicode_escape") if verb == "stdin" else ""
                    ok, out = runner.shell_block(block, stdin)
                if out:
                    print("    " + out.replace("\n", "\n    ")[-4000:])
                if ok:
                    tally.ran += 1
                else:
                    tally.failed.append(f"line {block.line}")
                    problems.append(f"{block.where}: the {block.language} block failed")
            if before is not None:
                for target in written:
                    target.unlink(missing_ok=True)
                after = repo_state()
                for leftover in sorted(after[0] - before[0]):
                    p = ROOT / leftover
                    print(f"    removing {leftover}, left behind by {path.relative_to(ROOT)}'s blocks")
                    shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink(missing_ok=True)
                if after[1] != before[1]:
                    problems.append(f"{path.relative_to(ROOT)}: its blocks changed tracked files")

        modules = doctest_modules()
        listed = set(modules.values())
        for path, count in rust_blocks.items():
            if path not in listed:
                problems.append(f"{path.relative_to(ROOT)} has {count} Rust block(s) but readme-tests/src/lib.rs "
                                "does not include it")
        in_scope = {name: path for name, path in modules.items() if path in tallies}
        if in_scope and not list_only:
            print("--- Rust blocks: cargo test -p callsign-readme-tests --doc", flush=True)
            passed, failed, output = doctest_counts()
            if failed:
                print(output[-8000:])
                problems.append(f"Rust doctests failed: {failed}")
            for name, path in in_scope.items():
                want = rust_blocks.get(path, 0)
                got = passed.get(name, 0)
                if path in tallies:
                    tallies[path].doctests = got
                if got != want:
                    problems.append(f"{path.relative_to(ROOT)}: {want} Rust block(s) but {got} doctest(s) "
                                    f"passed in module {name}")
    finally:
        shutil.rmtree(runner.scratch, ignore_errors=True)

    print("=== docs-run: code blocks per file (ran / rust doctests / suite commands / text / skipped)")
    totals = Tally()
    for path, t in tallies.items():
        print(f"{str(path.relative_to(ROOT)):40} ran {t.ran:2}  rust {t.doctests:2}  suite {t.suite:2}  "
              f"text {t.text:2}  skipped {len(t.skipped):2}  failed {len(t.failed):2}")
        for s in t.skipped:
            print(f"{'':40}   skipped {s}")
        totals.ran += t.ran
        totals.doctests += t.doctests
        totals.suite += t.suite
    if problems:
        print("=== docs-run: FAILED", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"docs-run: {totals.ran} blocks ran, {totals.doctests} Rust blocks passed as doctests, "
          f"{totals.suite} suite commands checked, in {len(tallies)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
