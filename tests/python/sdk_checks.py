"""What the service-SDK scripts share: the registry manager made from the
emulator's connection string (IOTHUB_CONNECTION_STRING; the certificate
from REQUESTS_CA_BUNDLE), the device the test registered
(IOTHUB_EXISTING_DEVICE), and checks that stop the script with the failed
one on stderr, counted for its closing line `ok N checks`.
"""

import os
import sys

from azure.iot.hub import IoTHubRegistryManager
from msrest.exceptions import HttpOperationError

_checks = 0


def check(condition, what):
    """Stops the script (exit 1, `what` on stderr) unless `condition`."""
    global _checks
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    _checks += 1


def status_of(call):
    """The HTTP status of the SDK's error for `call`, or None if it worked."""
    try:
        call()
    except HttpOperationError as error:
        return error.response.status_code
    return None


def registry_manager():
    """The registry manager of the emulator under test."""
    return IoTHubRegistryManager.from_connection_string(
        os.environ["IOTHUB_CONNECTION_STRING"]
    )


def existing_device():
    """The device the test registered before running the script."""
    return os.environ["IOTHUB_EXISTING_DEVICE"]


def done():
    """The script's closing line."""
    print(f"ok {_checks} checks")
