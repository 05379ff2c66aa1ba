"""The sample store's order lines: when each buyer orders, through which channel, what, and what comes back.

Every draw comes from the one generator passed in, in a fixed order, so the same seed gives the same lines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.samples.store_tables import CHANNELS, DAYS, END, GROUPS, PRODUCTS, START

__all__ = ["choose", "order_lines"]


def _gift_seasons(m: int, rng: np.random.Generator) -> np.ndarray:
    """Orders of ``m`` gift buyers in each Christmas season (2023, 2024, Black Friday 2025)."""
    r = rng.random(m)
    both, only_2024 = r < 0.75, (r >= 0.75) & (r < 0.87)
    again = (both | only_2024) & (rng.random(m) < 0.08)  # some are back for Black Friday 2025
    twice = only_2024 & (rng.random(m) < 0.75)  # Black Friday and December in the same season
    return np.column_stack([both | (r >= 0.87), (both | only_2024) + twice, again]).astype(int)


def _order_days(
    group: np.ndarray, n: np.ndarray, seasons: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Day index (0 = START) of every order: first and last order pinned to the group's windows.

    Gift buyers (rows of ``seasons``, in customer order) order once in each season they shopped in.
    """
    params = list(GROUPS.values())
    lo = np.array([[p["first"][0], p["last"][0]] for p in params])[group]
    hi = np.array([[p["first"][1], p["last"][1]] for p in params])[group]
    first_day = DAYS - rng.uniform(lo[:, 0], hi[:, 0])
    last_day = DAYS - rng.uniform(lo[:, 1], hi[:, 1])
    k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    n_rep = np.repeat(n, n)
    u = rng.random(len(k))
    u[k == 0] = 0.0
    u[(k == n_rep - 1) & (n_rep > 1)] = 1.0
    day = np.repeat(first_day, n) + u * np.repeat(last_day - first_day, n)
    gift = np.repeat(group == list(GROUPS).index("Occasional gift buyers"), n)
    season = np.repeat(np.tile(np.arange(3), len(seasons)), seasons.ravel())
    opens = np.array([(pd.Timestamp(d) - START).days for d in ("2023-11-15", "2024-11-15", "2025-11-24")])
    day[gift] = opens[season] + rng.random(len(season)) * np.array([39, 39, 7])[season]
    return np.floor(day).clip(0, DAYS).astype(int)


