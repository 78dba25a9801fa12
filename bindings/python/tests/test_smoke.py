import callsign


def test_import() -> None:
    assert callsign.__version__ == "0.1.0"
