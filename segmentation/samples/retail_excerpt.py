"""A small, reproducible excerpt of the UCI "Online Retail" file: whole customers, original bytes."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np


def write_retail_excerpt(src: str | Path, dst: str | Path, n_customers: int = 600, seed: int = 2019) -> int:
    """Write a reproducible excerpt of the UCI "Online Retail" file: whole customers, original format.

    Every line of ``n_customers`` customers drawn with ``seed`` is kept, plus the same share of the
    invoices that have no customer id (whole invoices), so the excerpt keeps the file's mix of guest
    lines, cancellations and oddities. Lines are copied byte for byte, in their original order.

    Parameters
    ----------
    src : path
        The full ``online_retail.csv.gz`` (columns InvoiceNo, StockCode, Description, Quantity,
        InvoiceDate, UnitPrice, CustomerID, Country).
    dst : path
        Where to write the gzip-compressed excerpt.
    n_customers : int
        Customers to keep.
    seed : int
        Seed of the draw: the same seed writes the same excerpt.

    Returns
    -------
    int
        Number of data lines written (header excluded).
    """
    with gzip.open(src, "rt", encoding="utf-8", newline="") as f:
        header, *lines = f.read().splitlines(keepends=True)
    columns = next(csv.reader([header]))
    rows = [next(csv.reader([line])) for line in lines]
    inv, cust = columns.index("InvoiceNo"), columns.index("CustomerID")
    customers = np.array(sorted({r[cust] for r in rows if r[cust]}))
    guests = np.array(sorted({r[inv] for r in rows if not r[cust]}))
    rng = np.random.default_rng(seed)
    keep_customers = set(rng.choice(customers, n_customers, replace=False))
    n_guests = round(len(guests) * n_customers / len(customers))
    keep_guests = set(rng.choice(guests, n_guests, replace=False))
    kept = [
        line
        for line, r in zip(lines, rows, strict=True)
        if (r[cust] in keep_customers) or (not r[cust] and r[inv] in keep_guests)
    ]
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write("".join([header, *kept]).encode("utf-8"))
    return len(kept)
