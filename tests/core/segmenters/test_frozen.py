"""Frozen segmentations: a recipe's saved model assigns the same customers to the same segments,
new data without refit, and loading it runs nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation import recipe
from segmentation.dataset import SourceFile, load_dataset
from segmentation.errors import DataError
from segmentation.segmenters import SegmentClusterer

ROOT = Path(__file__).resolve().parents[3]
EXCERPT = ROOT / "sample_data" / "online_retail_excerpt.csv.gz"
CRITERIA = {"families": ["behavioural", "value", "geographic"]}
REFERENCE = pd.Timestamp("2011-12-10")


@pytest.fixture(scope="module")
def table():
    return load_dataset([SourceFile(EXCERPT.name, EXCERPT)], predictions=False).table


@pytest.mark.parametrize("method", ["kmeans", "gmm", "ward", "hdbscan", "kprototypes"])
def test_same_data_same_assignment_through_json(table, method):
    rec = recipe.Recipe(method, criteria=CRITERIA, params={"k": 4})
    seg, fitted = recipe.fit(table, rec)
    assert fitted.model is not None and rec.model is None
    loaded = recipe.Recipe.from_json(fitted.to_json())
    assert loaded == fitted  # plain JSON, exact round trip
    again = recipe.segment(table, loaded)
    assert again.params["frozen"] is True
    assert again.names == seg.names
    pd.testing.assert_series_equal(again.labels, seg.labels)
    assert "country" in json.dumps(loaded.model)  # a categorical criterion is part of the saved encoder


def test_extra_month_of_orders_keeps_unchanged_customers_and_never_refits(tmp_path, table, monkeypatch):
    orders = pd.read_csv(EXCERPT, dtype=str)
    early = orders[pd.to_datetime(orders["InvoiceDate"]) < pd.Timestamp("2011-11-09")]
    path = tmp_path / "orders_until_november.csv"
    path.write_bytes(early.to_csv(index=False).encode())
    before = load_dataset([SourceFile(path.name, path)], predictions=False, reference_date=REFERENCE).table
    after = load_dataset(
        [SourceFile(EXCERPT.name, EXCERPT)], predictions=False, reference_date=REFERENCE
    ).table
    seg, fitted = recipe.fit(before, recipe.Recipe("kmeans", criteria=CRITERIA, params={"k": 4}))

    def no_fit(*args, **kwargs):
        raise AssertionError("the saved segments were refitted")

    monkeypatch.setattr(SegmentClusterer, "fit", no_fit)
    now = recipe.segment(after, recipe.Recipe.from_json(fitted.to_json()))
    assert now.params["frozen"] is True and now.names == seg.names
    assert len(now.labels) == len(after.frame)  # every customer of the new data has a saved segment
    used = [c for c in before.frame.columns if c in after.frame.columns]
    common = before.frame.index.intersection(after.frame.index)
    a, b = before.frame.loc[common, used], after.frame.loc[common, used]
    same = ((a == b) | (a.isna() & b.isna())).all(axis=1)
    assert same.sum() > 100 and (~same).sum() > 10  # the month changed some customers, not all
    unchanged = same[same].index
    pd.testing.assert_series_equal(now.labels[unchanged], seg.labels[unchanged])
    with pytest.raises(AssertionError, match="refitted"):
        recipe.segment(after, recipe.Recipe.from_json(fitted.to_json()), refit=True)


def test_older_recipe_without_model_still_loads_and_fits(table):
    old = recipe.Recipe.from_json(
        json.dumps({"method": "kmeans", "criteria": CRITERIA, "params": {"k": 3}, "version": 1})
    )
    assert old.model is None
    seg = recipe.segment(table, old)
    assert "frozen" not in seg.params and len(seg.names) == 3


@pytest.mark.parametrize(
    ("model", "words"),
    [
        ("os.system('rm -rf /')", "incomplete"),
        ({"encoder": {}, "clusterer": {}, "names": [1, 2]}, "not a list of names"),
        ({"encoder": {}, "clusterer": {}, "names": ["A"], "format": 99}, "newer"),
    ],
)
def test_bad_models_are_refused_in_plain_words(model, words):
    with pytest.raises(DataError, match=words):
        recipe.Recipe.from_json(json.dumps({"method": "kmeans", "model": model}))


def test_tampered_numbers_give_a_plain_message(table):
    _, fitted = recipe.fit(table, recipe.Recipe("kmeans", criteria=CRITERIA, params={"k": 3}))
    doc = json.loads(fitted.to_json())
    doc["model"]["clusterer"]["raw_centers"] = [["__import__('os')"]]
    with pytest.raises(DataError, match=r"not a table of numbers.*Refit"):
        recipe.segment(table, recipe.Recipe.from_json(json.dumps(doc)))
    doc = json.loads(fitted.to_json())
    renamed = table.frame.rename(columns={"frequency": "orders"})
    with pytest.raises(DataError, match=r"missing from the new data.*frequency"):
        recipe.assign_frozen(
            type(table)(renamed, table.catalog, table.reference_date),
            recipe.Recipe.from_json(json.dumps(doc)),
        )


def test_frozen_encoder_matches_the_fitted_pipeline(table):
    from segmentation.segmenters.frozen_encoder import FrozenEncoder, encoder_state

    encoder, X = recipe.encode(table, recipe.Recipe("kmeans", criteria=CRITERIA).spec)
    frame = table.frame.copy()
    frame["country"] = frame["country"].astype(object)
    frame.loc[frame.index[:5], "country"] = "Atlantis"  # unseen category
    frame.loc[frame.index[5:10], "recency_days"] = np.nan  # missing number
    frozen = FrozenEncoder(json.loads(json.dumps(encoder_state(encoder))))
    assert np.array_equal(frozen.transform(table.frame), X)
    assert np.allclose(frozen.transform(frame), encoder.transform(frame), atol=1e-6)