def _hours(channel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Hour of day per order, by channel: stores keep opening hours, apps peak in the evening."""
    h = np.arange(24)
    web = 0.3 + np.exp(-((h - 13) ** 2) / 8) + 1.3 * np.exp(-((h - 21) ** 2) / 6)
    app = 0.2 + 0.8 * np.exp(-((h - 8) ** 2) / 2) + 2.0 * np.exp(-((h - 22) ** 2) / 5)
    store = np.where((h >= 9) & (h <= 19), 1.0 + np.exp(-((h - 14) ** 2) / 6), 0.0)
    social = 0.2 + 2.0 * np.exp(-((h - 21) ** 2) / 4)
    profiles = np.stack([web, app, store, social])
    cum = np.cumsum(profiles / profiles.sum(axis=1, keepdims=True), axis=1)[channel]
    return (rng.random(len(channel))[:, None] > cum).sum(axis=1).clip(0, 23)


def choose(p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per row of the row-stochastic matrix ``p``."""
    return (rng.random(len(p))[:, None] > np.cumsum(p, axis=1)[:, :-1]).sum(axis=1)


def _catalog() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Product names, their category codes and list prices, from the compact ``PRODUCTS`` table."""
    rows = [
        (c, *item.rsplit(" ", 1)) for c, items in enumerate(PRODUCTS.values()) for item in items.split("|")
    ]
    categories, names, prices = zip(*rows, strict=True)
    return np.array(names, dtype=object), np.array(categories), np.array(prices, dtype=float)


def order_lines(group: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Every order line of every buyer (prospects have none), returns included, sorted by time."""
    params = list(GROUPS.values())
    buyers = np.flatnonzero(group < len(params))
    g = group[buyers]
    n, seasons = _orders_per_buyer(g, rng)
    cust, channel, ts = _orders(g, n, seasons, rng)
    k = np.arange(len(cust)) - np.repeat(np.cumsum(n) - n, n)  # 0 for each buyer's first order
    discount, code = _discounts(g[cust], k, rng)

    # Lines: category by group taste, product by price taste (dear items for VIPs, cheap for hunters).
    n_lines = 1 + rng.poisson(np.array([p["lines"] for p in params])[g][cust])
    o = np.repeat(np.arange(len(cust)), n_lines)
    names, cat, price = _catalog()
    product = _products(g[cust][o], cat, price, rng)
    qty = 1 + rng.poisson(np.where(np.isin(cat[product], [5, 7]), 0.6, 0.12))
    lines = pd.DataFrame(
        {
            "pos": buyers[cust][o],
            "order": o,
            "ts": ts[o],
            "product": names[product],
            "category": np.array(list(PRODUCTS), dtype=object)[cat[product]],
            "qty": qty.astype(float),
            "price": np.round(price[product] * (1 - discount[o]), 2),
            "channel": np.array(CHANNELS, dtype=object)[channel][o],
            "code": code[o],
        }
    )
    # Personal return habits scatter around the group's rate (beta with the group's mean).
    mean_rate = np.array([p["ret"] for p in params])[g]
    habit = rng.beta(6, 6 * (1 - mean_rate) / mean_rate)
    returns = _returns(lines, habit[cust][o], rng)
    # Order ids grow with time, like a shop's own numbering; a return reuses its order's id with "R".
    rank = np.empty(len(cust), dtype=int)
    rank[np.argsort(ts.to_numpy(), kind="stable")] = np.arange(len(cust))
    lines["order_id"] = (100_001 + rank[lines["order"]]).astype(str)
    returns["order_id"] = "R" + (100_001 + rank[returns["order"]]).astype(str)
    out = pd.concat([lines, returns], ignore_index=True)
    return out.sort_values(["ts", "order_id"], kind="stable").reset_index(drop=True)


def _orders_per_buyer(g: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Number of orders of each buyer (``g``: each buyer's group code), by the group's habits.

    Gift buyers order once in each Christmas season they shop in: their seasons come back too.
    """
    params = list(GROUPS.values())
    n = np.array([p["n"][0] for p in params])[g] + rng.poisson(np.array([p["n"][1] for p in params])[g])
    new = g == list(GROUPS).index("New customers")
    n[new] = 1 + rng.binomial(1, 0.35, new.sum())  # one or two orders so far
    gift = g == list(GROUPS).index("Occasional gift buyers")
    seasons = _gift_seasons(gift.sum(), rng)
    n[gift] = seasons.sum(axis=1)
    return n, seasons


def _orders(
    g: np.ndarray, n: np.ndarray, seasons: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, pd.DatetimeIndex]:
    """Buyer position, channel code and time of every order (buyer by buyer, ``n[i]`` orders each)."""
    day = _order_days(g, n, seasons, rng)
    # Each buyer has a personal channel mix around the group's, so channels overlap between groups.
    mix = np.array([p["ch"] for p in GROUPS.values()])[g]
    pref = np.array([rng.dirichlet(40 * m) for m in mix])
    cust = np.repeat(np.arange(len(g)), n)
    channel = choose(pref[cust], rng)
    minute = rng.integers(0, 60, len(cust))
    ts = START + pd.to_timedelta(day, "D") + pd.to_timedelta(_hours(channel, rng) * 60 + minute, "min")
    return cust, channel, ts


def _discounts(
    order_group: np.ndarray, k: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Discount rate and code of every order: sale codes by the group's taste for sales, and a welcome
    code on some new customers' first order (``k`` is the order's rank among its buyer's orders)."""
    n = len(order_group)
    discount = np.where(
        rng.random(n) < np.array([p["sale"] for p in GROUPS.values()])[order_group],
        rng.choice([0.2, 0.3, 0.4, 0.5], n),
        0.0,
    )
    welcome = (order_group == list(GROUPS).index("New customers")) & (k == 0) & (rng.random(n) < 0.6)
    discount[welcome] = 0.1
    code = np.where(welcome, "WELCOME10", np.char.add("SALE", (discount * 100).astype(int).astype(str)))
    return discount, np.where(discount > 0, code, "")


def _products(
    line_group: np.ndarray, cat: np.ndarray, price: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Product of every line: category by the group's taste, then dearer or cheaper items by its price taste."""
    product = np.empty(len(line_group), dtype=int)
    for gi, p in enumerate(GROUPS.values()):
        sel = np.flatnonzero(line_group == gi)
        within = (price / price.mean()) ** p["taste"]
        within /= np.bincount(cat, weights=within)[cat]
        prob = np.array(p["cat"], float)[cat] * within
        product[sel] = rng.choice(len(price), len(sel), p=prob / prob.sum())
    return product


def _returns(lines: pd.DataFrame, rate: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Return lines: a share of bought lines sent back 2-28 days later (dropped past the period end)."""
    back = rng.random(len(lines)) < rate
    ret = lines[back].copy()
    ret["ts"] = ret["ts"] + pd.to_timedelta(rng.uniform(2, 28, len(ret)) * 24 * 60, "min").round("min")
    ret["qty"] = -ret["qty"]
    ret["code"] = ""
    return ret[ret["ts"] <= END]
