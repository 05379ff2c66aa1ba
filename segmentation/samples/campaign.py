"""A past campaign of the sample store: a randomized send with a holdout and effects planted by group.

One row per customer of the store: ``customer_id``, ``segment`` (the planted group), ``group``
(``holdout``, ``E-mail A`` or ``E-mail B``, drawn at random: 20/40/40), and what each customer did in
the four weeks after the send: ``opened`` and ``clicked`` (0 for the holdout, who got nothing),
``converted`` (0/1) and ``revenue``. ``PLANTED`` holds the true effects, so a demo, a test or a
reader can check that the measurement recovers them. Written as a file of its own; the store's
other files are unchanged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from segmentation.samples.sample_store import SampleStore, generate
from segmentation.samples.store_tables import PROSPECT

SEND_DATE = pd.Timestamp("2025-11-03")
ARMS = ("holdout", "E-mail A", "E-mail B")
ARM_SHARES = (0.2, 0.4, 0.4)
#: Per planted group: conversion without e-mail, the added conversion of e-mail A and of e-mail B, and
#: the mean basket of a converter.
PLANTED: dict[str, tuple[float, float, float, float]] = {
    "Loyal high spenders": (0.30, 0.02, 0.03, 160.0),
    "Bargain hunters": (0.12, 0.02, 0.09, 45.0),
    "Lapsed customers": (0.02, 0.01, 0.05, 70.0),
    "New customers": (0.06, 0.04, 0.04, 60.0),
    "Young mobile-first": (0.08, 0.00, 0.01, 40.0),
    "Occasional gift buyers": (0.03, 0.00, 0.00, 55.0),
    PROSPECT: (0.01, 0.01, 0.02, 50.0),
}
_GZIP = {"method": "gzip", "mtime": 0, "compresslevel": 6}


def campaign_results(store: SampleStore | None = None, seed: int = 11) -> pd.DataFrame:
    """The campaign's results, one row per customer (seeded: the same seed gives the same frame)."""
    store = store if store is not None else generate()
    rng = np.random.default_rng(seed)
    truth = store.truth
    n = len(truth)
    groups = truth["Group"].to_numpy()
    arm = rng.choice(len(ARMS), n, p=ARM_SHARES)
    base, lift_a, lift_b, basket = (np.array([PLANTED[g][i] for g in groups]) for i in range(4))
    p = base + np.where(arm == 1, lift_a, 0.0) + np.where(arm == 2, lift_b, 0.0)
    converted = (rng.random(n) < p).astype(np.int64)
    revenue = np.round(converted * rng.gamma(2.0, basket / 2.0), 2)
    sent = arm > 0
    opened = (sent & (rng.random(n) < np.where(arm == 2, 0.45, 0.35))).astype(np.int64)
    clicked = (opened.astype(bool) & (rng.random(n) < 0.25)).astype(np.int64)
    return pd.DataFrame(
        {
            "customer_id": truth["Customer ID"].to_numpy(),
            "segment": groups,
            "group": np.asarray(ARMS, dtype=object)[arm],
            "opened": opened,
            "clicked": clicked,
            "converted": converted,
            "revenue": revenue,
        }
    )


def true_effects() -> pd.DataFrame:
    """The planted effect of each e-mail on the conversion rate and on revenue per customer, by group."""
    rows = []
    for group, (_, lift_a, lift_b, basket) in PLANTED.items():
        for arm, lift in (("E-mail A", lift_a), ("E-mail B", lift_b)):
            rows.append({"segment": group, "arm": arm, "converted": lift, "revenue": lift * basket})
    return pd.DataFrame(rows)


def write_campaign(out_dir: str | Path, store: SampleStore | None = None, seed: int = 11) -> Path:
    """Write ``campaign.csv.gz`` (byte-identical for the same seed) and return its path."""
    path = Path(out_dir) / "campaign.csv.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    campaign_results(store, seed).to_csv(path, index=False, compression=_GZIP)
    return path
