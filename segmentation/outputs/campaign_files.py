"""The files the command line writes: one row per customer with their segment (``apply``), and the
files of one campaign export (``export``): the send list or platform file, the groups file for
measuring it, and the global control's own list; and the Export page's zip of send and hold-out
lists per segment.

The same audience as the Export page (:func:`~segmentation.outputs.audience.build_audience`), so
the holdout and the global control are kept out of every file the same way on every path.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.outputs.audience import HOLDOUT, TARGET, Audience, build_audience
from segmentation.outputs.audiences import PLATFORMS, platform_file, platform_needs
from segmentation.outputs.export import safe_file_name, to_csv_bytes, to_xlsx_bytes
from segmentation.outputs.global_control import GLOBAL_CONTROL, GlobalControl, global_control_list
from segmentation.segmenters import CriteriaSpec, usable_features
from segmentation.segments import Segmentation

#: Spreadsheet layouts (the send list with the chosen columns) and the platforms' own layouts.
EXPORT_FORMATS = ("csv", "xlsx", *PLATFORMS)


@dataclass(frozen=True)
class CampaignFiles:
    """``main``: the send list or platform file. ``groups``: every customer of the campaign with
    their group, when there is a holdout or a global control. ``global_control``: every member of
    the global control (all segments), when there is one. ``messages``: what went where, in words."""

    main: bytes
    groups: bytes | None
    global_control: bytes | None
    messages: list[str]

    def measurement_files(self) -> list[tuple[str, bytes, str]]:
        """The files beside the main one: (name suffix, bytes, what it holds)."""
        files = [
            (
                "groups",
                self.groups,
                "every customer of the campaign with their group, for measuring it later",
            ),
            ("global_control", self.global_control, "every customer in the global control, for measuring"),
        ]
        return [(suffix, data, what) for suffix, data, what in files if data is not None]


def campaign_files(
    table: CustomerTable,
    seg: Segmentation | None,
    fmt: str,
    *,
    segments: Sequence[str] | None = None,
    consent_only: bool = False,
    holdout_share: float = 0.0,
    seed: int = 0,
    control: GlobalControl | None = None,
    default_country: str | None = None,
) -> CampaignFiles:
    """Everything a campaign export writes, as bytes (see :class:`CampaignFiles`); without ``seg``
    all customers form one segment, "All customers"."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f'Unknown format "{fmt}". Choose one of: {", ".join(EXPORT_FORMATS)}.')
    control = control or GlobalControl()
    if seg is None:
        seg = Segmentation(pd.Series(0, index=table.frame.index, dtype="int64"), ("All customers",), "all")
    needs = platform_needs(fmt) if fmt in PLATFORMS else {"reach": "any"}
    audience = build_audience(
        table,
        seg,
        segments=segments,
        consent_only=consent_only,
        holdout_share=holdout_share,
        seed=seed,
        default_country=default_country,
        global_control=control,
        **needs,
    )
    if fmt in PLATFORMS:
        main, summary = platform_file(audience, fmt)
        messages = summary.messages()
    else:
        send = audience.send()
        main = to_csv_bytes(send) if fmt == "csv" else to_xlsx_bytes(send)
        messages = audience.messages()
    groups = to_csv_bytes(audience.groups()) if holdout_share > 0 or control.active else None
    members = to_csv_bytes(global_control_list(seg, control)) if control.active else None
    return CampaignFiles(main, groups, members, messages)


def campaign_zip(audience: Audience, fmt: Literal["csv", "xlsx"] = "csv") -> bytes:
    """A zip with a send file and, with a holdout, a hold-out file per segment, plus the groups file.

    ``send/01_Champions.csv`` holds only target customers; ``hold_out/01_Champions.csv`` the control
    group; ``global_control/01_Champions.csv`` the segment's global-control customers; ``groups.csv``
    every customer with their group (``customer_id, segment, group``) for measuring the campaign later.
    """
    if fmt not in ("csv", "xlsx"):
        raise ValueError('Choose "csv" or "xlsx".')
    rows = audience.rows
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i, name in enumerate(rows["segment"].cat.categories, start=1):
            for folder, group in (
                ("send", TARGET),
                ("hold_out", HOLDOUT),
                ("global_control", GLOBAL_CONTROL),
            ):
                part = rows[(rows["segment"] == name) & (rows["group"] == group)].drop(columns="group")
                if part.empty:
                    continue
                stem = f"{folder}/{i:02d}_{safe_file_name(str(name))}"
                part = part.reset_index(drop=True)
                data = to_csv_bytes(part) if fmt == "csv" else to_xlsx_bytes(part, sheet_name=str(name))
                zf.writestr(f"{stem}.{fmt}", data)
        if audience.holdout_share > 0 or audience.global_control.active:
            zf.writestr("groups.csv", to_csv_bytes(audience.groups()))
    return buf.getvalue()


def assignment_rows(table: CustomerTable, seg: Segmentation, spec: CriteriaSpec) -> pd.DataFrame:
    """One row per customer (the ``apply`` command's file): segment number (1 = first), name, and the
    scores the segments came from: the segmentation's own (RFM scores, ...) or else the values of
    the criteria ``spec`` it used."""
    out = pd.DataFrame(
        {
            "customer_id": seg.labels.index,
            "segment_id": seg.labels.to_numpy() + 1,
            "segment": seg.named.astype(str).to_numpy(),
        }
    )
    if seg.scores is not None:
        scores = seg.scores.reindex(seg.labels.index)
    else:
        used = [
            f.name
            for f in usable_features(table)
            if f.family in spec.families and (spec.features is None or f.name in spec.features)
        ]
        scores = table.frame.reindex(seg.labels.index)[used]
    return pd.concat([out, scores.reset_index(drop=True)], axis=1)


__all__ = ["EXPORT_FORMATS", "CampaignFiles", "assignment_rows", "campaign_files", "campaign_zip"]
