"""The one exception type the CLI turns into a clean message and exit code 2.

It extends the bridges' own error type, so catching ``BridgeError`` catches both: the bridges
import nothing from this package, and every user error still reaches the CLI the same way.
"""

from rust_bridge.errors import BridgeError


class DashbenchError(BridgeError):
    """A problem the user can fix (bad input, missing file, failed tool); names the culprit."""
