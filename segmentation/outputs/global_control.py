"""The global control group: a fixed, seeded share of all customers kept out of every campaign.

Membership depends only on the seed and the customer's id (a hash of both, read as a number between
0 and 1, below the share), never on the row order or on who else is in the file: next month's data,
with new customers, keeps every existing member in and every other customer out, and each new
customer joins with the same chance. Comparing members with everyone else over the months measures
the total effect of all marketing, which a per-campaign holdout cannot.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.segments import Segmentation

GLOBAL_CONTROL = "global control"
#: Members needed before the global control can tell anything; fewer are noise whatever happens.
MIN_MEMBERS = 100
MAX_SHARE = 0.5
#: The buying rate assumed when the data cannot say (no recency).
DEFAULT_BUYING_RATE = 0.10
# 95% two-sided and 80% power: the usual minimum detectable effect (z 1.96 + 0.84).
_Z_DETECT = 2.80


@dataclass(frozen=True)
class GlobalControl:
    """A share of all customers (0 = none) and the seed that picks them."""

    share: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.share, bool) or not isinstance(self.share, int | float):
            raise ValueError("The global control share must be a number from 0 to 0.5.")
        if not 0.0 <= float(self.share) <= MAX_SHARE:
            raise ValueError(f"The global control share must be from 0% to {MAX_SHARE:.0%}.")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError("The global control seed must be a whole number.")

    @property
    def active(self) -> bool:
        return self.share > 0

    @property
    def percent(self) -> str:
        """The share as written for people: '5%', '2.5%'."""
        return f"{self.share * 100:.3g}%"

    def to_dict(self) -> dict[str, Any]:
        return {"share": float(self.share), "seed": int(self.seed)}

    @classmethod
    def from_dict(cls, doc: object) -> GlobalControl:
        if not isinstance(doc, dict) or set(doc) - {"share", "seed"}:
            raise ValueError("The recipe's global control must say only its share and seed.")
        return cls(doc.get("share", 0.0), doc.get("seed", 0))


def global_control_mask(ids: Iterable[object], control: GlobalControl) -> np.ndarray:
    """True for the customers in the global control: BLAKE2b of (seed, id) below the share.

    A cryptographic hash (Python's hashlib, https://docs.python.org/3/library/hashlib.html) is stable
    across versions and machines, unlike pandas' or Python's own string hashes.
    """
    ids = list(ids)
    if not control.active:
        return np.zeros(len(ids), dtype=bool)
    limit = int(control.share * 2**64)
    prefix = f"{control.seed}\x1f".encode()
    return np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(prefix + str(i).encode(), digest_size=8).digest(), "big") < limit
            for i in ids
        ),
        dtype=bool,
        count=len(ids),
    )


def global_control_list(seg: Segmentation, control: GlobalControl) -> pd.DataFrame:
    """Every member of the global control with their segment and group ``"global control"``.

    The same columns as the campaign groups file (``customer_id, segment, group``), so the Measure
    page and the ``measure`` command read it with control ``"global control"``.
    """
    ids = seg.labels.index.astype(str)
    member = global_control_mask(ids, control)
    return pd.DataFrame(
        {
            "customer_id": ids[member],
            "segment": seg.named.astype(str).to_numpy()[member],
            "group": GLOBAL_CONTROL,
        }
    )


def members_and_neighbours(
    contacts: pd.DataFrame, rows: pd.Index, control: GlobalControl, *, use_phone: bool
) -> tuple[np.ndarray, np.ndarray]:
    """For each customer of ``rows``: in the global control, and (outside it) sharing an e-mail
    address, or a phone number when ``use_phone``, with a member anywhere in ``contacts`` (normalised
    contact details of all customers): mailing them would reach the member too.
    """
    if not control.active:
        return np.zeros(len(rows), dtype=bool), np.zeros(len(rows), dtype=bool)
    member = pd.Series(global_control_mask(contacts.index.astype(str), control), index=contacts.index)
    emails = set(contacts["email_key"][member.to_numpy()]) - {""}
    phones = set(contacts["phone"][member.to_numpy()]) - {""} if use_phone else set()
    here = contacts.reindex(rows)
    in_rows = member.reindex(rows, fill_value=False).to_numpy(dtype=bool)
    near = (here["email_key"].isin(emails) | here["phone"].isin(phones)).to_numpy(dtype=bool)
    return in_rows, near & ~in_rows


def buying_rate(frame: pd.DataFrame) -> float:
    """Share of customers who bought in the last 30 days (the base of the detectable difference)."""
    if "recency_days" not in frame or not len(frame):
        return DEFAULT_BUYING_RATE
    rate = float(pd.to_numeric(frame["recency_days"], errors="coerce").le(30).mean())
    return min(max(rate, 0.01), 0.99)


def detectable_difference(members: int, others: int, rate: float) -> float:
    """The smallest change in a buying rate the global control can show (share, 95%, 80% power)."""
    if members <= 0 or others <= 0:
        return math.inf
    return _Z_DETECT * math.sqrt(rate * (1 - rate) * (1 / members + 1 / others))


@dataclass(frozen=True)
class GlobalControlSize:
    """A global control on one customer base: how many customers it holds and what it can measure."""

    control: GlobalControl
    customers: int
    members: int
    buying_rate: float

    @property
    def detectable(self) -> float:
        """The smallest change in the monthly buying rate it can show (a share; inf when it cannot)."""
        return detectable_difference(self.members, self.customers - self.members, self.buying_rate)

    def messages(self) -> list[str]:
        """Plain sentences (see :func:`size_messages`)."""
        return size_messages(self.customers, self.members, self.control, self.buying_rate)


def global_control_size(seg: Segmentation, control: GlobalControl, frame: pd.DataFrame) -> GlobalControlSize:
    """The global control among the customers of ``seg``; ``frame`` (the customer table) gives the rate."""
    members = int(global_control_mask(seg.labels.index.astype(str), control).sum())
    return GlobalControlSize(control, len(seg.labels), members, buying_rate(frame))


def size_messages(customers: int, members: int, control: GlobalControl, rate: float) -> list[str]:
    """Plain sentences: how many customers the global control holds and what it can measure."""
    smallest = math.ceil(MIN_MEMBERS / control.share) if control.active else 0
    out = [
        f"{members:,} of your {customers:,} customers are in the global control now "
        f"({control.percent}, seed {control.seed}): they get no campaign, in any export, every month."
    ]
    change = detectable_difference(members, customers - members, rate)
    if members < MIN_MEMBERS:
        out.append(
            f"That is too few to measure anything: a global control needs at least {MIN_MEMBERS} "
            f"customers, so {control.percent} needs a shop of at least {smallest:,} customers."
        )
    if math.isfinite(change):
        out.append(
            f"With {members:,} members it can only show a change of {change * 100:.1f} points or more in "
            f"the share of customers who buy in a month ({rate:.0%} now); smaller effects look like chance."
        )
    return out


__all__ = [
    "GLOBAL_CONTROL",
    "MAX_SHARE",
    "MIN_MEMBERS",
    "GlobalControl",
    "GlobalControlSize",
    "buying_rate",
    "detectable_difference",
    "global_control_list",
    "global_control_mask",
    "global_control_size",
    "members_and_neighbours",
    "size_messages",
]
