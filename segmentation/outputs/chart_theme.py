"""The charts' shared look: the segment palette, fonts, colours and the helpers every chart builder uses.

Every chart colours segments with the same palette (:func:`segment_scale`), uses plain-word titles and
embeds only the columns it plots or shows in tooltips (:func:`plain_columns`), so payloads stay small.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

__all__ = [
    "FONT",
    "MAX_ROWS",
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "SEGMENT_PALETTE",
    "plain_columns",
    "require_columns",
    "segment_names",
    "segment_scale",
    "style",
]

#: Categorical palette shared by every chart (Tableau 10 plus two; distinct for colour-blind viewers
#: in the first eight). Segment ``i`` always gets colour ``i``.
SEGMENT_PALETTE: tuple[str, ...] = (
    "#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948",
    "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#1F3A5F", "#8CD17D",
)  # fmt: skip
FONT = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
POSITIVE, NEGATIVE, NEUTRAL = "#2E7D5B", "#C0504D", "#8A94A6"
#: At most this many rows go into one chart (about 4-10 MB of JSON for a scatter); each builder
#: samples down to it, so Altair's own 5,000-row guard is lifted.
MAX_ROWS = 20_000
alt.data_transformers.disable_max_rows()


def segment_scale(names: Sequence[str]) -> alt.Scale:
    """Colour scale mapping segment names (in segment order) to the shared palette."""
    names = [str(n) for n in names]
    colours = [SEGMENT_PALETTE[i % len(SEGMENT_PALETTE)] for i in range(len(names))]
    return alt.Scale(domain=names, range=colours)


def segment_names(df: pd.DataFrame, col: str = "segment") -> list[str]:
    """Segment names in segment order: a categorical's categories, else first appearance."""
    s = df[col]
    if isinstance(s.dtype, pd.CategoricalDtype):
        return [str(c) for c in s.cat.categories]
    return [str(v) for v in dict.fromkeys(s.tolist())]


def style(chart: alt.TopLevelMixin, title: str, subtitle: str = "") -> alt.TopLevelMixin:
    """House look: readable fonts, quiet axes, left-aligned plain-word title."""
    return (
        chart.properties(title=alt.TitleParams(title, subtitle=subtitle or alt.Undefined, anchor="start"))
        .configure(font=FONT, background="white")
        .configure_title(fontSize=16, fontWeight=600, color="#1F2937", subtitleColor="#6B7280")
        .configure_axis(
            labelFontSize=12, titleFontSize=12, labelColor="#374151", titleColor="#374151",
            gridColor="#E5E7EB", domainColor="#9CA3AF", tickColor="#9CA3AF", labelLimit=220,
        )
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom", columns=4, labelLimit=220)
        .configure_view(strokeWidth=0)
    )  # fmt: skip


def require_columns(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    """Raise a plain-word ``ValueError`` naming the columns the ``what`` chart needs but lacks."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"The {what} chart needs the columns {', '.join(missing)}.")


def plain_columns(df: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    """Only the needed columns, with categoricals as plain text (smaller, JSON-friendly payload)."""
    out = df[list(dict.fromkeys(cols))].copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out
