"""Campaign measurement: intervals against published values and scipy, coverage on simulated campaigns,
hand-computed results, and plain messages for bad result files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from segmentation.errors import DataError
from segmentation.outputs import (
    OVERALL,
    guess_control,
    measure,
    newcombe_interval,
    outcomes_from_orders,
    welch_interval,
    wilson_interval,
)

# Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10 (hybrid score).
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_matches_the_published_table(counts: tuple[int, ...], expected: tuple[float, float]) -> None:
    d, low, high = newcombe_interval(*counts)
    assert d == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3])
    assert (round(float(low), 4), round(float(high), 4)) == expected


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (17, 250)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    ci = stats.binomtest(k, n).proportion_ci(method="wilson")
    assert np.allclose(wilson_interval(k, n), (ci.low, ci.high))


def test_welch_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.gamma(2.0, 10.0, 40), rng.gamma(2.0, 14.0, 25)
    ci = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    d, low, high = welch_interval(b.mean(), b.var(ddof=1), len(b), a.mean(), a.var(ddof=1), len(a))
    assert d == pytest.approx(b.mean() - a.mean())
    assert (low, high) == pytest.approx((ci.low, ci.high))


def _results(groups: dict[str, tuple[int, int]], segment: str = "S") -> pd.DataFrame:
    """Customers per arm: (customers, converters); ids g-i."""
    frames = [
        pd.DataFrame(
            {
                "customer_id": [f"{arm}-{segment}-{i}" for i in range(n)],
                "group": arm,
                "segment": segment,
                "converted": (np.arange(n) < x).astype(int),
            }
        )
        for arm, (n, x) in groups.items()
    ]
    return pd.concat(frames, ignore_index=True)


def test_hand_computed_example() -> None:
    # Treated 56 of 70 converted (0.8), control 48 of 80 (0.6); revenue 10 per converter.
    df = _results({"target": (70, 56), "holdout": (80, 48)})
    df["revenue"] = df["converted"] * 10.0
    m = measure(df, group_column="group", control="holdout", outcomes=["converted", "revenue"])
    out = m.to_dict()["overall"]
    assert out["converted"]["arms"] == {"holdout": {"n": 80, "mean": 0.6}, "target": {"n": 70, "mean": 0.8}}
    lift = out["converted"]["lift"]["target"]
    assert lift["diff"] == pytest.approx(0.2)
    assert (round(lift["low"], 4), round(lift["high"], 4)) == (0.0524, 0.3339)  # Newcombe's table
    assert lift["incremental"] == pytest.approx(0.2 * 70)  # 14 more converters among the 70 sent
    assert lift["label"] == "significant"
    # Revenue: means 8 and 6; variances 100*p(1-p)*n/(n-1) -> Welch by hand.
    v1, v0 = 100 * 0.8 * 0.2 * 70 / 69, 100 * 0.6 * 0.4 * 80 / 79
    se = np.sqrt(v1 / 70 + v0 / 80)
    df_w = (v1 / 70 + v0 / 80) ** 2 / ((v1 / 70) ** 2 / 69 + (v0 / 80) ** 2 / 79)
    half = stats.t.ppf(0.975, df_w) * se
    rev = out["revenue"]["lift"]["target"]
    assert m.kinds == {"converted": "rate", "revenue": "amount"}
    assert (rev["diff"], rev["low"], rev["high"]) == pytest.approx((2.0, 2.0 - half, 2.0 + half), abs=1e-6)
    assert rev["incremental"] == pytest.approx(140.0)
    assert m.verdicts()[0].startswith("target raised the converted rate by 20.0 points (5.2 to 33.4)")


def test_labels_respect_sample_size_and_state_the_minimum() -> None:
    small = _results({"target": (20, 15), "holdout": (20, 2)})
    m = measure(small, group_column="group", control="holdout", outcomes=["converted"])
    assert m.lifts["label"].tolist() == ["too_few"]
    assert "at least 30 in each" in m.verdicts()[0]
    flat = _results({"target": (400, 40), "holdout": (400, 40)})
    m = measure(flat, group_column="group", control="holdout", outcomes=["converted"])
    assert m.lifts["label"].tolist() == ["not_significant"]
    assert "no clear difference" in m.verdicts()[0]
    # 12% vs 8.5% on 400 each: 95% interval crosses 0, 80% does not.
    near = _results({"target": (400, 48), "holdout": (400, 34)})
    m = measure(near, group_column="group", control="holdout", outcomes=["converted"])
    _, lo, _ = newcombe_interval(48, 400, 34, 400)
    _, lo80, _ = newcombe_interval(48, 400, 34, 400, level=0.8)
    assert lo < 0 < lo80  # the example is what it claims to be
    assert m.lifts["label"].tolist() == ["promising"]


def test_several_arms_segments_and_verdict_names_the_clearest_segment() -> None:
    df = pd.concat(
        [
            _results({"holdout": (300, 30), "E-mail A": (300, 33), "E-mail B": (300, 75)}, "Champions"),
            _results({"holdout": (300, 30), "E-mail A": (300, 30), "E-mail B": (300, 36)}, "At Risk"),
        ],
        ignore_index=True,
    )
    m = measure(df, group_column="group", control="holdout", outcomes=["converted"], segment_column="segment")
    assert m.treated == ("E-mail A", "E-mail B")
    doc = m.to_dict()
    assert set(doc["by_segment"]) == {"Champions", "At Risk"}
    assert doc["by_segment"]["Champions"]["converted"]["lift"]["E-mail B"]["diff"] == pytest.approx(0.15)
    assert doc["overall"]["converted"]["arms"]["E-mail B"] == {"n": 600, "mean": pytest.approx(111 / 600)}
    text = dict(zip(m.treated, m.verdicts(), strict=True))
    assert text["E-mail B"].startswith("E-mail B raised the converted rate by 8.5 points")
    assert "clearest among Champions (+15.0 points" in text["E-mail B"]
    assert "no clear difference" in text["E-mail A"]


def test_coverage_on_1000_simulated_campaigns() -> None:
    """95% intervals hold the planted per-segment effect in 93-97% of 1,000 randomized sends."""
    rng = np.random.default_rng(2026)
    sims, n = 1000, 3000
    base = np.array([0.1, 0.2, 0.3, 0.4])
    effect = np.array([[0, 0, 0, 0], [0.03, 0.0, 0.06, -0.04], [0.05, 0.04, 0.0, 0.08]])
    scale = np.array([20.0, 40.0, 60.0, 80.0])  # revenue per converter ~ gamma(2, scale): mean 2*scale
    seg = rng.integers(0, 4, (sims, n))
    arm = rng.choice(3, (sims, n), p=[0.3, 0.35, 0.35])
    converted = (rng.random((sims, n)) < base[seg] + effect[arm, seg]).astype(np.int8)
    revenue = converted * rng.gamma(2.0, scale[seg])
    df = pd.DataFrame(
        {
            "group": pd.Categorical.from_codes(arm.ravel(), ["holdout", "A", "B"]),
            "segment": (np.arange(sims)[:, None] * 4 + seg).ravel(),  # one segment per simulation
            "converted": converted.ravel(),
            "revenue": revenue.ravel(),
        }
    )
    m = measure(
        df,
        group_column="group",
        control="holdout",
        outcomes=["converted", "revenue"],
        segment_column="segment",
    )
    lifts = m.lifts[m.lifts["segment"] != OVERALL]
    s = lifts["segment"].astype(int).to_numpy() % 4
    a = lifts["arm"].map({"A": 1, "B": 2}).to_numpy()
    rate = lifts["outcome"].eq("converted").to_numpy()
    truth = np.where(rate, effect[a, s], effect[a, s] * 2 * scale[s])
    covered = pd.Series((lifts["low"] <= truth) & (truth <= lifts["high"]), index=lifts.index)
    assert len(covered) == sims * 4 * 2 * 2
    by_cell = covered.groupby([lifts["outcome"], lifts["arm"], s]).mean()
    assert by_cell.between(0.93, 0.97).all(), by_cell
    by_kind = covered.groupby(lifts["outcome"]).mean()
    assert by_kind.between(0.94, 0.96).all(), by_kind


def test_bad_files_get_plain_messages_and_rows_are_counted() -> None:
    df = _results({"target": (50, 10), "holdout": (50, 5)})
    with pytest.raises(DataError, match=r"No customer is in the control group 'control'.*'target' \(50\)"):
        measure(df, group_column="group", control="control", outcomes=["converted"])
    with pytest.raises(DataError, match="no column 'bought'"):
        measure(df, group_column="group", control="holdout", outcomes=["bought"])
    only = df[df["group"] == "holdout"]
    with pytest.raises(DataError, match=r"one group only \('holdout', 50 customers\).*no control group"):
        measure(only, group_column="group", control="holdout", outcomes=["converted"])
    text = df.astype({"converted": object})
    text.loc[[3, 7], "converted"] = ["oui", "n/d"]
    with pytest.raises(DataError, match=r"2 values that are not numbers \(line 5: 'oui', line 9: 'n/d'\)"):
        measure(text, group_column="group", control="holdout", outcomes=["converted"])
    # Unknown, repeated and group-less rows are set aside and counted; every row is accounted for.
    known = pd.Series("S", index=df["customer_id"].iloc[10:])
    messy = pd.concat(
        [df, df.iloc[[20, 21]], pd.DataFrame({"customer_id": ["x"], "group": [" "], "converted": [1]})]
    )
    m = measure(
        messy,
        group_column="group",
        control="HOLDOUT",
        outcomes=["converted"],
        id_column="customer_id",
        segments=known,
    )
    assert m.rows.read == 103
    assert m.rows.set_aside == {"no_group": 1, "unknown_customer": 10, "repeated_customer": 2}
    assert m.rows.used + sum(m.rows.set_aside.values()) == m.rows.read
    assert m.control == "holdout" and "10 customers not in the current data" in m.rows.summary()
    assert set(m.segments) == {"S"}
    with pytest.raises(DataError, match="None of the 100 customers"):
        measure(
            df,
            group_column="group",
            control="holdout",
            outcomes=["converted"],
            id_column="customer_id",
            segments=pd.Series("S", index=["zz"]),
        )


def test_yes_no_and_blank_outcomes() -> None:
    df = pd.DataFrame({"group": ["a", "b"] * 3, "opened": ["yes", "no", "是", "", "FALSE", "0"]})
    m = measure(df, group_column="group", control="a", outcomes=["opened"])
    arms = m.to_dict()["overall"]["opened"]["arms"]
    assert arms == {"a": {"n": 3, "mean": pytest.approx(2 / 3)}, "b": {"n": 3, "mean": 0.0}}
    assert m.rows.notes == ("1 blank values of 'opened' were counted as 0.",)


def test_outcomes_from_orders() -> None:
    groups = pd.DataFrame({"customer_id": ["a", "b", "c"], "group": ["target", "target", "holdout"]})
    orders = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "c"],
            "ts": pd.to_datetime(["2024-03-02", "2024-03-20", "2024-02-27", "2024-03-01", "2024-04-02"]),
            "amount": [10.0, 5.0, 99.0, 7.0, 3.0],
        }
    )
    out = outcomes_from_orders(groups, orders, since="2024-03-01", until="2024-04-01")
    assert out["orders"].tolist() == [2, 0, 1]
    assert out["revenue"].tolist() == [15.0, 0.0, 7.0]
    assert out["converted"].tolist() == [1, 0, 1]


def test_guess_control() -> None:
    assert guess_control(["target", "holdout"]) == "holdout"
    assert guess_control(["E-mail A", "Control group"]) == "Control group"
    assert guess_control(["A", "B"]) is None


def test_charts_carry_every_interval_and_every_move() -> None:
    from segmentation.explain import movement
    from segmentation.outputs import lift_chart, movement_chart
    from segmentation.segments import Segmentation

    df = pd.concat(
        [
            _results({"holdout": (60, 6), "A": (60, 9), "B": (60, 15)}, "S1"),
            _results({"holdout": (60, 6), "A": (60, 6), "B": (60, 7)}, "S2"),
        ],
        ignore_index=True,
    )
    m = measure(df, group_column="group", control="holdout", outcomes=["converted"], segment_column="segment")
    spec = lift_chart(m, "converted").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 3 * 2  # (overall + 2 segments) x 2 arms
    b_s1 = next(r for r in rows if r["segment"] == "S1" and r["arm"] == "B")
    assert b_s1["diff"] == pytest.approx(100 * (15 / 60 - 6 / 60))  # in points
    with pytest.raises(ValueError, match="No result"):
        lift_chart(m, "revenue")
    index = pd.Index(["a", "b", "c"], name="customer_id")
    then = Segmentation.from_codes([0, 0, 1], index, ("X", "Y"), "t", {})
    now = Segmentation.from_codes([0, 1, 1], index, ("X", "Y"), "t", {})
    grid = next(iter(movement_chart(movement(then, now).transitions).to_dict()["datasets"].values()))
    assert sum(r["customers"] for r in grid) == 3 and len(grid) == 3 * 3 - 1
