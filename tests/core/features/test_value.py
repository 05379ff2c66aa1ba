"""Value and risk predictions, the temporal backtest and the BG/NBD core, against oracles."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.stats import pearsonr

from segmentation.features import (
    VALUE_COLUMNS,
    BetaGeoGamma,
    backtest_value,
    capture,
    grade,
    history_features,
    predict_value,
    score_predictions,
)

START = pd.Timestamp("2023-01-01")


def shop(n: int = 600, seed: int = 0, days: float = 540.0) -> pd.DataFrame:
    """Seeded orders: each customer buys at their own rate until they drop out."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n):
        first = rng.uniform(0, days * 0.7)
        rate = rng.gamma(1.5, 1 / 30)
        life = rng.exponential(300)
        t, k = first, 0
        while t < min(days, first + life):
            rows.append((f"c{c:04d}", f"o{c:04d}-{k}", START + pd.Timedelta(days=t), float(rng.gamma(3, 15))))
            t += rng.exponential(1 / rate)
            k += 1
    frame = pd.DataFrame(rows, columns=["customer_id", "order_id", "ts", "amount"])
    return frame.assign(is_return=False)


def connect(frame: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("tx_df", frame)
    con.execute("CREATE TABLE tx AS SELECT * FROM tx_df")
    return con


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return shop()


CUT = START + pd.Timedelta(days=400)


def test_scores_have_the_documented_columns_and_ranges(orders: pd.DataFrame) -> None:
    result = predict_value(connect(orders), "tx", horizon_days=120, cutoff=CUT)
    scores = result.scores
    assert list(scores.columns) == list(VALUE_COLUMNS)
    before = orders[orders["ts"] < CUT]
    assert set(scores.index) == set(before["customer_id"])
    assert scores["churn_probability"].between(0, 1).all()
    assert (scores["expected_purchases"] >= 0).all()
    assert (scores["spend_low"] <= scores["predicted_spend"] + 1e-9).all()
    assert (scores["predicted_spend"] <= scores["spend_high"] + 1e-9).all() or (
        scores["spend_high"] >= scores["spend_low"]
    ).all()
    one = before.groupby("customer_id").size().eq(1)
    assert scores.loc[one[one].index, "prediction_note"].str.startswith("One order").all()
    dates = scores["next_order_date"].dropna()
    assert (dates > CUT).all()


def test_a_planted_future_purchase_changes_nothing(orders: pd.DataFrame) -> None:
    base = predict_value(connect(orders), "tx", horizon_days=120, cutoff=CUT).scores
    planted = orders.copy()
    who = planted["customer_id"].iloc[0]
    future = pd.DataFrame(
        [(who, "future-1", CUT + pd.Timedelta(days=1), 10_000.0, False),
         ("newcomer", "future-2", CUT + pd.Timedelta(hours=1), 50.0, False)],
        columns=planted.columns,
    )  # fmt: skip
    again = predict_value(connect(pd.concat([planted, future])), "tx", horizon_days=120, cutoff=CUT).scores
    pd.testing.assert_frame_equal(base, again)


def test_same_seed_same_scores(orders: pd.DataFrame) -> None:
    first = predict_value(connect(orders), "tx", horizon_days=90, cutoff=CUT, random_state=3).scores
    second = predict_value(connect(orders), "tx", horizon_days=90, cutoff=CUT, random_state=3).scores
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (shop(1, seed=1), "Only 1 customers"),
        (shop(600).assign(ts=START), "shorter than the 120-day horizon"),
        (shop(600).groupby("customer_id").head(1), "repeat buyers"),
    ],
    ids=["one customer", "all orders on one day", "one order each"],
)
def test_thin_histories_say_so(frame: pd.DataFrame, words: str) -> None:
    con = connect(frame)
    with pytest.raises(ValueError, match=words):
        predict_value(con, "tx", horizon_days=120)


