"""One hot path of the Python package (or of pyotp, the peer) in a loop, for instruction
counts under callgrind: scripts/callgrind.sh runs each case twice (a few iterations, then many
more) and reports the difference per iteration, so that interpreter start and imports cancel
out. Each statement runs in a plain `for` loop, as timeit runs it, with no wrapper call.

Usage: python callgrind_cases.py CASE ITERATIONS     (python callgrind_cases.py list: the cases)
"""

import sys

SETUP = """
import base64
SECRET = b"12345678901234567890"
SECRET_B32 = base64.b32encode(SECRET).decode()
NOW = 1764355200
"""

# Each case: what one iteration does, its setup, and its statement.
CASES = {
    "py_totp": (
        "Python callsign.totp(secret, t): one-shot SHA-1",
        "import callsign",
        "callsign.totp(SECRET, NOW)",
    ),
    "py_TOTP_at": (
        "Python callsign.TOTP(secret) once, .at(t): prepared SHA-1",
        "import callsign\ngenerator = callsign.TOTP(SECRET)",
        "generator.at(NOW)",
    ),
    "pyotp_totp": (
        "pyotp TOTP(s).at(t): one-shot SHA-1",
        "import pyotp",
        "pyotp.TOTP(SECRET_B32).at(NOW)",
    ),
    "pyotp_TOTP_at": (
        "pyotp TOTP(s) once, .at(t): prepared SHA-1",
        "import pyotp\ngenerator = pyotp.TOTP(SECRET_B32)",
        "generator.at(NOW)",
    ),
}


def main() -> None:
    if sys.argv[1:] == ["list"]:
        for name, (what, _, _) in CASES.items():
            print(f"{name}\t{what}")
        return
    name, iterations = sys.argv[1], int(sys.argv[2])
    _, setup, statement = CASES[name]
    program = f"{SETUP}\n{setup}\n{statement}\nfor _ in range({iterations}):\n    {statement}\n"
    exec(compile(program, name, "exec"), {})


if __name__ == "__main__":
    main()
