"""The official service SDK (azure-iot-hub) against the emulator: a direct
method invoked with IoTHubRegistryManager.invoke_device_method and
answered by the project's device client, connected to the emulator over
MQTT with TLS.

Run by the emulator's `service_sdk` test with IOTHUB_CONNECTION_STRING,
REQUESTS_CA_BUNDLE and IOTHUB_EXISTING_DEVICE (the connected device);
prints one line `ok N checks`.
"""

import os
import sys
import time

from azure.iot.hub import IoTHubRegistryManager
from azure.iot.hub.models import CloudToDeviceMethod
from msrest.exceptions import HttpOperationError

checks = 0


def check(condition, what):
    global checks
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    checks += 1


manager = IoTHubRegistryManager.from_connection_string(
    os.environ["IOTHUB_CONNECTION_STRING"]
)
device = os.environ["IOTHUB_EXISTING_DEVICE"]
method = CloudToDeviceMethod(
    method_name="reboot", payload={"delay": 1}, response_timeout_in_seconds=10
)

# The device subscribes right after it connects: until then the call is
# Target Unavailable (404), which the SDK raises.
result = None
for _ in range(100):
    try:
        result = manager.invoke_device_method(device, method)
        break
    except HttpOperationError as error:
        check(error.response.status_code == 404, f"unreachable is 404: {error.response.status_code}")
        time.sleep(0.1)
check(result is not None, "the device answered")
check(result.status == 200, f"the device's response code: {result.status}")
check(result.payload == {"ok": True, "delay": 1}, f"the device's payload: {result.payload}")

try:
    manager.invoke_device_method("nobody-here", method)
    check(False, "an unknown device's method is refused")
except HttpOperationError as error:
    check(error.response.status_code == 404, f"an unknown device: {error.response.status_code}")

print(f"ok {checks} checks")
