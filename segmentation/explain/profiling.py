"""Segment profiles in plain language: what sets each segment apart, a name, a description, actions.

For every segment we compare its customers with all customers, feature by feature. Numeric features
give the segment's average against the overall average (a ratio, and the difference measured in
typical spreads so features on different scales compare fairly); categorical features give the values
the segment has more of than everyone else. The strongest differences become the traits that name and
describe the segment and pick the actions from a marketing playbook.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.explain.naming import PLAYBOOK, Trait, describe, name_segments, plays_for
from segmentation.explain.traits import Contrast, criteria_features
from segmentation.segments import Segmentation

#: Segmentations whose segments keep their rule names and get their plays by name (``naming.RULE_PLAYS``).
RULE_METHODS = frozenset(
    {"rfm11", "rfm6", "lifecycle", "loyalty_tiers", "value_tiers", "nps", "satisfaction", "bands", "custom",
     "cart_abandoners", "window_shoppers", "engaged_browsers", "value_risk", "clv_tiers"}
)  # fmt: skip


@dataclass(frozen=True)
class SegmentProfile:
    """Everything a marketer needs to know about one segment."""

    code: int
    name: str
    segment_name: str
    size: int
    share: float
    revenue: float  # NaN when the data has no prices
    revenue_share: float
    traits: tuple[Trait, ...]
    top_categories: tuple[tuple[str, float], ...]
    channels: tuple[tuple[str, float], ...]
    places: tuple[tuple[str, float], ...]
    demographics: dict[str, str] = field(default_factory=dict)
    description: str = ""
    actions: tuple[str, ...] = ()
    priority: int = 0
    priority_why: str = ""
    #: What the segment's worth is counted in: "revenue", or "orders" when the data has no prices.
    measure: str = "revenue"
    value: float = 0.0
    value_share: float = 0.0


_WEIGHTS = {"size": 0.35, "value": 0.45, "risk": 0.2}


# ---------------------------------------------------------------- playbook and priority


def _risk(table: CustomerTable, mask: np.ndarray, plays: tuple[str, ...]) -> float:
    frame = table.frame
    if "churn_probability" in frame and frame["churn_probability"].notna().any():
        return float(np.nan_to_num(frame.loc[mask, "churn_probability"].mean()))
    if "recency_days" in frame and frame["recency_days"].notna().any():
        pct = frame["recency_days"].rank(pct=True)
        return float(np.nan_to_num(pct[mask].mean()))
    return 1.0 if "winback" in plays else 0.0


def _priority(
    size_share: float, value_share: float, risk: float, biggest: tuple[float, float], measure: str
) -> tuple[int, str]:
    parts = {
        "size": size_share / max(biggest[0], 1e-9),
        "value": max(value_share, 0) / max(biggest[1], 1e-9),
        "risk": risk,
    }
    score = round(100 * sum(_WEIGHTS[k] * min(v, 1.0) for k, v in parts.items()))
    why = f"{size_share:.0%} of your customers and {max(value_share, 0):.0%} of {measure}"
    why += "; many may be about to leave." if risk >= 0.5 else "."
    return score, why[0].upper() + why[1:]


# ---------------------------------------------------------------- composition


def _mix(
    frame: pd.DataFrame, mask: np.ndarray, table: CustomerTable, prefix: str, column: str
) -> tuple[tuple[str, float], ...]:
    """Top 3 values with their share in the segment: from spend-share columns, else a categorical column."""
    shares = [c for c in frame.columns if c.startswith(prefix) and not c.endswith("other")]
    if shares:
        means = frame.loc[mask, shares].astype(float).mean().sort_values(ascending=False)
        label = table.labels()
        return tuple(
            (label.get(str(c), str(c)).removeprefix("Share of spend on "), float(v))
            for c, v in means.head(3).items()
            if v > 0
        )
    if column in frame:
        counts = frame.loc[mask, column].astype("string").value_counts(normalize=True)
        return tuple((str(k), float(v)) for k, v in counts.head(3).items())
    return ()


def _demographics(frame: pd.DataFrame, mask: np.ndarray) -> dict[str, str]:
    out: dict[str, str] = {}
    if "age" in frame and frame.loc[mask, "age"].notna().any():
        ages = frame.loc[mask, "age"].astype(float)
        band = pd.cut(
            ages,
            [0, 25, 35, 45, 55, 65, 200],
            right=False,
            labels=["under 25", "25-34", "35-44", "45-54", "55-64", "65+"],
        )
        out["age"] = f"median {ages.median():.0f} years, most often {band.value_counts().idxmax()}"
    if "gender" in frame and frame.loc[mask, "gender"].notna().any():
        mix = frame.loc[mask, "gender"].astype("string").value_counts(normalize=True).head(3)
        out["gender"] = ", ".join(f"{v:.0%} {k}" for k, v in mix.items())
    return out


# ---------------------------------------------------------------- public API


def profile_segments(
    table: CustomerTable, segmentation: Segmentation, *, value: str = "monetary"
) -> list[SegmentProfile]:
    """One plain-language profile per segment, in segment order.

    Parameters
    ----------
    table
        The customer table the segmentation was made on (customers are matched by id).
    segmentation
        Any segmentation; rule segmentations (RFM grids, tiers, ...) keep their names and get
        descriptions and actions keyed by name, others get names generated from their traits.
    value
        Column summed as revenue. Without it (orders without prices) revenue is NaN and the segments'
        worth is counted in orders (``frequency``).

    Returns
    -------
    list of SegmentProfile, names unique and deterministic.
    """
    frame = table.frame.reindex(segmentation.labels.index)
    table = CustomerTable(frame, table.catalog, table.reference_date, table.notes)
    codes = segmentation.labels.to_numpy()
    worth, measure = _worth(frame, value)
    total, n = float(worth.sum()), max(len(frame), 1)
    is_rule = segmentation.method in RULE_METHODS
    masks = [codes == c for c in range(len(segmentation.names))]
    contrast = Contrast(table)
    traits = [contrast.traits(m) for m in masks]
    keep_names = is_rule or segmentation.params.get("named", False)
    names = list(segmentation.names) if keep_names else name_segments(frame, masks, traits)
    shares = [m.sum() / n for m in masks]
    values = [float(worth[m].sum()) for m in masks]
    value_shares = [v / total if total else 0.0 for v in values]
    biggest = (max(shares, default=1.0), max(max(value_shares, default=0.0), 1e-9))
    known = measure == "revenue"
    profiles = []
    for code, mask in enumerate(masks):
        plays = plays_for(names[code], traits[code], is_rule)
        risk = _risk(table, mask, plays) if mask.any() else 0.0
        score, why = _priority(shares[code], value_shares[code], risk, biggest, measure)
        profiles.append(
            SegmentProfile(
                code=code,
                name=names[code],
                segment_name=segmentation.names[code],
                size=int(mask.sum()),
                share=float(shares[code]),
                revenue=values[code] if known else float("nan"),
                revenue_share=value_shares[code] if known else float("nan"),
                traits=traits[code],
                top_categories=_mix(frame, mask, table, "share_cat_", "favourite_category"),
                channels=_mix(frame, mask, table, "share_ch_", "preferred_channel"),
                places=_mix(frame, mask, table, "\0", "region" if "region" in frame else "country"),
                demographics=_demographics(frame, mask),
                description=describe(
                    int(mask.sum()),
                    shares[code],
                    value_shares[code],
                    names[code],
                    traits[code],
                    is_rule,
                    measure,
                ),
                actions=tuple(PLAYBOOK[p] for p in plays),
                priority=score,
                priority_why=why,
                measure=measure,
                value=values[code],
                value_share=value_shares[code],
            )
        )
    return profiles


def _worth(frame: pd.DataFrame, value: str) -> tuple[pd.Series, str]:
    """Each customer's worth and what it is counted in: ``value`` as revenue, else orders."""
    if value in frame:
        return frame[value].astype(float).fillna(0), "revenue"
    if "frequency" in frame:
        return frame["frequency"].astype(float).fillna(0), "orders"
    return pd.Series(0.0, index=frame.index), "revenue"


