"""Next product per customer: association, the re-buy rule, the fallback and the backtest."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from segmentation.features import NextProduct, backtest_next_product, named_products, popular_picks


def bought(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "item", "orders"])


# tea buyers also buy cups; everyone buys bread, and bread is re-bought
HISTORY = bought(
    [(f"t{i}", "tea", 1.0) for i in range(6)] + [(f"t{i}", "cups", 1.0) for i in range(5)]
    + [(f"b{i}", "bread", 3.0) for i in range(9)] + [(f"t{i}", "bread", 2.0) for i in range(6)]
    + [("x", "jam", 1.0), ("y", "jam", 1.0)]
)  # fmt: skip


def test_association_suggests_what_similar_customers_bought() -> None:
    model = NextProduct(n=2).fit(HISTORY)
    picks = model.recommend(HISTORY)
    # t5 bought tea and bread but no cups: cups are closest to tea
    assert "cups" in picks.loc["t5"].tolist()
    # tea is never suggested to someone who has it (not re-bought); bread may be (re-bought)
    assert "bread" in model.rebuy_ and "tea" not in model.rebuy_
    has_tea = HISTORY.loc[HISTORY["item"] == "tea", "customer_id"]
    assert not picks.loc[has_tea].isin(["tea"]).any().any()


def test_fallback_fills_from_popularity_within_the_segment() -> None:
    model = NextProduct(n=3).fit(HISTORY)
    segments = pd.Series({"x": "jam lovers", "y": "jam lovers", **{f"b{i}": "bakers" for i in range(9)}})
    picks = model.recommend(HISTORY[HISTORY["customer_id"] == "x"], segments)
    # x bought jam only: nothing is bought with it, and the segment sells only jam (owned, not
    # re-bought), so the shop's best sellers fill in: bread, then tea
    assert picks.loc["x"].tolist()[:2] == ["bread", "tea"]


def test_popularity_baseline_applies_the_same_rule() -> None:
    model = NextProduct(n=2).fit(HISTORY)
    base = popular_picks(HISTORY, model)
    assert base.loc["x"].tolist() == ["bread", "tea"]
    assert base.loc["t0"].tolist() == ["bread", "jam"]  # tea and cups owned; bread re-bought


def test_backtest_hit_rate_against_a_planted_pattern() -> None:
    rng = np.random.default_rng(0)
    rows = []
    start = pd.Timestamp("2024-01-01")
    for c in range(300):
        pair = ("a", "b") if c % 2 else ("c", "d")
        rows.append((f"c{c}", f"o{c}-1", start + pd.Timedelta(days=int(rng.integers(0, 100))), 10.0, pair[0]))
        if c < 150:  # half complete the pair before the cut, the rest after it
            rows.append((f"c{c}", f"o{c}-2", start + pd.Timedelta(days=120), 10.0, pair[1]))
        else:
            rows.append(
                (f"c{c}", f"o{c}-2", start + pd.Timedelta(days=int(rng.integers(200, 290))), 10.0, pair[1])
            )
        rows.append(
            (f"c{c}", f"o{c}-3", start + pd.Timedelta(days=int(rng.integers(0, 100))), 5.0, "popular")
        )
    frame = pd.DataFrame(rows, columns=["customer_id", "order_id", "ts", "amount", "product"]).assign(
        is_return=False
    )
    con = duckdb.connect()
    con.register("tx_df", frame)
    con.execute("CREATE TABLE tx AS SELECT * FROM tx_df")
    result = backtest_next_product(con, "tx", horizon_days=100, reference=start + pd.Timedelta(days=300), n=1)
    assert result.item == "product"
    # the best sellers left (after "popular", which everyone has) are the other pair's first items
    assert result.hit_rate == 1.0
    assert result.popularity_hit_rate < 0.6
    assert "came back" in result.summary()


def test_named_products_replace_codes_and_keep_the_unnamed() -> None:
    picks = pd.DataFrame({"next_product_1": ["A1", "Z9"], "next_product_2": ["B2", None]}, index=["x", "y"])
    names = pd.Series({"A1": "Mug", "B2": "Bowl"})
    named = named_products(picks, names)
    assert named["next_product_1"].tolist() == ["Mug", "Z9"]  # Z9 has no name: its code stays
    assert named.loc["x", "next_product_2"] == "Bowl" and pd.isna(named.loc["y", "next_product_2"])
    assert named_products(picks, None) is picks
