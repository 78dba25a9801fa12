"""One hot path of the Python package (or of pyotp, the peer) in a loop, for instruction
counts under callgrind: scripts/callgrind.sh runs each case twice (a few iterations, then many
more) and reports the difference per iteration, so that interpreter start and imports cancel
out. Each statement runs in a plain `for` loop inside a function, as timeit runs it, with no
wrapper call.

Usage: python callgrind_cases.py CASE ITERATIONS     (python callgrind_cases.py list: the cases)
"""

import sys

SETUP = """
import base64
SECRET = b"12345678901234567890"
SECRET_B32 = base64.b32encode(SECRET).decode()
NOW = 1764355200
"""

# Each case: the hash compressions it cannot do without ("-": another SHA implementation),
# what one iteration does, its setup, and its statement.
CASES = {
    "py_totp": (
        "4*sha1",
        "Python callsign.totp(secret, t): one-shot SHA-1",
        "import callsign",
        "callsign.totp(SECRET, NOW)",
    ),
    "py_TOTP_at": (
        "2*sha1",
        "Python callsign.TOTP(secret) once, .at(t): prepared SHA-1",
        "import callsign\ngenerator = callsign.TOTP(SECRET)",
        "generator.at(NOW)",
    ),
    "pyotp_totp": (
        "-",
        "pyotp TOTP(s).at(t): one-shot SHA-1",
        "import pyotp",
        "pyotp.TOTP(SECRET_B32).at(NOW)",
    ),
    "pyotp_TOTP_at": (
        "-",
        "pyotp TOTP(s) once, .at(t): prepared SHA-1",
        "import pyotp\ngenerator = pyotp.TOTP(SECRET_B32)",
        "generator.at(NOW)",
    ),
}


def main() -> None:
    if sys.argv[1:] == ["list"]:
        for name, (floor, what, _, _) in CASES.items():
            print(f"{name}\t{floor}\t{what}")
        return
    name, iterations = sys.argv[1], int(sys.argv[2])
    _, _, setup, statement = CASES[name]
    # Inside a function, as timeit runs it: the names are (specialised) global loads.
    program = (
        f"{SETUP}\n{setup}\n{statement}\n"
        f"def run(n):\n    for _ in range(n):\n        {statement}\nrun({iterations})\n"
    )
    exec(compile(program, name, "exec"), {})


if __name__ == "__main__":
    main()
