"""The official service SDK (azure-iot-hub) against the emulator: device
identities through IoTHubRegistryManager, as backend code calls them.

Run by the emulator's `service_sdk` test with IOTHUB_CONNECTION_STRING (the
emulator's service connection string) and REQUESTS_CA_BUNDLE (its
certificate). Asserts on the SDK's own returned objects and errors; exits
non-zero with the failed check on stderr; prints one line `ok N checks`.
"""

import base64

from sdk_checks import check, done, existing_device, registry_manager, status_of


def key(byte):
    return base64.b64encode(bytes([byte]) * 32).decode()


manager = registry_manager()
existing = existing_device()

# Create.
created = manager.create_device_with_sas("sdk-device", key(1), key(2), "enabled")
check(created.device_id == "sdk-device", f"created device id: {created.device_id}")
check(created.status == "enabled", f"created status: {created.status}")
check(bool(created.etag), "created etag")
check(bool(created.generation_id), "created generation id")
check(created.connection_state == "Disconnected", f"connection state: {created.connection_state}")
check(created.authentication.type == "sas", "authentication type")
check(created.authentication.symmetric_key.primary_key == key(1), "primary key")
check(created.authentication.symmetric_key.secondary_key == key(2), "secondary key")
check(created.cloud_to_device_message_count == 0, "no commands waiting")
check(
    status_of(lambda: manager.create_device_with_sas("sdk-device", key(1), key(2), "enabled")) == 409,
    "a second create is a conflict",
)

# Keys left out are made, as the service makes them.
made = manager.create_device_with_sas("made-keys", None, None, "enabled")
check(len(base64.b64decode(made.authentication.symmetric_key.primary_key)) == 32, "a made key")
manager.delete_device("made-keys")

# Get.
got = manager.get_device("sdk-device")
check(got.etag == created.etag, "get shows the created etag")
check(got.last_activity_time is not None, "times read as ISO 8601")

# Update with the etag: a new etag; a stale etag is refused.
updated = manager.update_device_with_sas(
    "sdk-device", created.etag, key(3), key(2), "disabled", status_reason="retired"
)
check(updated.etag != created.etag, "the etag changes on update")
check(updated.status == "disabled", f"updated status: {updated.status}")
check(updated.generation_id == created.generation_id, "the same identity")
check(updated.authentication.symmetric_key.primary_key == key(3), "the new primary key")
stale = status_of(
    lambda: manager.update_device_with_sas("sdk-device", created.etag, key(4), key(2), "enabled")
)
check(stale == 412, f"a stale etag is 412, got {stale}")
check(manager.get_device("sdk-device").status == "disabled", "the stale update changed nothing")

# Modules of the device: create, get, update with the etag, list, their
# twins, delete.
module = manager.create_module_with_sas("sdk-device", "sensor", "ops", key(5), key(6))
check(module.module_id == "sensor" and module.device_id == "sdk-device", "module ids")
check(bool(module.etag), "a module etag")
check(module.authentication.symmetric_key.primary_key == key(5), "the module's key")
check(
    status_of(lambda: manager.create_module_with_sas("sdk-device", "sensor", "ops", key(5), key(6))) == 409,
    "a second module create is a conflict",
)
check(manager.get_module("sdk-device", "sensor").etag == module.etag, "get_module")
moved = manager.update_module_with_sas("sdk-device", "sensor", "ops", module.etag, key(7), key(6))
check(moved.etag != module.etag, "the module etag changes")
check(moved.authentication.symmetric_key.primary_key == key(7), "the module's new key")
check(
    status_of(lambda: manager.update_module_with_sas("sdk-device", "sensor", "ops", module.etag, key(8), key(6))) == 412,
    "a stale module etag is 412",
)
check([m.module_id for m in manager.get_modules("sdk-device")] == ["sensor"], "get_modules")
module_twin = manager.get_module_twin("sdk-device", "sensor")
check(module_twin.module_id == "sensor", f"module twin: {module_twin.module_id}")
from azure.iot.hub.models import Twin, TwinProperties
patched = manager.update_module_twin(
    "sdk-device", "sensor", Twin(properties=TwinProperties(desired={"rate": 5})), module_twin.etag
)
check(patched.properties.desired.get("rate") == 5, "the module twin's desired")
check(
    status_of(lambda: manager.create_module_with_sas("nobody-here", "m", "ops", key(5), key(6))) == 404,
    "a module of an unknown device is 404",
)
manager.delete_module("sdk-device", "sensor", moved.etag)
check(status_of(lambda: manager.get_module("sdk-device", "sensor")) == 404, "a deleted module is not found")

# List.
listed = [device.device_id for device in manager.get_devices()]
check(listed == sorted([existing, "second", "sdk-device"]), f"listed: {listed}")
check(len(manager.get_devices(1)) == 1, "at most max_number_of_devices")

# Delete: a stale etag is refused; then the device is gone.
check(
    status_of(lambda: manager.delete_device("sdk-device", created.etag)) == 412,
    "delete with a stale etag is 412",
)
manager.delete_device("sdk-device", updated.etag)
check(status_of(lambda: manager.get_device("sdk-device")) == 404, "a deleted device is not found")
check(status_of(lambda: manager.delete_device("sdk-device")) == 404, "deleting it again is 404")

done()
