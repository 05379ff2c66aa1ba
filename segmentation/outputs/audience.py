"""The audience of a campaign: who is sent to, who is held out, who was left out and why.

One audience feeds every file of an export (spreadsheets, zips, platform files, the CLI), so they
all agree. Its steps, in order: the customers of the chosen segments; those who agreed to marketing
(when asked); those the destination can reach (an e-mail address, a phone number, ...); one customer
per e-mail address or phone number; then the global control (a fixed share of all customers, see
:mod:`segmentation.outputs.global_control`) is set apart; and only then the holdout, drawn at random
within each segment with a seed the user can change. Drawing after the filters keeps target and
control comparable; no holdout or global-control customer is ever in a send list or platform file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.outputs.contacts import PHONE_PROBLEMS, ContactDetails, contact_details, read_consent
from segmentation.outputs.export import (
    DEFAULT_CONTACT_COLUMNS,
    DEFAULT_FACT_COLUMNS,
)
from segmentation.outputs.global_control import GLOBAL_CONTROL, GlobalControl, members_and_neighbours
from segmentation.segments import Segmentation

Reach = Literal["any", "email", "phone", "email_or_phone"]
REACH_WORDS: dict[str, str] = {
    "any": "contact details (not needed)",
    "email": "e-mail address",
    "phone": "phone number",
    "email_or_phone": "e-mail address or phone number",
}
TARGET, HOLDOUT = "target", "holdout"


@dataclass(frozen=True)
class Audience:
    """The customers of one campaign export.

    ``rows``: ``customer_id``, ``segment``, the chosen columns and ``group`` (``"target"``,
    ``"holdout"`` or ``"global control"``), in segment order. ``contacts``: the normalised contact details of the same rows
    (same order), whatever columns were chosen. The counts say who was left out and why.
    """

    rows: pd.DataFrame
    contacts: pd.DataFrame
    reach: str
    consent_only: bool
    holdout_share: float
    seed: int
    selected: int
    left_out: dict[str, int]
    phone_problems: dict[str, int] = field(default_factory=dict)
    unknown_countries: dict[str, int] = field(default_factory=dict)
    unknown_consent: dict[str, int] = field(default_factory=dict)
    blank_consent: int = 0
    global_control: GlobalControl = field(default_factory=GlobalControl)
    ascii_email: bool = False

    @property
    def is_target(self) -> np.ndarray:
        return self.rows["group"].eq(TARGET).to_numpy()

    def send(self) -> pd.DataFrame:
        """The send list: target customers only, without the group column."""
        return self.rows[self.is_target].drop(columns="group").reset_index(drop=True)

    def held_out(self) -> pd.DataFrame:
        """The holdout (control group) with the same columns as the send list."""
        return self._group(HOLDOUT)

    def in_global_control(self) -> pd.DataFrame:
        """The global-control customers of these segments, with the same columns as the send list."""
        return self._group(GLOBAL_CONTROL)

    def _group(self, group: str) -> pd.DataFrame:
        return self.rows[self.rows["group"].eq(group)].drop(columns="group").reset_index(drop=True)

    def groups(self) -> pd.DataFrame:
        """Every customer of the campaign with their group, kept for measuring the campaign later."""
        return self.rows[["customer_id", "segment", "group"]].reset_index(drop=True)

    def messages(self) -> list[str]:
        """Plain sentences on what the lists hold and what was left out."""
        n_hold = int(self.rows["group"].eq(HOLDOUT).sum())
        n_global = int(self.rows["group"].eq(GLOBAL_CONTROL).sum())
        out = [f"{int(self.is_target.sum()):,} customers are in the send list."]
        if n_global:
            out.append(
                f"{n_global:,} customers are in the global control ({self.global_control.percent} of all "
                f"customers, seed {self.global_control.seed}): kept out of every campaign, in no send list "
                "or platform file."
            )
        if n_hold:
            out.append(
                f"{n_hold:,} customers ({self.holdout_share:.0%} of each segment, seed {self.seed}) are held "
                "out as a control group: they are in no send list or platform file."
            )
        if self.consent_only:
            unknown = list(self.unknown_consent.items())
            out += [f"{n:,} customers have consent '{a}': treated as no consent." for a, n in unknown[:5]]
            if rest := sum(n for _, n in unknown[5:]):
                out.append(
                    f"{rest:,} customers have other consent answers we do not know: treated as no consent."
                )
            if self.blank_consent:
                out.append(f"{self.blank_consent:,} customers have no consent answer: treated as no consent.")
        if self.left_out.get("no_consent"):
            out.append(
                f"{self.left_out['no_consent']:,} customers have not agreed to marketing and were left out."
            )
        if self.left_out.get("no_contact"):
            out.append(
                f"{self.left_out['no_contact']:,} customers have no usable {REACH_WORDS[self.reach]} "
                "and were left out."
            )
        if self.left_out.get("non_ascii_email"):
            out.append(
                f"{self.left_out['non_ascii_email']:,} customers have an e-mail address with letters such "
                "as é or 张 before the @, which Mailchimp refuses, and were left out."
            )
        if self.left_out.get("global_control_contact"):
            out.append(
                f"{self.left_out['global_control_contact']:,} customers share an e-mail address or phone "
                "number with a customer in the global control and were left out, so no campaign reaches it."
            )
        if self.left_out.get("duplicate"):
            out.append(
                f"{self.left_out['duplicate']:,} customers share an e-mail address or phone number with a "
                "customer listed before them and were left out (each address is imported once)."
            )
        for problem, n in self.phone_problems.items():
            out.append(f"Phone numbers left out, never guessed: {n:,} {PHONE_PROBLEMS[problem]}.")
        if self.unknown_countries:
            named = ", ".join(f"'{c}' ({n:,})" for c, n in list(self.unknown_countries.items())[:5])
            out.append(
                f"Countries we do not recognise: {named}. Their customers' phone numbers are used only when "
                "written with a country code (+44 …), and platform files get no country for them; write a "
                "country name or a two-letter code (GB, JE, …) in your file to fix this."
            )
        return out


def _segment_codes(seg: Segmentation, segments: Iterable[str | int] | None) -> list[int]:
    if segments is None:
        return list(range(len(seg.names)))
    codes: list[int] = []
    for s in segments:
        if isinstance(s, str):
            if s not in seg.names:
                raise ValueError(f'There is no segment called "{s}". Pick one of: {", ".join(seg.names)}.')
            code = seg.names.index(s)
        else:
            code = int(s)
            if not 0 <= code < len(seg.names):
                raise ValueError(f"Segment number {code} does not exist.")
        if code not in codes:
            codes.append(code)
    return codes


def holdout_mask(codes: np.ndarray, ids: np.ndarray, share: float, seed: int) -> np.ndarray:
    """Exactly ``round(share * n)`` holdout customers in each segment, drawn with ``seed``.

    The draw depends only on the seed, the segment and its customers (taken in id order), not on
    the other segments exported or the row order.
    """
    mask = np.zeros(len(codes), dtype=bool)
    for code in np.unique(codes):
        where = np.flatnonzero(codes == code)
        where = where[np.argsort(ids[where], kind="stable")]
        n_hold = int(np.floor(share * len(where) + 0.5))
        rng = np.random.default_rng([int(seed), int(code)])
        mask[rng.choice(where, size=n_hold, replace=False)] = True
    return mask


def _first_of_each_contact(email: np.ndarray, phone: np.ndarray, use_phone: bool) -> np.ndarray:
    """True for customers whose e-mail (and phone, if used) no earlier customer has."""
    seen: set[str] = set()
    keep = np.ones(len(email), dtype=bool)
    for i, (e, p) in enumerate(zip(email, phone, strict=True)):
        keys = [k for k in (("e:" + e) if e else "", ("p:" + p) if use_phone and p else "") if k]
        if any(k in seen for k in keys):
            keep[i] = False
        seen.update(keys)
    return keep


def build_audience(
    table: CustomerTable,
    seg: Segmentation,
    *,
    segments: Iterable[str | int] | None = None,
    columns: Sequence[str] | None = None,
    reach: Reach = "any",
    consent_only: bool = False,
    holdout_share: float = 0.0,
    seed: int = 0,
    default_country: str | None = None,
    contacts: ContactDetails | None = None,
    global_control: GlobalControl | None = None,
    ascii_email: bool = False,
) -> Audience:
    """The audience of a campaign export (see the module docstring for the order of the steps).

    Parameters
    ----------
    table, seg : CustomerTable, Segmentation
        The customers and their segments.
    segments : iterable of str or int, optional
        Segment names or codes to export; all segments when omitted.
    columns : sequence of str, optional
        Columns of the spreadsheet lists after ``customer_id`` and ``segment``. Default: the contact
        columns the table has plus a few key facts. Platform files never depend on them.
    reach : {"any", "email", "phone", "email_or_phone"}
        What a customer needs to be reachable; ``"any"`` keeps customers without contact details.
    consent_only : bool
        Keep only customers whose consent answer reads as yes (English or Chinese).
    holdout_share : float
        Share of each segment held out as a control group, from 0 to 0.99.
    seed : int
        Seed of the holdout draw: the same seed gives the same holdout.
    default_country : str, optional
        ISO-2 country of customers without a country, used for phone numbers written without code.
    contacts : ContactDetails, optional
        :func:`~segmentation.outputs.contacts.contact_details` of the table, if already computed.
    global_control : GlobalControl, optional
        Customers in it get group ``"global control"`` and are in no send list.
    ascii_email : bool
        Treat an address with a non-ASCII letter before the ``@`` as unusable (Mailchimp refuses it).
    """
    if not 0.0 <= holdout_share < 1.0:
        raise ValueError("The holdout share must be between 0% and 99%.")
    if reach not in REACH_WORDS:
        raise ValueError(f'Unknown reach "{reach}": choose one of {", ".join(REACH_WORDS)}.')
    frame = table.frame
    if columns is None:
        columns = [c for c in (*DEFAULT_CONTACT_COLUMNS, *DEFAULT_FACT_COLUMNS) if c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"These columns are not in the customer table: {', '.join(missing)}.")
    columns = [c for c in columns if c not in ("customer_id", "segment", "group")]
    if consent_only and "consent" not in frame.columns:
        raise ValueError("The data has no consent column, so consenting customers cannot be picked.")

    codes = _segment_codes(seg, segments)
    labels = seg.labels[seg.labels.isin(codes)]
    order = np.argsort(pd.Categorical(labels.to_numpy(), categories=codes).codes, kind="stable")
    labels = labels.iloc[order]
    ids = labels.index.astype(str).to_numpy()
    found = contacts or contact_details(frame, default_country)
    details = found.frame.reindex(labels.index)

    consent_ok = np.ones(len(ids), dtype=bool)
    unknown_consent: dict[str, int] = {}
    blank = 0
    if consent_only:
        consent_ok, unknown_consent, blank = read_consent(frame["consent"].reindex(labels.index))
    has_email, has_phone = details["email"].ne("").to_numpy(), details["phone"].ne("").to_numpy()
    refused = np.zeros(len(ids), dtype=bool)
    if ascii_email:
        refused = has_email & ~details["email"].map(_ascii_before_at).to_numpy(dtype=bool)
    has_email = has_email & ~refused
    reachable = {
        "any": np.ones(len(ids), dtype=bool),
        "email": has_email,
        "phone": has_phone,
        "email_or_phone": has_email | has_phone,
    }[reach]
    control = global_control or GlobalControl()
    member, near = members_and_neighbours(found.frame, labels.index, control, use_phone=reach != "email")
    near &= consent_ok & reachable
    kept = consent_ok & reachable & ~near
    unique = np.zeros(len(ids), dtype=bool)
    unique[kept] = _first_of_each_contact(
        details["email_key"].to_numpy()[kept], details["phone"].to_numpy()[kept], reach != "email"
    )
    problems = details["phone_problem"][consent_ok]
    phone_problems = {str(k): int(v) for k, v in problems[problems != ""].value_counts().items()}
    unknown_countries: dict[str, int] = {}
    if found.unknown_countries:
        written = frame["country"].reindex(labels.index)[consent_ok].astype(object)
        counts = written.dropna().map(lambda v: str(v).strip()).value_counts()
        unknown_countries = {c: int(counts[c]) for c in found.unknown_countries if c in counts.index}

    out = pd.DataFrame({"customer_id": ids[unique]})
    names = pd.Categorical.from_codes(labels.to_numpy()[unique], categories=list(seg.names))  # type: ignore[call-overload]
    out["segment"] = names.remove_unused_categories().reorder_categories(
        [seg.names[c] for c in codes if seg.names[c] in set(names)]
    )
    kept_index = labels.index[unique]
    facts = _rounded(frame.reindex(kept_index)[columns], table)
    out = pd.concat([out, facts.reset_index(drop=True)], axis=1)
    in_global = member[unique]
    hold = np.zeros(len(in_global), dtype=bool)
    hold[~in_global] = holdout_mask(
        labels.to_numpy()[unique][~in_global], ids[unique][~in_global], holdout_share, seed
    )
    out["group"] = np.select([in_global, hold], [GLOBAL_CONTROL, HOLDOUT], TARGET)
    return Audience(
        rows=out,
        contacts=details[unique].reset_index(drop=True),
        reach=reach,
        consent_only=consent_only,
        holdout_share=holdout_share,
        seed=int(seed),
        selected=len(ids),
        left_out={
            "no_consent": int((~consent_ok).sum()),
            "no_contact": int((consent_ok & ~reachable & ~refused).sum()),
            "non_ascii_email": int((consent_ok & ~reachable & refused).sum()),
            "duplicate": int((kept & ~unique).sum()),
            "global_control_contact": int(near.sum()),
        },
        phone_problems=phone_problems,
        unknown_countries=unknown_countries,
        unknown_consent=unknown_consent,
        blank_consent=blank,
        global_control=control,
        ascii_email=ascii_email,
    )


#: Decimals a list shows per unit: cents, not 615.7142857 (the app computes at full precision).
_DECIMALS = {"currency": 2, "share": 3, "days": 1, "orders": 2, "items": 2}


def _rounded(facts: pd.DataFrame, table: CustomerTable) -> pd.DataFrame:
    units = {f.name: f.unit for f in table.catalog}
    floats = [c for c in facts.columns if units.get(c) in _DECIMALS and pd.api.types.is_float_dtype(facts[c])]
    return facts.round({c: _DECIMALS[units[c]] for c in floats})


def _ascii_before_at(email: str) -> bool:
    return email.rpartition("@")[0].isascii()


def campaign_list(
    table: CustomerTable,
    seg: Segmentation,
    *,
    segments: Iterable[str | int] | None = None,
    columns: Sequence[str] | None = None,
    holdout_share: float = 0.0,
    random_state: int = 0,
) -> pd.DataFrame:
    """One row per customer of the chosen segments with ``group`` target/holdout (see
    :func:`build_audience`; this keeps every customer, reachable or not)."""
    audience = build_audience(
        table, seg, segments=segments, columns=columns, holdout_share=holdout_share, seed=random_state
    )
    return audience.rows if holdout_share > 0 else audience.rows.drop(columns="group")


__all__ = [
    "HOLDOUT",
    "REACH_WORDS",
    "TARGET",
    "Audience",
    "build_audience",
    "campaign_list",
    "holdout_mask",
]
