"""Error codes of telemetry export (stable: clients match on them). A URL the address policy
refuses answers ``url_not_allowed`` (:func:`builder.core.addresses.configured_url_check`)."""

from builder.core.errors import InvalidInput, NotFound


class TargetNotFound(NotFound):
    code = "telemetry_target_not_found"


class TargetInvalid(InvalidInput):
    code = "telemetry_target_invalid"


class HeaderInvalid(InvalidInput):
    code = "telemetry_header_invalid"
