"""What the maps draw: every shown customer at its own position, a stable sample, a zoom that drops outliers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable, Feature
from segmentation.explain import (
    TOOLTIP_FACTS,
    geo_points,
    has_coordinates,
    map_points,
    place_column,
    place_points,
)
from segmentation.segments import Segmentation

NAMES = ("Big", "Small", "Tiny")


def table_and_segments(n: int = 3_000, seed: int = 0) -> tuple[CustomerTable, Segmentation, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"C{i:05d}" for i in range(n)], name="customer_id")
    codes = rng.choice(3, size=n, p=[0.7, 0.28, 0.02])
    frame = pd.DataFrame(
        {
            "monetary": rng.gamma(2.0, 50.0, n),
            "frequency": rng.integers(1, 20, n).astype(float),
            "city": rng.choice(["Leeds", "York", None], n),
            "email": [f"c{i}@example.com" for i in range(n)],
        },
        index=ids,
    )
    catalog = (
        Feature("monetary", "value", "Total spend", unit="currency"),
        Feature("frequency", "behavioural", "Number of orders"),
        Feature("city", "geographic", "City", "categorical"),
        Feature("email", "contact", "E-mail", "text"),
    )
    seg = Segmentation(pd.Series(codes, index=ids), NAMES, "test")
    return CustomerTable(frame, catalog), seg, rng.normal(size=(n, 2))


def test_every_shown_customer_sits_at_its_own_position_with_its_segment() -> None:
    table, seg, xy = table_and_segments()
    drawn = map_points(table, seg, xy, shown=["Big", "Tiny"], max_points=10_000)
    expected = seg.named[seg.named.isin(["Big", "Tiny"])]
    assert drawn.total == len(expected) == len(drawn.points) and not drawn.sampled
    assert set(drawn.points["customer_id"]) == set(expected.index)
    rows = table.frame.index.get_indexer(drawn.points["customer_id"])
    np.testing.assert_array_equal(drawn.points["x"].to_numpy(), xy[rows, 0])
    np.testing.assert_array_equal(drawn.points["y"].to_numpy(), xy[rows, 1])
    assert drawn.points["segment"].astype(str).tolist() == seg.named.iloc[rows].astype(str).tolist()
    assert list(drawn.points["segment"].cat.categories) == list(NAMES)  # charts keep the segment order
    # Only what the chart and its tooltip need goes to the browser: never the e-mail.
    assert (
        drawn.tooltip
        == tuple(c for c in TOOLTIP_FACTS if c in table.frame)
        == ("monetary", "frequency", "city")
    )
    assert list(drawn.points.columns) == ["customer_id", "x", "y", "segment", *drawn.tooltip]


def test_a_large_map_is_a_stable_sample_with_every_segment() -> None:
    table, seg, xy = table_and_segments()
    drawn = map_points(table, seg, xy, max_points=500)
    assert drawn.sampled and drawn.total == len(table.frame)
    assert len(drawn.points) <= 500 + 50 * len(NAMES)
    assert set(drawn.points["segment"].astype(str)) == set(NAMES)  # the 2% segment too
    order = np.random.default_rng(1).permutation(len(table.frame))
    shuffled = CustomerTable(table.frame.iloc[order], table.catalog)
    again = map_points(shuffled, seg, xy[order], max_points=500)
    assert set(again.points["customer_id"]) == set(drawn.points["customer_id"])


def test_a_layout_of_the_wrong_shape_is_refused() -> None:
    table, seg, xy = table_and_segments(100)
    with pytest.raises(ValueError, match="expected"):
        map_points(table, seg, xy[:50], shown=list(NAMES))


def test_the_place_mix_uses_the_most_useful_place_and_drops_unknown_places() -> None:
    table, seg, _ = table_and_segments(200)
    assert place_column(table) == "city"
    with_region = CustomerTable(table.frame.assign(region="North"), table.catalog)
    assert place_column(with_region) == "region"
    assert place_column(CustomerTable(table.frame.drop(columns="city"), table.catalog)) is None
    points = place_points(table, seg, "city")
    assert len(points) == table.frame["city"].notna().sum()
    assert (points["segment"].astype(str) == seg.named.reindex(points.index).astype(str)).all()


def test_the_geographic_view_zooms_onto_most_customers_and_says_how_many() -> None:
    rng = np.random.default_rng(0)
    n_near, n_far = 950, 50
    lat = np.r_[rng.normal(51.5, 0.3, n_near), rng.normal(-33.9, 0.1, n_far), [np.nan] * 10]
    lon = np.r_[rng.normal(-0.1, 0.3, n_near), rng.normal(151.2, 0.1, n_far), [np.nan] * 10]
    ids = pd.Index([f"C{i}" for i in range(len(lat))])
    table = CustomerTable(pd.DataFrame({"latitude": lat, "longitude": lon}, index=ids), ())
    seg = Segmentation(pd.Series(np.arange(len(ids)) % 2, index=ids), ("A", "B"), "test")
    assert has_coordinates(table) and not has_coordinates(CustomerTable(table.frame[["latitude"]], ()))
    geo = geo_points(table, seg)
    assert (geo.points["latitude"] > 40).all()  # the far-away few are left out of the view
    assert geo.share_shown == pytest.approx(len(geo.points) / (n_near + n_far))
    assert 0.8 <= geo.share_shown < 0.95
    assert list(geo.points.columns) == ["latitude", "longitude", "segment"]
