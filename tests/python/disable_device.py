"""The official service SDK (azure-iot-hub) disables a device, keeping its
keys, with the device's etag (IOTHUB_EXISTING_DEVICE); the emulator's test
then sees the device refused. Prints one line `ok N checks`.
"""

from sdk_checks import check, done, existing_device, registry_manager

manager = registry_manager()
device = manager.get_device(existing_device())
keys = device.authentication.symmetric_key
disabled = manager.update_device_with_sas(
    device.device_id, device.etag, keys.primary_key, keys.secondary_key, "disabled"
)
check(disabled.status == "disabled", f"status: {disabled.status}")
check(disabled.authentication.symmetric_key.primary_key == keys.primary_key, "the keys kept")
done()
