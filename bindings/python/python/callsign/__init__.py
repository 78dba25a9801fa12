"""callsign: caller verification codes (placeholder until core lands)."""

from callsign._callsign import version

__all__ = ["version"]