def generated_names(table: CustomerTable, segmentation: Segmentation) -> list[str]:
    """Unique, deterministic names for data-driven segments, from each segment's strongest traits."""
    frame = table.frame.reindex(segmentation.labels.index)
    table = CustomerTable(frame, table.catalog, table.reference_date, table.notes)
    codes = segmentation.labels.to_numpy()
    masks = [codes == c for c in range(len(segmentation.names))]
    contrast = Contrast(table)
    return name_segments(frame, masks, [contrast.traits(m) for m in masks])


def profiles_frame(profiles: list[SegmentProfile]) -> pd.DataFrame:
    """One row per segment for tables and exports."""
    rows = [
        {
            "segment": p.name,
            "customers": p.size,
            "share": p.share,
            "revenue": p.revenue,
            "revenue_share": p.revenue_share,
            "measure": p.measure,
            "value": p.value,
            "value_share": p.value_share,
            "priority": p.priority,
            "why": p.priority_why,
            "description": p.description,
            "stands_out_for": "; ".join(t.text for t in p.traits[:3]),
            "top_categories": ", ".join(k for k, _ in p.top_categories),
            "channels": ", ".join(k for k, _ in p.channels),
            "places": ", ".join(k for k, _ in p.places),
            "actions": "; ".join(p.actions),
        }
        for p in profiles
    ]
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else None)


