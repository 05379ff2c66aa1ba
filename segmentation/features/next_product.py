"""Next product per customer: what each customer is most likely to buy next, from the order history.

Item-to-item association: two products are close when the same customers buy both (the cosine of
their co-purchase counts, Linden, Smith and York 2003); a customer's candidates are the products
closest to what they bought, summed. Products they already bought are left out unless the product is
one people re-buy (at least ``rebuy_share`` of its buyers ordered it on two or more orders). Where
association has fewer than ``n`` candidates, the most popular products within the customer's
segment (or the whole shop) fill the list. Categories stand in when products are not named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator

from segmentation.errors import quote_relation
from segmentation.features.history import columns_of, ts_sql


def item_column(con: duckdb.DuckDBPyConnection, transactions: str) -> str | None:
    """``product`` when the orders name products, else ``category``, else None."""
    cols = columns_of(con, quote_relation(transactions))
    return next((c for c in ("product", "category") if c in cols), None)


def purchases_by_item(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    item: str,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """customer_id, item, orders (distinct orders with it) for purchase lines in ``[start, end)``."""
    where = ["NOT is_return", f"{item} IS NOT NULL"]
    where += [f"ts >= {ts_sql(start)}"] if start is not None else []
    where += [f"ts < {ts_sql(end)}"] if end is not None else []
    sql = (
        f"SELECT customer_id, {item} AS item, count(DISTINCT order_id)::DOUBLE AS orders "
        f"FROM {quote_relation(transactions)} WHERE {' AND '.join(where)} GROUP BY ALL"
    )
    frame = con.sql(sql).df()
    frame["customer_id"] = frame["customer_id"].astype(str)
    return frame


def _owned(bought: pd.DataFrame) -> dict[str, set[str]]:
    """Items per customer (a plain loop: pandas' per-group aggregation is ~100x slower here)."""
    out: dict[str, set[str]] = defaultdict(set)
    for customer, item in zip(
        bought["customer_id"].to_numpy(), bought["item"].astype(str).to_numpy(), strict=True
    ):
        out[customer].add(item)
    return out


class NextProduct(BaseEstimator):  # type: ignore[misc]
    """Item-to-item association with popularity (per segment) as the fallback.

    Parameters
    ----------
    n : int
        Suggestions per customer.
    max_items : int
        Most popular items the association covers (the rest only through popularity).
    rebuy_share : float
        Share of an item's buyers who bought it on two or more orders from which it may be suggested
        again to someone who already has it.
    habit_weight : float
        Weight of a customer's own share of orders with an item they may re-buy, beside association.
    popularity_weight : float
        Weight of the item's share of buyers (relative to the best seller), beside association.
    """

    def __init__(
        self,
        n: int = 3,
        max_items: int = 2000,
        rebuy_share: float = 0.3,
        habit_weight: float = 3.0,
        popularity_weight: float = 1e-6,
    ) -> None:
        self.n = n
        self.popularity_weight = popularity_weight
        self.habit_weight = habit_weight
        self.max_items = max_items
        self.rebuy_share = rebuy_share

    def fit(self, bought: pd.DataFrame) -> NextProduct:
        """Learn from :func:`purchases_by_item` output (customer_id, item, orders)."""
        if bought.empty:
            raise ValueError("No purchases with a product or category to learn from.")
        stats = (
            bought.assign(again=bought["orders"] >= 2)
            .groupby("item")
            .agg(buyers=("customer_id", "nunique"), again=("again", "sum"))
        )
        stats = stats.reset_index().sort_values(["buyers", "item"], ascending=[False, True], kind="stable")
        self.popular_ = tuple(stats["item"].astype(str))
        self.rebuy_ = frozenset(
            stats.loc[stats["again"] >= self.rebuy_share * stats["buyers"], "item"].astype(str)
        )
        self.items_ = np.asarray(self.popular_[: self.max_items], dtype=object)
        matrix, _ = self._matrix(bought)
        matrix.data[:] = 1.0
        co = (matrix.T @ matrix).toarray().astype(np.float64)
        norm = np.sqrt(np.clip(np.diag(co), 1.0, None))
        sim = co / norm[:, None] / norm[None, :]
        np.fill_diagonal(sim, 0.0)
        self.similarity_ = sim.astype(np.float32)
        buyers = stats.set_index("item")["buyers"].reindex(self.items_).to_numpy(dtype=float)
        self.prior_ = buyers / max(buyers.max(), 1.0)
        return self

    def _matrix(self, bought: pd.DataFrame) -> tuple[sparse.csr_matrix, pd.Index]:
        """Customers x covered items, 1 where bought."""
        index = {item: i for i, item in enumerate(self.items_)}
        col = bought["item"].astype(str).map(index)
        keep = col.notna().to_numpy()
        customers = pd.Index(sorted(bought["customer_id"].unique()), name="customer_id")
        row = customers.get_indexer(bought["customer_id"][keep])
        data = bought["orders"].to_numpy(dtype=np.float32)[keep]
        shape = (len(customers), len(self.items_))
        matrix = sparse.csr_matrix((data, (row, col[keep].astype(int).to_numpy())), shape=shape)
        return matrix, customers

    def recommend(self, bought: pd.DataFrame, segments: pd.Series | None = None) -> pd.DataFrame:
        """``next_product_1..n`` per customer in ``bought`` (their history up to now)."""
        matrix, customers = self._matrix(bought)
        owned = _owned(bought)
        rebuy = np.array([i in self.rebuy_ for i in self.items_])
        picks: list[list[str]] = []
        for start in range(0, len(customers), 20_000):
            counts = matrix[start : start + 20_000].toarray()
            has = counts > 0
            # association with what they bought, plus (for items people re-buy) their own habit
            near = has.astype(np.float32) @ self.similarity_ / np.maximum(has.sum(1, keepdims=True), 1)
            habit = counts / np.maximum(counts.sum(1, keepdims=True), 1) * rebuy[None, :]
            scores = (
                near + self.habit_weight * habit + self.popularity_weight * self.prior_[None, :]
            ).astype(np.float64)
            scores[has & ~rebuy[None, :]] = -np.inf
            scores[scores <= 0] = -np.inf
            top = np.argsort(-scores, axis=1, kind="stable")[:, : self.n]
            for r, row in enumerate(top):
                picks.append([str(self.items_[j]) for j in row if np.isfinite(scores[r, j])])
        fallback = self._popular_by_segment(bought, segments)
        group = segments.reindex(customers) if segments is not None else pd.Series(None, index=customers)
        rows = []
        for cust, chosen, seg in zip(customers, picks, group.to_numpy(), strict=True):
            if len(chosen) < self.n:
                have = owned.get(cust, set())
                for item in fallback.get(seg, fallback[None]):
                    if len(chosen) >= self.n:
                        break
                    if item not in chosen and (item not in have or item in self.rebuy_):
                        chosen.append(item)
            rows.append(chosen + [None] * (self.n - len(chosen)))
        columns = [f"next_product_{k + 1}" for k in range(self.n)]
        return pd.DataFrame(rows, index=customers, columns=columns)

    def _popular_by_segment(
        self, bought: pd.DataFrame, segments: pd.Series | None
    ) -> dict[object, list[str]]:
        depth = self.n + 50
        out: dict[object, list[str]] = {None: list(self.popular_[:depth])}
        if segments is not None:
            seg = bought.assign(segment=bought["customer_id"].map(segments)).dropna(subset=["segment"])
            ranked = seg.groupby(["segment", "item"])["customer_id"].nunique().reset_index()
            ranked = ranked.sort_values(["segment", "customer_id", "item"], ascending=[True, False, True])
            for key, part in ranked.groupby("segment", sort=False):
                out[key] = [*map(str, part["item"].head(depth)), *out[None]]
        return out


def popular_picks(bought: pd.DataFrame, model: NextProduct) -> pd.DataFrame:
    """The baseline: the shop's most popular items, with the same rule on what was bought."""
    owned = _owned(bought)
    rows = []
    for have in owned.values():
        rows.append(
            [i for i in model.popular_[: model.n + 200] if i not in have or i in model.rebuy_][: model.n]
        )
    return pd.DataFrame(rows, index=pd.Index(list(owned), name="customer_id"))


@dataclass(frozen=True)
class NextProductBacktest:
    """Hit rate at n: share of the period's returning buyers who bought one of their n suggestions."""

    item: str
    customers: int
    hit_rate: float
    popularity_hit_rate: float
    n: int

    def summary(self) -> str:
        noun = "products" if self.item == "product" else "categories"
        return (
            f"Of {self.customers:,} customers who came back, {self.hit_rate:.0%} bought one of the "
            f"{self.n} {noun} suggested to them (the shop's best sellers: {self.popularity_hit_rate:.0%})."
        )


def _hits(picks: pd.DataFrame, later: dict[str, set[str]]) -> float:
    hits = [bool(set(row.dropna()) & later[c]) for c, row in picks.iterrows() if c in later]
    return float(np.mean(hits)) if hits else float("nan")


def backtest_next_product(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    *,
    horizon_days: int,
    reference: pd.Timestamp | None = None,
    segments: pd.Series | None = None,
    n: int = 3,
) -> NextProductBacktest:
    """Suggest from orders before ``reference - horizon``; score on what came back in the horizon."""
    item = item_column(con, transactions)
    if item is None:
        raise ValueError("The orders name no product or category: there is nothing to suggest.")
    if reference is None:
        ((last,),) = con.execute(f"SELECT max(ts) FROM {quote_relation(transactions)}").fetchall()
        reference = pd.Timestamp(last) + pd.Timedelta(seconds=1)
    cutoff = pd.Timestamp(reference) - pd.Timedelta(days=horizon_days)
    before = purchases_by_item(con, transactions, item, end=cutoff)
    after = purchases_by_item(con, transactions, item, start=cutoff, end=pd.Timestamp(reference))
    model = NextProduct(n=n).fit(before)
    earlier = set(before["customer_id"])
    later = {c: items for c, items in _owned(after).items() if c in earlier}
    returning = before[before["customer_id"].isin(later)]
    ours = model.recommend(returning, segments)
    baseline = popular_picks(returning, model)
    return NextProductBacktest(item, len(later), _hits(ours, later), _hits(baseline, later), n)
