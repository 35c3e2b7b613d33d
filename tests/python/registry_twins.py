"""The official service SDK (azure-iot-hub) against the emulator: device
twins through IoTHubRegistryManager (get, update and replace, with ETags
and tags), as backend code calls them.

Run by the emulator's `service_sdk` test with IOTHUB_CONNECTION_STRING,
REQUESTS_CA_BUNDLE and IOTHUB_EXISTING_DEVICE. Asserts on the SDK's own
returned objects and errors; exits non-zero with the failed check on
stderr; prints one line `ok N checks`.
"""

from azure.iot.hub.models import Twin, TwinProperties

from sdk_checks import check, done, existing_device, registry_manager, status_of

manager = registry_manager()
device = existing_device()

twin = manager.get_twin(device)
check(twin.device_id == device, f"twin device id: {twin.device_id}")
check(bool(twin.etag), "a twin etag")
check(twin.properties.desired.get("$version") == 1, f"desired: {twin.properties.desired}")
check(twin.properties.reported.get("$version") == 1, f"reported: {twin.properties.reported}")
check(twin.status == "enabled", f"status: {twin.status}")
check(twin.connection_state == "Disconnected", f"connection state: {twin.connection_state}")

# Update (merge) with the etag: tags and desired.
patch = Twin(tags={"site": {"floor": 3}}, properties=TwinProperties(desired={"fan": 2}))
updated = manager.update_twin(device, patch, twin.etag)
check(updated.tags == {"site": {"floor": 3}}, f"tags: {updated.tags}")
check(updated.properties.desired.get("fan") == 2, f"desired: {updated.properties.desired}")
check(updated.properties.desired.get("$version") == 2, "the desired version rises")
metadata = updated.properties.desired.get("$metadata", {})
check(metadata.get("fan", {}).get("$lastUpdatedVersion") == 2, f"$metadata: {metadata}")
check(str(metadata.get("$lastUpdated", "")).endswith("Z"), "an ISO 8601 time")
check(updated.etag != twin.etag, "the etag changes")
check(updated.version == twin.version + 1, "the twin version rises")
check(status_of(lambda: manager.update_twin(device, patch, twin.etag)) == 412, "a stale etag is 412")
more = Twin(tags={"owner": "ops"})
merged = manager.update_twin(device, more)
check(merged.tags == {"site": {"floor": 3}, "owner": "ops"}, f"merged tags: {merged.tags}")
check(merged.properties.desired.get("fan") == 2, "tags alone leave desired")

# Replace: tags and desired whole; what is left out is gone.
replacement = Twin(tags={"owner": "lab"}, properties=TwinProperties(desired={"mode": "eco"}))
replaced = manager.replace_twin(device, replacement, merged.etag)
check(replaced.tags == {"owner": "lab"}, f"replaced tags: {replaced.tags}")
check("fan" not in replaced.properties.desired, f"replaced desired: {replaced.properties.desired}")
check(replaced.properties.desired.get("mode") == "eco", "the new desired")
check(status_of(lambda: manager.replace_twin(device, replacement, merged.etag)) == 412, "replace with a stale etag is 412")
check(manager.get_twin(device).etag == replaced.etag, "get shows the latest etag")

check(status_of(lambda: manager.get_twin("nobody-here")) == 404, "an unknown device's twin is 404")

# Queries over twins, page by page.
from azure.iot.hub.models import QuerySpecification
found = manager.query_iot_hub(QuerySpecification(query="SELECT * FROM devices WHERE tags.owner = 'lab'"))
check(found.type == "twin", f"query item type: {found.type}")
check([t.device_id for t in found.items] == [device], f"query items: {found.items}")
check(not found.continuation_token, "one page")
none = manager.query_iot_hub(QuerySpecification(query="SELECT * FROM devices WHERE tags.owner = 'nobody'"))
check(none.items == [], "a query that selects nothing")
everything = QuerySpecification(query="SELECT * FROM devices")
page = manager.query_iot_hub(everything, None, 1)
check(len(page.items) == 1 and bool(page.continuation_token), "a page of one, and more")
rest = manager.query_iot_hub(everything, page.continuation_token, 1)
check(len(rest.items) == 1 and rest.items[0].device_id != page.items[0].device_id, "the next page")
check(
    status_of(lambda: manager.query_iot_hub(QuerySpecification(query="SELECT deviceId FROM devices"))) == 400,
    "a query the emulator does not answer is 400",
)

done()
