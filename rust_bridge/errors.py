"""The bridge's own error type, so the bridge stands alone: callers map it to their exit codes."""


class BridgeError(Exception):
    """A problem the user can fix (bad input, missing file, failed tool); names the culprit."""
