"""Intake: reading a user's file (format, encoding, separator), guessing column roles, and the
canonical transaction or customer table with its ledger (every row kept or set aside with a reason)."""

from __future__ import annotations

from segmentation.intake.csv_reader import ReadOptions, clean_names, detect_encoding, detect_separator
from segmentation.intake.customer_list import parse_number
from segmentation.intake.dates import (
    COMMON_PATTERNS,
    SPECIAL,
    DateGuess,
    analyse_dates,
    date_preview,
    infer_date_format,
)
from segmentation.intake.evidence import analyse_decimal_comma, present, role_from_header, why_left_out
from segmentation.intake.io import RawTable, connect, read_table
from segmentation.intake.ledger import REASON_LABELS, Intake, Ledger
from segmentation.intake.limits import LimitError, Limits
from segmentation.intake.persons import merge_persons
from segmentation.intake.prepare import load, prepare
from segmentation.intake.roles import ROLE_BY_NAME
from segmentation.intake.schema import (
    LOW_CONFIDENCE,
    Mapping,
    Suggestion,
    suggest_mapping,
    validate_mapping,
)

__all__ = [
    "COMMON_PATTERNS",
    "LOW_CONFIDENCE",
    "REASON_LABELS",
    "ROLE_BY_NAME",
    "SPECIAL",
    "DateGuess",
    "Intake",
    "Ledger",
    "LimitError",
    "Limits",
    "Mapping",
    "RawTable",
    "ReadOptions",
    "Suggestion",
    "analyse_dates",
    "analyse_decimal_comma",
    "clean_names",
    "connect",
    "date_preview",
    "detect_encoding",
    "detect_separator",
    "infer_date_format",
    "load",
    "merge_persons",
    "parse_number",
    "prepare",
    "present",
    "read_table",
    "role_from_header",
    "suggest_mapping",
    "validate_mapping",
    "why_left_out",
]
