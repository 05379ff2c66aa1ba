"""A fictional omnichannel fashion-and-home shop ("Maison & Mode") with planted customer groups.

The generator writes the kind of export a real shop has (human headers, mixed phone formats, blank
reviews, returns as negative lines) so the app can be demonstrated and tested end to end. Six buying
groups are planted with realistic overlap; ``truth`` says which group each customer was drawn from.
Everything is vectorised with one seeded generator: the same seed gives identical frames.

The data tables live in ``store_tables``, the order lines are drawn by ``store_orders`` and the
customer export by ``store_customers``; this module puts them together and writes the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from segmentation.samples.store_customers import customer_export
from segmentation.samples.store_orders import order_lines
from segmentation.samples.store_tables import GROUPS, PROSPECT, PROSPECT_SHARE

_GZIP = {"method": "gzip", "mtime": 0, "compresslevel": 6}  # fixed header time: identical bytes on every run


@dataclass(frozen=True)
class SampleStore:
    """The generated shop: raw ``customers`` and ``orders`` exports and the planted ``truth``."""

    customers: pd.DataFrame
    orders: pd.DataFrame
    truth: pd.DataFrame


def generate(n_customers: int = 20_000, seed: int = 7) -> SampleStore:
    """Generate the sample shop.

    Parameters
    ----------
    n_customers : int
        Customers in the customer export; about 3% are prospects who never ordered.
    seed : int
        Seed of the single random generator: the same seed gives identical frames.

    Returns
    -------
    SampleStore
        ``customers`` (one row per customer), ``orders`` (one row per order line, returns as
        negative quantities in orders whose id starts with ``R``) and ``truth`` (``Customer ID``,
        ``Group``: the planted group of every customer).

    Examples
    --------
    >>> store = generate(2_000, seed=1)
    >>> store.truth["Group"].nunique()
    7
    """
    rng = np.random.default_rng(seed)
    names = (*GROUPS, PROSPECT)
    shares = np.array([g["share"] for g in GROUPS.values()] + [PROSPECT_SHARE])
    counts = np.floor(shares / shares.sum() * n_customers).astype(int)
    counts[np.argmax(counts)] += n_customers - counts.sum()
    group = rng.permutation(np.repeat(np.arange(len(names)), counts))

    lines = order_lines(group, rng)
    first_order = lines.groupby("pos")["ts"].min().reindex(range(n_customers))
    spend = (
        (lines["qty"] * lines["price"]).groupby(lines["pos"]).sum().reindex(range(n_customers), fill_value=0)
    )
    customers = customer_export(group, names, first_order, spend, rng)

    ids = customers["Customer ID"].to_numpy()
    orders = pd.DataFrame(
        {
            "Order ID": lines["order_id"].to_numpy(),
            "Customer ID": ids[lines["pos"].to_numpy()],
            "Order date": lines["ts"].to_numpy(),
            "Product": lines["product"].to_numpy(),
            "Category": lines["category"].to_numpy(),
            "Quantity": lines["qty"].to_numpy().astype(int),
            "Unit price": lines["price"].to_numpy(),
            "Channel": lines["channel"].to_numpy(),
            "Discount code": lines["code"].to_numpy(),
        }
    )
    truth = pd.DataFrame({"Customer ID": ids, "Group": np.asarray(names, dtype=object)[group]})
    order = np.argsort(ids, kind="stable")
    customers = customers.iloc[order].reset_index(drop=True)
    truth = truth.iloc[order].reset_index(drop=True)
    return SampleStore(customers=customers, orders=orders, truth=truth)


def write(out_dir: str | Path, n_customers: int = 20_000, seed: int = 7) -> dict[str, Path]:
    """Generate the shop and write ``customers.csv.gz``, ``orders.csv.gz`` and ``truth.csv.gz``.

    Files are UTF-8, comma separated, timestamps ISO with time of day; gzip headers carry no time, so
    the same seed writes byte-identical files. Returns the written paths keyed by table name.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store = generate(n_customers=n_customers, seed=seed)
    paths = {name: out / f"{name}.csv.gz" for name in ("customers", "orders", "truth")}
    store.customers.to_csv(paths["customers"], index=False, compression=_GZIP, date_format="%Y-%m-%d")
    store.orders.to_csv(paths["orders"], index=False, compression=_GZIP, date_format="%Y-%m-%d %H:%M:%S")
    store.truth.to_csv(paths["truth"], index=False, compression=_GZIP)
    return paths