def test_features_match_a_pandas_oracle(orders: pd.DataFrame) -> None:
    features = history_features(connect(orders), "tx", CUT, 120)
    before = orders[orders["ts"] < CUT]
    days = (CUT - before.groupby("customer_id")["ts"].agg(["min", "max"])) / pd.Timedelta(days=1)
    np.testing.assert_allclose(
        features["recency_days"], days["max"].reindex(features.index), atol=2e-5
    )  # seconds
    np.testing.assert_allclose(features["tenure_days"], days["min"].reindex(features.index), atol=2e-5)
    np.testing.assert_allclose(
        features["n_orders"], before.groupby("customer_id").size().reindex(features.index)
    )
    recent = before[before["ts"] >= CUT - pd.Timedelta(days=120)].groupby("customer_id").size()
    np.testing.assert_allclose(features["orders_last_h"], recent.reindex(features.index).fillna(0))


def test_metrics_match_hand_computed_values() -> None:
    predicted = pd.DataFrame(
        {"buy_probability": [0.9, 0.8, 0.3, 0.1], "expected_purchases": [3.0, 1.0, 0.5, 0.1],
         "predicted_spend": [300.0, 50.0, 40.0, 5.0]},
        index=["a", "b", "c", "d"],
    )  # fmt: skip
    actual = pd.DataFrame({"purchases": [2.0, 1.0], "spend": [100.0, 300.0]}, index=["a", "c"])
    m = score_predictions("x", predicted, actual, deciles=2)
    # buyers a (0.9) and c (0.3); non-buyers b (0.8), d (0.1): pairs won 2 + 1 of 4
    assert m.auc == pytest.approx(0.75)
    assert m.pearson_purchases == pytest.approx(pearsonr([3, 1, 0.5, 0.1], [2, 0, 1, 0])[0])
    # ranks (4,3,2,1) vs (4,1.5,3,1.5): deviations (1.5,.5,-.5,-1.5) and (1.5,-1,.5,-1)
    assert m.spearman_purchases == pytest.approx(3 / np.sqrt(5 * 4.5))
    assert m.top20_revenue == pytest.approx(0.8 * 100 / 400)  # 0.8 of customer a
    assert m.top10_revenue == pytest.approx(0.4 * 100 / 400)
    assert m.top20_bought == 1.0  # only a is at or above the 80th percentile
    assert m.calibration["actual_purchases"].tolist() == [0.5, 1.0]  # deciles {c,d} and {a,b}
    assert m.reach(0.5) == pytest.approx(0.5)  # top half by chance: a, b -> one of two buyers
    assert m.grade == "good"


def test_capture_splits_ties_pro_rata() -> None:
    assert capture(np.array([1.0, 1.0, 1.0, 1.0]), np.array([4.0, 0.0, 0.0, 0.0]), 0.5) == pytest.approx(0.5)
    assert capture(np.array([2.0, 1.0]), np.array([0.0, 5.0]), 0.5) == 0.0


def test_grade_words() -> None:
    assert [grade(a) for a in (0.9, 0.8, 0.7, 0.5)] == ["excellent", "good", "fair", "weak"]


