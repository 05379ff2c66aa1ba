"""Intake: reading a user's file (format, encoding, separator), guessing column roles, and the
canonical transaction or customer table with its ledger (every row kept or set aside with a reason)."""

from __future__ import annotations

from segmentation.intake.csv_reader import clean_names, detect_encoding, detect_separator
from segmentation.intake.customer_list import parse_number
from segmentation.intake.io import RawTable, connect, read_table
from segmentation.intake.ledger import REASON_LABELS, Intake, Ledger
from segmentation.intake.limits import LimitError, Limits
from segmentation.intake.prepare import load, prepare
from segmentation.intake.roles import ROLE_BY_NAME
from segmentation.intake.schema import (
    Mapping,
    Suggestion,
    analyse_dates,
    analyse_decimal_comma,
    role_from_header,
    suggest_mapping,
    validate_mapping,
)

__all__ = [
    "REASON_LABELS",
    "ROLE_BY_NAME",
    "Intake",
    "Ledger",
    "LimitError",
    "Limits",
    "Mapping",
    "RawTable",
    "Suggestion",
    "analyse_dates",
    "analyse_decimal_comma",
    "clean_names",
    "connect",
    "detect_encoding",
    "detect_separator",
    "load",
    "parse_number",
    "prepare",
    "read_table",
    "role_from_header",
    "suggest_mapping",
    "validate_mapping",
]
