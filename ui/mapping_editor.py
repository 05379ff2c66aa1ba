"""The column-role editor of the Data page: the user confirms or corrects what each column means."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation.catalog import CustomerTable
from segmentation.dataset import FileReport, SourceFile
from segmentation.intake import ROLE_BY_NAME, Mapping
from ui import data

KIND_LABELS = {
    "transactions": "Order history (one row per order line)",
    "customers": "Customer list (one row per customer)",
}


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
    return SourceFile(source.name, source.data, sheet)


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
        role_labels = {name: role.label for name, role in ROLE_BY_NAME.items()}
        sample = raw.sample(5)
        editor = pd.DataFrame(
            {
                "Column in your file": list(mapping.roles),
                "Examples": [
                    ", ".join(map(str, sample[c].dropna().astype(str).head(3))) for c in mapping.roles
                ],
                "Means": [role_labels.get(r, r) for r in mapping.roles.values()],
            }
        )
        edited = st.data_editor(
            editor,
            key=f"{key}_editor",
            hide_index=True,
            width="stretch",
            disabled=["Column in your file", "Examples"],
            column_config={
                "Means": st.column_config.SelectboxColumn(
                    "Means",
                    options=sorted(set(role_labels.values())),
                    required=True,
                    help="What this column holds. Choose 'Ignore' for columns you don't need.",
                )
            },
        )
        by_label = {label: name for name, label in role_labels.items()}
        roles = dict(zip(edited["Column in your file"], edited["Means"].map(by_label), strict=True))
        date_formats = dict(mapping.date_formats)
        for column in suggestion.ambiguous:
            options = _day_month_orders(date_formats.get(column, "%d/%m/%Y"))
            date_formats[column] = st.selectbox(
                f"Dates in '{column}' could be read two ways. How are they written?",
                options,
                format_func=_date_words,
                key=f"{key}_date_{column}",
            )
        for note in suggestion.notes:
            st.caption(f"ℹ️ {note}")
    return mapping.replace(kind=kind, roles=roles, date_formats=date_formats)


def _day_month_orders(pattern: str) -> list[str]:
    """The pattern as suggested and with day and month swapped."""
    swapped = pattern.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    return [pattern, swapped]


def _date_words(pattern: str) -> str:
    day_first = pattern.find("%d") < pattern.find("%m")
    example = pd.Timestamp("2025-12-31").strftime(pattern.split(" ")[0])
    return f"{'Day' if day_first else 'Month'} first ({example})"


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
