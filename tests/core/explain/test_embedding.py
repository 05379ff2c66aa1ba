"""The customer map: instant PCA layout, stratified samples, UMAP on a sample plus transform."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from segmentation.explain import (
    MapLayout,
    plot_sample,
    quick_layout,
    stratified_sample,
    trustworthiness,
    umap_layout,
    warm_up,
)


def test_quick_layout_shape_and_determinism() -> None:
    X, _ = make_blobs(500, n_features=5, random_state=0)
    a, b = quick_layout(X), quick_layout(X)
    assert a.shape == (500, 2) and a.dtype == np.float32 and np.array_equal(a, b)
    one = quick_layout(X[:, :1])
    assert one.shape == (500, 2) and (one[:, 1] == 0).all()


def test_stratified_sample_keeps_small_strata_and_is_stable() -> None:
    strata = np.array([0] * 9_000 + [1] * 950 + [2] * 50)
    idx = stratified_sample(strata, 1_000, random_state=0)
    assert len(idx) <= 1_100 and set(strata[idx]) == {0, 1, 2}
    assert (strata[idx] == 2).sum() == 50
    assert np.array_equal(idx, stratified_sample(strata, 1_000, random_state=0))
    assert np.array_equal(stratified_sample(strata[:10], 100), np.arange(10))


def test_plot_sample_bounded_every_segment_and_order_free() -> None:
    n = 30_000
    labels = pd.Series(np.r_[np.zeros(n - 30, int), np.ones(30, int)], index=[f"c{i}" for i in range(n)])
    chosen = plot_sample(labels, max_points=2_000)
    assert 1_900 <= len(chosen) <= 2_050 and set(labels[chosen]) == {0, 1}
    shuffled = labels.sample(frac=1, random_state=1)
    assert set(plot_sample(shuffled, max_points=2_000)) == set(chosen)
    assert plot_sample(labels.head(100)).equals(labels.head(100).index)


@pytest.mark.slow
def test_umap_on_sample_plus_transform_keeps_neighbourhoods() -> None:
    X, y = make_blobs(5_000, n_features=8, centers=4, cluster_std=1.0, random_state=0)
    X = X.astype(np.float32)
    assert warm_up() > 0
    layout = MapLayout(sample_size=4_200).fit(X, strata=y)
    emb = layout.embedding_
    assert emb.shape == (5_000, 2) and np.isfinite(emb).all() and len(layout.sample_) <= 4_400
    assert trustworthiness(X, emb, sample_size=1_500) > 0.85
    # Transformed customers land next to their own cluster: nearest cluster centre in map space.
    centres = np.vstack([emb[layout.sample_][y[layout.sample_] == c].mean(0) for c in range(4)])
    rest = np.setdiff1d(np.arange(5_000), layout.sample_)
    nearest = np.argmin(((emb[rest, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    assert (nearest == y[rest]).mean() > 0.95
    # New customers placed later land in their own cluster too.
    placed = layout.transform(X[rest[:300]])
    near_new = np.argmin(((placed[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    assert (near_new == y[rest[:300]]).mean() > 0.95
    again = umap_layout(X[:300], random_state=0)
    assert np.array_equal(again, umap_layout(X[:300], random_state=0))