def heatmap_frame(
    table: CustomerTable, segmentation: Segmentation, features: list[str] | None = None
) -> pd.DataFrame:
    """Long frame (segment x feature) of each segment's average as an index: 100 = the average customer.

    Columns: ``segment``, ``feature``, ``label``, ``value`` (segment average), ``overall`` and ``index``
    (segment / overall x 100; blank where the overall average is 0). Numeric features by default.
    """
    frame = table.frame.reindex(segmentation.labels.index)
    names = features or [f.name for f in criteria_features(table) if f.kind in ("numeric", "boolean")]
    labels = table.labels()
    values = frame[names].astype(float)
    means = values.groupby(segmentation.named, observed=False).mean()
    overall = values.mean()
    index = means / overall.where(overall != 0) * 100
    long = pd.DataFrame({"value": means.stack(future_stack=True)})
    long["index"] = index.stack(future_stack=True)
    long = long.reset_index(names=["segment", "feature"])
    long["overall"] = long["feature"].map(overall)
    long["label"] = long["feature"].map(lambda c: labels.get(c, c))
    long["segment"] = long["segment"].astype(str)
    return long[["segment", "feature", "label", "value", "overall", "index"]]


#: The main facts of the side-by-side heat map, in reading order (a dozen columns stay readable).
HEATMAP_FEATURES = (
    "recency_days", "frequency", "monetary", "avg_order_value", "tenure_days", "return_rate", "n_categories",
    "age", "income", "loyalty_points", "rating", "nps", "churn_probability",
)  # fmt: skip


def heatmap_features(table: CustomerTable, limit: int = 18) -> list[str]:
    """The facts for the side-by-side heat map: the main ones, up to four channel shares, custom facts.

    Only columns the table has; at most ``limit`` of them, in that order.
    """
    main = [c for c in HEATMAP_FEATURES if c in table.frame]
    channels = [c for c in table.frame.columns if c.startswith("share_ch_") and not c.endswith("_other")]
    custom = [f.name for f in table.catalog if f.family == "custom" and f.kind == "numeric"]
    return (main + channels[:4] + custom)[:limit]


def traits_frame(profile: SegmentProfile) -> pd.DataFrame:
    """One row per trait of a segment (the fields of ``Trait``), strongest first, for the traits chart."""
    columns = [f.name for f in fields(Trait)]
    return pd.DataFrame([asdict(t) for t in profile.traits], columns=columns)
