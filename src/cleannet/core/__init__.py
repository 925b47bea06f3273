"""The shared vocabulary of CleanNet: pure Python, no Django, fully typed.

Other packages import from here (or from ``cleannet.core.indicators`` for the individual
normalisers): the error tree, indicator kinds and ``normalise``, the RSIT taxonomy and
the event record with IntelMQ's field names.
"""

from cleannet.core.errors import (
    CleanNetError,
    ConfigurationError,
    InvalidEvent,
    InvalidIndicator,
    InvalidTaxonomy,
    InvalidValue,
    ParseError,
)
from cleannet.core.event import Event, validate_field
from cleannet.core.event_fields import FIELDS, REQUIRED_FIELDS, FieldSpec, FieldType
from cleannet.core.indicators import Indicator, IndicatorKind, guess_kind, normalise
from cleannet.core.taxonomy import TAXONOMY, Classification, classify, machine_tag

__all__ = [
    "FIELDS",
    "REQUIRED_FIELDS",
    "TAXONOMY",
    "Classification",
    "CleanNetError",
    "ConfigurationError",
    "Event",
    "FieldSpec",
    "FieldType",
    "Indicator",
    "IndicatorKind",
    "InvalidEvent",
    "InvalidIndicator",
    "InvalidTaxonomy",
    "InvalidValue",
    "ParseError",
    "classify",
    "guess_kind",
    "machine_tag",
    "normalise",
    "validate_field",
]
