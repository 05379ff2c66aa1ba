"""Clustering: k scan, stable order, every method, degenerate input, the planted sample store."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from segmentation.catalog import CustomerTable, Feature
from segmentation.segmenters import (
    METHODS,
    PREFERRED_K,
    UNCLUSTERED,
    CriteriaSpec,
    SegmentClusterer,
    cluster_segmentation,
    recommend,
    scan_k,
    silhouettes,
    stability_word,
)


def blobs(n: int = 1500, k: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    X, y = make_blobs(n, n_features=6, centers=k, cluster_std=0.6, center_box=(-10, 10), random_state=seed)
    return X.astype(np.float32), y


def blob_table(n: int = 1200, seed: int = 0) -> tuple[CustomerTable, pd.Series]:
    X, y = blobs(n, 3, seed)
    frame = pd.DataFrame(
        {"monetary": np.exp(X[:, 0] / 3) * 100, "frequency": X[:, 1] + 20, "recency_days": X[:, 2] + 50},
        index=pd.Index([f"C{i:05d}" for i in range(n)], name="customer_id"),
    )
    catalog = (
        Feature("monetary", "value", "Revenue", skewed=True),
        Feature("frequency", "behavioural", "Orders"),
        Feature("recency_days", "behavioural", "Recency"),
    )
    return CustomerTable(frame, catalog), pd.Series(y, index=frame.index)


def test_scan_k_recommends_the_true_k() -> None:
    X, _ = blobs(3000, 5)
    scan = scan_k(X, ks=range(2, 9), n_bootstrap=2)
    assert scan.recommended_k == 5
    assert list(scan.table.columns) == [
        "k", "silhouette", "calinski_harabasz", "davies_bouldin", "inertia", "stability",
    ]  # fmt: skip
    assert scan.reason.startswith("5 groups:") and "stable" in scan.reason
    assert scan.table["inertia"].is_monotonic_decreasing
    assert scan.why[0].isupper() and scan.why.lower() == scan.reason.split(": ", 1)[1].lower()
    for row in scan.table.itertuples():
        assert scan.stability(row.k) == row.stability


def _metrics(sil: dict[int, float], stability: dict[int, float] | None = None) -> pd.DataFrame:
    """A scan table whose other metrics follow the silhouette (compact where well separated)."""
    ks = sorted(sil)
    return pd.DataFrame(
        {
            "k": ks,
            "silhouette": [sil[k] for k in ks],
            "calinski_harabasz": [1000 * sil[k] for k in ks],
            "davies_bouldin": [2 - sil[k] for k in ks],
            "inertia": [100.0 / k for k in ks],
            "stability": [(stability or {}).get(k, 0.95) for k in ks],
        }
    )


def test_recommendation_prefers_3_to_8_groups_unless_2_is_clearly_better() -> None:
    # Silhouette peaks at 2 by a little: a marketer gets the best of 3..8 instead.
    k, reason = recommend(_metrics({2: 0.30, 3: 0.22, 4: 0.27, 5: 0.24, 9: 0.2}))
    assert k == 4 and reason.startswith("4 groups:") and "3 to 8" in reason
    # 2 groups clearly better separated (by 0.05 or more): 2 it is, and the reason says why.
    k, reason = recommend(_metrics({2: 0.52, 3: 0.24, 4: 0.22}))
    assert k == 2 and "much better than into 3 to 8" in reason and "silhouette" not in reason
    # Unstable numbers of groups are set aside while a stable one exists.
    k, reason = recommend(_metrics({2: 0.28, 3: 0.25, 4: 0.29}, stability={4: 0.4}))
    assert k == 3 and "stable" in reason
    assert set(PREFERRED_K) == set(range(3, 9))


def test_scan_k_is_reproducible() -> None:
    X, _ = blobs(2000, 4)
    a, b = scan_k(X, ks=range(2, 6)), scan_k(X, ks=range(2, 6))
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.recommended_k == b.recommended_k == 4


def test_silhouettes_match_sklearn() -> None:
    from sklearn.metrics import silhouette_score

    X, y = blobs(500, 3)
    labels = (y + (X[:, 0] > 0)) % 3
    assert silhouettes(X, {3: labels})[3] == pytest.approx(silhouette_score(X, labels), abs=1e-4)


def test_stability_words() -> None:
    assert [stability_word(a) for a in (0.95, 0.7, 0.3)] == ["stable", "fairly stable", "shaky"]


@pytest.mark.parametrize("method", [m for m in METHODS if m != "hdbscan"])
def test_every_method_recovers_blobs_and_predicts_new_rows(method: str) -> None:
    X, y = blobs(1200, 4)
    model = SegmentClusterer(method, 4, categorical=[] if method == "kprototypes" else None).fit(X[:1000])
    assert adjusted_rand_score(y[:1000], model.labels_) > 0.9
    assert model.n_segments_ == 4 and set(model.labels_) == {0, 1, 2, 3}
    assert adjusted_rand_score(y[1000:], model.predict(X[1000:])) > 0.9
    assert (model.predict(X[:1000]) == model.labels_).mean() > 0.99


def test_same_seed_gives_identical_labels_and_value_order() -> None:
    X, _ = blobs(2000, 4)
    value = X[:, 0] * 10
    a = SegmentClusterer("kmeans", 4, random_state=3).fit(X, value)
    b = SegmentClusterer("kmeans", 4, random_state=3).fit(X, value)
    assert np.array_equal(a.labels_, b.labels_)
    means = pd.Series(value).groupby(a.labels_).mean()
    assert means.is_monotonic_decreasing  # segment 1 is the most valuable


def test_order_survives_shuffled_rows() -> None:
    table, _ = blob_table()
    spec = CriteriaSpec(("behavioural", "value"))
    seg, _ = cluster_segmentation(table, spec, "kmeans", 3)
    shuffled = CustomerTable(table.frame.sample(frac=1, random_state=5), table.catalog)
    seg2, _ = cluster_segmentation(shuffled, spec, "kmeans", 3)
    assert seg2.labels.index.equals(shuffled.frame.index)
    pd.testing.assert_series_equal(seg.labels, seg2.labels.reindex(seg.labels.index))


def test_cluster_segmentation_every_customer_once_and_assigns_new() -> None:
    table, truth = blob_table()
    seg, fitted = cluster_segmentation(table, CriteriaSpec(("behavioural", "value")), "gmm", 3)
    assert seg.labels.index.equals(table.frame.index) and seg.labels.notna().all()
    assert seg.names == ("Segment 1", "Segment 2", "Segment 3") and seg.sizes().sum() == len(table.frame)
    assert adjusted_rand_score(truth, seg.labels) > 0.9
    assert seg.params["criteria"]["families"] == ["behavioural", "value"]
    new = fitted.assign(table.frame.head(50))
    assert (new == seg.labels.head(50)).all()


def test_hdbscan_noise_becomes_unclustered_last() -> None:
    X, y = blobs(1500, 3)
    noise = np.random.default_rng(0).uniform(-30, 30, (100, X.shape[1])).astype(np.float32)
    model = SegmentClusterer("hdbscan", min_cluster_size=50, sample_size=1000).fit(np.vstack([X, noise]))
    assert model.has_noise_ and model.segment_names()[-1] == UNCLUSTERED
    assert model.n_clusters_ == 3
    assert (model.labels_[-100:] == model.n_segments_ - 1).mean() > 0.8
    assert adjusted_rand_score(y, model.labels_[:1500]) > 0.9
    assert set(model.predict(noise[:10])) <= set(range(model.n_segments_))


@pytest.mark.parametrize("n", [1, 2])
def test_tiny_tables_give_one_segment_per_distinct_customer(n: int) -> None:
    X = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    model = SegmentClusterer("kmeans", 5).fit(X)
    assert model.n_segments_ == n and sorted(model.labels_) == list(range(n))
    with pytest.raises(ValueError, match="too few to compare"):
        scan_k(X)


@pytest.mark.parametrize("method", [m for m in METHODS if m != "hdbscan"])
def test_all_equal_values_give_one_segment(method: str) -> None:
    X = np.ones((50, 3), dtype=np.float32)
    model = SegmentClusterer(method, 4).fit(X)
    assert model.n_segments_ == 1 and (model.labels_ == 0).all()
    assert (model.predict(X[:3]) == 0).all()


def test_nan_and_inf_rejected_with_plain_message_and_handled_by_the_encoder() -> None:
    X, _ = blobs(100, 2)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="missing or infinite"):
        SegmentClusterer().fit(X)
    table, _ = blob_table(300)
    frame = table.frame.copy()
    frame.iloc[:5, 0], frame.iloc[5:10, 1] = np.inf, np.nan
    seg, _ = cluster_segmentation(
        CustomerTable(frame, table.catalog), CriteriaSpec(("behavioural", "value")), k=3
    )
    assert seg.sizes().sum() == 300


def test_only_categorical_criteria() -> None:
    rng = np.random.default_rng(0)
    n = 600
    group = rng.integers(0, 3, n)
    channels = np.array(["Web", "Store", "App"])[group]
    regions = np.array(["North", "South", "East"])[(group + (rng.random(n) < 0.1)) % 3]
    frame = pd.DataFrame(
        {"preferred_channel": channels, "region": regions}, index=pd.Index([f"c{i}" for i in range(n)])
    )
    catalog = (
        Feature("preferred_channel", "channel", "Channel", kind="categorical"),
        Feature("region", "geographic", "Region", kind="categorical"),
    )
    table = CustomerTable(frame, catalog)
    spec = CriteriaSpec(("channel", "geographic"))
    for method in ("kmeans", "kprototypes"):
        seg, fitted = cluster_segmentation(table, spec, method, 3)
        assert adjusted_rand_score(group, seg.labels) > 0.8, method
        assert len(fitted.assign(frame.head(5))) == 5


def _sample_store_table(n: int) -> tuple[CustomerTable, pd.Series]:
    from segmentation.features import build_customer_table
    from segmentation.samples import generate

    store = generate(n, seed=11)
    con = duckdb.connect()
    con.register("raw", store.orders)
    con.execute(
        """CREATE TABLE tx AS SELECT CAST("Customer ID" AS VARCHAR) AS customer_id,
           CAST("Order ID" AS VARCHAR) AS order_id, CAST("Order date" AS TIMESTAMP) AS ts,
           "Quantity" * "Unit price" AS amount, CAST("Quantity" AS DOUBLE) AS quantity,
           CAST("Unit price" AS DOUBLE) AS unit_price, "Quantity" < 0 AS is_return,
           CAST("Category" AS VARCHAR) AS category, CAST("Channel" AS VARCHAR) AS channel FROM raw"""
    )
    table = build_customer_table(con, "tx", None)
    truth = store.truth.set_index("Customer ID")["Group"].reindex(table.frame.index)
    return table, truth


@pytest.mark.slow
def test_sample_store_planted_groups_recovered() -> None:
    table, truth = _sample_store_table(4000)
    k = truth.nunique()
    seg, fitted = cluster_segmentation(table, CriteriaSpec(("behavioural", "value", "channel")), "kmeans", k)
    assert seg.sizes().sum() == len(table.frame)
    assert adjusted_rand_score(truth, seg.labels) >= 0.8
    # Shopping day and hour are opt-in: they are noise for these groups.
    assert not {"preferred_weekday", "preferred_hour"} & set(fitted.encoder.features_)
    # The scan lands on (or next to) the planted number of groups, not on 2.
    scan = scan_k(fitted.encoder.transform(table.frame))
    assert abs(scan.recommended_k - k) <= 1
