import callsign


def test_version() -> None:
    assert callsign.version() == "0.1.0"
