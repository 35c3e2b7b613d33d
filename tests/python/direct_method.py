"""The official service SDK (azure-iot-hub) against the emulator: a direct
method invoked with IoTHubRegistryManager.invoke_device_method and
answered by the project's device client, connected to the emulator over
MQTT with TLS.

Run by the emulator's `service_sdk` test with IOTHUB_CONNECTION_STRING,
REQUESTS_CA_BUNDLE and IOTHUB_EXISTING_DEVICE (the connected device);
prints one line `ok N checks`.
"""

from azure.iot.hub.models import CloudToDeviceMethod

from sdk_checks import check, done, existing_device, registry_manager, status_of

manager = registry_manager()
device = existing_device()
method = CloudToDeviceMethod(
    method_name="reboot", payload={"delay": 1}, response_timeout_in_seconds=10
)

# The test has the device subscribed before this runs.
result = manager.invoke_device_method(device, method)
check(result.status == 200, f"the device's response code: {result.status}")
check(result.payload == {"ok": True, "delay": 1}, f"the device's payload: {result.payload}")

unknown = status_of(lambda: manager.invoke_device_method("nobody-here", method))
check(unknown == 404, f"an unknown device's method is 404, got {unknown}")

done()
