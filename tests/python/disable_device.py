"""The official service SDK (azure-iot-hub) disables a device, keeping its
keys, with the device's etag (IOTHUB_EXISTING_DEVICE); the emulator's test
then sees the device refused. Prints one line `ok N checks`.
"""

import os
import sys

from azure.iot.hub import IoTHubRegistryManager

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
device = manager.get_device(os.environ["IOTHUB_EXISTING_DEVICE"])
keys = device.authentication.symmetric_key
disabled = manager.update_device_with_sas(
    device.device_id, device.etag, keys.primary_key, keys.secondary_key, "disabled"
)
check(disabled.status == "disabled", f"status: {disabled.status}")
check(disabled.authentication.symmetric_key.primary_key == keys.primary_key, "the keys kept")
print(f"ok {checks} checks")