def simulate_bgnbd(
    n: int, r: float, alpha: float, a: float, b: float, days: float, seed: int
) -> pd.DataFrame:
    """The BG/NBD story itself: Gamma rates, Beta dropout after each repeat order."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    rows = []
    for i in range(n):
        rng = np.random.default_rng([seed, i])  # per customer: a longer run continues the same story
        t, x, last = 0.0, 0, 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > days:
                break
            x, last = x + 1, t
            if rng.random() < p[i]:
                break
        rows.append((str(i), x, last, days, 0.0))
    return pd.DataFrame(rows, columns=["customer_id", "frequency", "recency", "T", "monetary_value"])


def test_bgnbd_recovers_planted_parameters_and_expectations() -> None:
    rfm = simulate_bgnbd(4000, r=0.8, alpha=20.0, a=1.5, b=6.0, days=365.0, seed=2)
    model = BetaGeoGamma().fit(rfm)
    assert model.r_ == pytest.approx(0.8, rel=0.25)
    assert model.alpha_ == pytest.approx(20.0, rel=0.3)
    # the mean expected count over the next 180 days matches a fresh simulation of the same people
    future = simulate_bgnbd(4000, r=0.8, alpha=20.0, a=1.5, b=6.0, days=545.0, seed=2)
    observed = (future["frequency"] - rfm["frequency"]).mean()
    assert model.expected_purchases(rfm, 180).mean() == pytest.approx(observed, rel=0.15)
    none = model.probability_no_purchase(rfm, 180)
    assert ((none >= 0) & (none <= 1)).all()


def test_backtest_ranks_better_than_chance(orders: pd.DataFrame) -> None:
    bt = backtest_value(connect(orders), "tx", horizon_days=120)
    ours = bt.by_name("ours")
    assert ours.auc > 0.6
    assert {m.name for m in bt.metrics} == {"ours", "recency only", "frequency only"}
    assert set(bt.table().columns) >= {"auc", "top20_revenue"}
    assert "top 20%" in ours.summary()


def test_bgnbd_gradients_match_finite_differences() -> None:
    from scipy.optimize import approx_fprime

    from segmentation.features.bgnbd import BG_NBD_LOSSES

    rfm = simulate_bgnbd(500, r=0.8, alpha=20.0, a=1.5, b=6.0, days=365.0, seed=5)
    x, tx, big_t = (rfm[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    repeat = x > 0
    spend = np.random.default_rng(5).gamma(3.0, 10.0, int(repeat.sum()))
    cases = ((BG_NBD_LOSSES[0], np.log([0.6, 25.0, 1.2, 4.0]), (x, tx, big_t)),
             (BG_NBD_LOSSES[1], np.log([2.0, 3.0, 20.0]), (x[repeat], spend)))  # fmt: skip
    for loss, at, args in cases:
        analytic = loss(at, *args)[1]
        numeric = approx_fprime(at, lambda p, f=loss, a=args: f(p, *a)[0], 1e-7)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-6)


def test_blend_zero_is_bgnbd_alone_and_one_is_the_learned_model(orders: pd.DataFrame) -> None:
    from segmentation.features import ValueModel, history_outcomes, rfm_from_features

    con = connect(orders)
    train_cut = CUT - pd.Timedelta(days=120)
    past, now = history_features(con, "tx", train_cut, 120), history_features(con, "tx", CUT, 120)
    model = (
        ValueModel(random_state=1).fit(past, history_outcomes(con, "tx", train_cut, CUT), 120).refresh(now)
    )
    plain = model.fresh_.predict_frame(rfm_from_features(now), 120)
    alone = model.set_params(blend=0.0).predict_frame(now)
    np.testing.assert_allclose(alone["buy_probability"], plain["buy_probability"])
    np.testing.assert_allclose(alone["expected_purchases"], plain["expected_purchases"] + 1e-3)
    learned = model.set_params(blend=1.0).predict_frame(now)
    half = model.set_params(blend=0.5).predict_frame(now)
    assert not np.allclose(learned["buy_probability"], plain["buy_probability"])
    np.testing.assert_allclose(
        half["expected_purchases"] ** 2, alone["expected_purchases"] * learned["expected_purchases"]
    )


def test_the_sampled_check_leaves_other_sessions_views_alone(
    orders: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    import segmentation.features.value as value

    judged: list[int] = []
    sampled = value._judge_on_sample
    monkeypatch.setattr(value, "_CHECK_SAMPLE", 100)  # 600 customers: the check runs on a sample
    monkeypatch.setattr(value, "_judge_on_sample", lambda *a: judged.append(1) or sampled(*a))
    con = connect(orders)
    con.execute("CREATE TEMP VIEW _value_check_sample AS SELECT 42 AS answer")  # another session's view

    def views() -> list[str]:
        return sorted(
            r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE temporary").fetchall()
        )

    before = views()
    predict_value(con, "tx", horizon_days=120, cutoff=CUT)
    assert judged
    assert views() == before
    assert con.execute("SELECT answer FROM _value_check_sample").fetchall() == [(42,)]


def test_bgnbd_fit_is_the_maximum_of_its_likelihood() -> None:
    rfm = simulate_bgnbd(3000, r=0.8, alpha=20.0, a=1.5, b=6.0, days=365.0, seed=7)
    model = BetaGeoGamma().fit(rfm)
    best = model.log_likelihood(rfm)
    for name in ("r_", "alpha_", "a_", "b_"):
        for step in (0.97, 1.03):
            moved = BetaGeoGamma().fit(rfm)
            setattr(moved, name, getattr(model, name) * step)
            assert moved.log_likelihood(rfm) < best, (name, step)


def test_gamma_gamma_recovers_planted_spend_parameters() -> None:
    """Fader and Hardie's story: each customer's orders are Gamma(p, nu) with nu ~ Gamma(q, v)."""
    rng = np.random.default_rng(3)
    n, p, q, v = 6000, 4.0, 5.0, 80.0
    nu = rng.gamma(q, 1 / v, n)
    orders = rng.integers(1, 8, n)
    mean_spend = np.array([rng.gamma(p, 1 / rate, k).mean() for rate, k in zip(nu, orders, strict=True)])
    rfm = pd.DataFrame({"customer_id": np.arange(n).astype(str), "frequency": orders.astype(float),
                        "recency": 100.0, "T": 200.0, "monetary_value": mean_spend})  # fmt: skip
    model = BetaGeoGamma().fit(rfm)
    # p and v trade off against each other; the mean order of the population p v / (q - 1) is sharp
    assert (model.p_, model.q_, model.v_) == pytest.approx((p, q, v), rel=0.25)
    assert model.p_ * model.v_ / (model.q_ - 1) == pytest.approx(p * v / (q - 1), rel=0.03)
    # the expected order value is each customer's true mean order (p / nu) up to the noise of few orders
    truth = p / nu
    assert pearsonr(model.expected_order_value(rfm), truth)[0] > pearsonr(mean_spend, truth)[0]


def test_totals_sentence_says_predicted_against_actual_orders_and_why_they_differ() -> None:
    from segmentation.features import score_predictions

    ids = pd.Index([f"c{i}" for i in range(10)], name="customer_id")
    predicted = pd.DataFrame(
        {"expected_purchases": np.linspace(0.5, 2.0, 10), "predicted_spend": np.linspace(5, 20, 10),
         "buy_probability": np.linspace(0.1, 0.9, 10)}, index=ids,
    )  # fmt: skip
    assert predicted["expected_purchases"].sum() == pytest.approx(12.5)
    actual = pd.DataFrame({"purchases": [0, 0, 1, 1, 2, 2, 2, 3, 3, 4], "spend": 10.0}, index=ids)
    m = score_predictions("ours", predicted, actual)
    assert (m.orders_predicted, m.orders_actual) == (pytest.approx(12.5), 18.0)
    assert m.totals_sentence("May") == (
        "In all, we predicted 12 orders from these customers in May; 18 came (+44%): "
        "the models learn each customer's pace, not seasonal peaks or the shop's growth."
    )
    fewer = score_predictions("ours", predicted, actual.assign(purchases=actual["purchases"] // 2))
    assert "7 came (-44%): the models learn each customer's pace, not a slowdown" in fewer.totals_sentence()
    close = score_predictions("ours", predicted, actual.assign(purchases=[0, 1, 1, 1, 1, 2, 2, 1, 1, 2]))
    assert (
        close.totals_sentence("May") == "In all, we predicted 12 orders from these customers in May; 12 came."
    )
