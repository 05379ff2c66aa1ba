"""The column-role editor of the Data page: the user confirms or corrects what each column means."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation.catalog import CustomerTable
from segmentation.dataset import FileReport, SourceFile
from segmentation.intake import (
    COMMON_PATTERNS,
    LOW_CONFIDENCE,
    ROLE_BY_NAME,
    SPECIAL,
    Mapping,
    ReadOptions,
    date_preview,
    present,
    why_left_out,
)
from ui import data

KIND_LABELS = {
    "transactions": "Order history (one row per order line)",
    "customers": "Customer list (one row per customer)",
    "events": "Event log (views, carts, purchases, reviews)",
}
SEPARATOR_LABELS = {
    None: "Detected",
    ",": "Comma ,",
    ";": "Semicolon ;",
    "\t": "Tab",
    "|": "Pipe |",
    "whitespace": "Spaces (aligned columns)",
}
ENCODINGS = [None, "utf-8", "gb18030", "big5", "cp1252", "latin-1", "utf-16", "shift_jis"]
FORMAT_WORDS = {
    "iso": "ISO: 2025-12-31 (with or without time)",
    "excel": "Excel serial number (46022)",
    "unix_s": "Unix time in seconds (1767139200)",
    "unix_ms": "Unix time in milliseconds",
}
OTHER_PATTERN = "Other pattern…"


def reading_settings(source: SourceFile) -> SourceFile:
    """Separator, encoding and header row, detected unless the user sets them."""
    key = f"read_{source.fingerprint}"
    with st.expander(f"Reading settings for {source.name}", expanded=False):
        cols = st.columns(3)
        sep = cols[0].selectbox(
            "Separator", list(SEPARATOR_LABELS), format_func=SEPARATOR_LABELS.get, key=f"{key}_sep"
        )
        enc = cols[1].selectbox(
            "Encoding", ENCODINGS, format_func=lambda e: e or "Detected", key=f"{key}_enc"
        )
        header = cols[2].selectbox(
            "Header row",
            [None, 0, *range(1, 21)],
            format_func=lambda n: "Detected" if n is None else ("No header row" if n == 0 else f"Line {n}"),
            key=f"{key}_header",
            help="The line holding the column names; 'No header row' when the first line is data.",
        )
    if sep is None and enc is None and header is None:
        return source
    return SourceFile(source.name, source.data, source.sheet, ReadOptions(sep, enc, header))


def with_sheet(source: SourceFile) -> SourceFile:
    """For a workbook with several sheets, let the user choose the sheet to read."""
    raw, _ = data.suggest_cached(source.fingerprint, source)
    if len(raw.sheets) < 2:
        return source
    sheet = st.selectbox(
        f"Sheet of {source.name} to use",
        list(raw.sheets),
        index=list(raw.sheets).index(raw.sheet) if raw.sheet in raw.sheets else 0,
        key=f"sheet_{source.fingerprint}",
    )
    return SourceFile(source.name, source.data, sheet, source.options)


def confirm_roles(source: SourceFile) -> Mapping:
    """Show the suggested roles of one file as an editable table; return the confirmed mapping."""
    raw, suggestion = data.suggest_cached(source.fingerprint, source)
    mapping = suggestion.mapping
    key = f"roles_{source.fingerprint}"
    with st.container(border=True):
        st.markdown(f"**{source.name}** · {raw.n_rows:,} rows · {_format_words(raw)}")
        kind = st.radio(
            "This file is",
            list(KIND_LABELS),
            index=list(KIND_LABELS).index(mapping.kind),
            format_func=KIND_LABELS.get,
            key=f"{key}_kind",
            horizontal=True,
        )
        if suggestion.why:
            st.caption(f"Why: {'; '.join(suggestion.why)}.")
        role_labels = {name: role.label for name, role in ROLE_BY_NAME.items()}
        sample = raw.sample(200)
        confidence = suggestion.confidence
        editor = pd.DataFrame(
            {
                "Column in your file": list(mapping.roles),
                "Examples": [
                    ", ".join(map(str, sample[c].dropna().astype(str).head(3))) for c in mapping.roles
                ],
                "Means": [role_labels.get(r, r) for r in mapping.roles.values()],
                "Check": [
                    "⚠️ guess" if confidence.get(c, 1.0) < LOW_CONFIDENCE and r != "ignore" else ""
                    for c, r in mapping.roles.items()
                ],
            }
        )
        edited = st.data_editor(
            editor,
            key=f"{key}_editor",
            hide_index=True,
            width="stretch",
            disabled=["Column in your file", "Examples", "Check"],
            column_config={
                "Means": st.column_config.SelectboxColumn(
                    "Means",
                    options=sorted(set(role_labels.values())),
                    required=True,
                    help="What this column holds. Choose 'Not used' for columns you don't need.",
                ),
                "Check": st.column_config.TextColumn(
                    "Check", help="A guess from the values alone: please check it."
                ),
            },
        )
        by_label = {label: name for name, label in role_labels.items()}
        roles = dict(zip(edited["Column in your file"], edited["Means"].map(by_label), strict=True))
        date_formats = _date_settings(key, roles, mapping, sample)
        decimal = _decimal_settings(key, roles, mapping)
        _left_out(roles, sample)
        for note in suggestion.notes:
            st.caption(f"ℹ️ {note}")
    return mapping.replace(kind=kind, roles=roles, date_formats=date_formats, decimal_comma=decimal)


def _date_settings(key: str, roles: dict[str, str], mapping: Mapping, sample: pd.DataFrame) -> dict[str, str]:
    """A date format per date column (common layouts or a pattern), with a live preview."""
    formats = dict(mapping.date_formats)
    for column, role in roles.items():
        if ROLE_BY_NAME[role].kind != "date":
            continue
        current = formats.get(column, "iso")
        options = list(dict.fromkeys([current, *SPECIAL, *COMMON_PATTERNS, OTHER_PATTERN]))
        cols = st.columns([2, 3])
        choice = cols[0].selectbox(
            f"Dates in '{column}' are written as",
            options,
            format_func=_format_label,
            key=f"{key}_date_{column}",
        )
        if choice == OTHER_PATTERN:
            choice = (
                cols[0].text_input(
                    "Pattern (strptime: %d day, %m month, %b Jan, %y 24, %Y 2024, %H:%M time)",
                    value=current if current not in SPECIAL else "%d/%m/%Y",
                    key=f"{key}_pattern_{column}",
                )
                or current
            )
        values = present(v for v in sample[column] if v is not None)
        shown, total, fails = date_preview(values, choice)
        with cols[1]:
            words = f"{total - fails:,} of {total:,} read" + (f", **{fails:,} fail**" if fails else "")
            st.markdown(f"Preview of the first rows: {words}")
            st.dataframe(
                pd.DataFrame(shown, columns=["In your file", "Read as"]),
                hide_index=True,
                height=140,
                key=f"{key}_preview_{column}",
            )
        formats[column] = choice
    return formats


def _decimal_settings(key: str, roles: dict[str, str], mapping: Mapping) -> dict[str, bool]:
    numbers = [c for c, r in roles.items() if ROLE_BY_NAME[r].kind == "number"]
    if not numbers:
        return dict(mapping.decimal_comma)
    chosen = st.multiselect(
        "Columns written with a decimal comma (1.234,50)",
        numbers,
        default=[c for c in numbers if mapping.decimal_comma.get(c)],
        key=f"{key}_decimal",
    )
    return {c: c in chosen for c in numbers}


def _left_out(roles: dict[str, str], sample: pd.DataFrame) -> None:
    unused = [c for c, r in roles.items() if r == "ignore"]
    if unused:
        with st.expander(f"Columns left out ({len(unused)})"):
            for column in unused:
                values = present(v for v in sample[column] if v is not None)
                st.markdown(f"- **{column}**: {why_left_out(values)}")


def _format_label(fmt: str) -> str:
    if fmt in FORMAT_WORDS:
        return FORMAT_WORDS[fmt]
    if fmt == OTHER_PATTERN:
        return fmt
    try:
        example = pd.Timestamp("2025-12-31 18:30").strftime(fmt.removesuffix(" (weekday)"))
    except ValueError:
        example = fmt
    return f"{fmt}  ({example})"


def describe(report: FileReport) -> str:
    words = [KIND_LABELS[report.kind].split(" (")[0], report.format.upper()]
    if report.encoding:
        words.append(report.encoding)
    if report.separator:
        words.append(
            {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(report.separator, report.separator)
            + "-separated"
        )
    return " · ".join(words)


def _format_words(raw) -> str:
    parts = [raw.format.upper()]
    if raw.encoding:
        parts.append(raw.encoding)
    return " · ".join(parts)


def preview(table: CustomerTable, rows: int = 200) -> pd.DataFrame:
    """The first customers with plain column labels (ids kept as the index)."""
    labels = table.labels()
    return table.frame.head(rows).rename(columns=labels).rename_axis("Customer id")
