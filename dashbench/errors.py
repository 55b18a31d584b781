"""The one exception type the CLI turns into a clean message and exit code 2."""


class DashbenchError(Exception):
    """A problem the user can fix (bad input, missing file, failed tool); names the culprit."""
