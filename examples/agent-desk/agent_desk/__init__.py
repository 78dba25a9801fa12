"""The agent desk: a FastAPI web app for support agents and supervisors on the callsign binding."""
