"""The recipe: saved, loaded and re-applied it gives identical segments; loading never runs anything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from segmentation import recipe
from segmentation.dataset import SourceFile, load_dataset
from segmentation.errors import DataError
from segmentation.intake import REASON_LABELS

ROOT = Path(__file__).resolve().parents[2]
EXCERPT = ROOT / "sample_data" / "online_retail_excerpt.csv.gz"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset([SourceFile(EXCERPT.name, EXCERPT)])


@pytest.mark.parametrize("method", ["kmeans", "rfm11", "lifecycle"])
def test_saved_loaded_and_reapplied_recipe_gives_identical_segments(dataset, method):
    rec = recipe.Recipe(
        method,
        criteria={"families": ["behavioural", "value"]},
        params={"k": 4} if method == "kmeans" else {},
        mappings=dataset.mappings,
    )
    first = recipe.segment(dataset.table, rec)
    loaded = recipe.Recipe.from_json(rec.to_json())
    assert loaded == rec
    again = load_dataset([SourceFile(EXCERPT.name, EXCERPT)])
    second = recipe.segment(again.table, loaded)
    assert first.names == second.names
    pd.testing.assert_series_equal(first.labels, second.labels)
    assert first.sizes().sum() == len(dataset.table.frame)


def test_user_names_travel_with_the_recipe(dataset):
    names = ["VIP", "Very good", "Good", "The rest"]
    seg = recipe.segment(
        dataset.table, recipe.Recipe.from_json(recipe.Recipe("value", names=names).to_json())
    )
    assert list(seg.names) == names
    # A recipe without names keeps none through JSON, and the segments get the rule set's own names.
    plain = recipe.Recipe.from_json(recipe.Recipe("value", mappings=dataset.mappings).to_json())
    assert plain.names is None
    own = recipe.segment(dataset.table, plain)
    assert len(own.names) == len(names) and not set(own.names) & set(names)
    pd.testing.assert_series_equal(own.labels, seg.labels)  # names change, segments do not


@pytest.mark.parametrize(
    "text, words",
    [
        (b"\x80\x81 not json", "not valid JSON"),
        (b"[1, 2]", "no segmentation method"),
        (json.dumps({"method": "kmeans", "__reduce__": "os.system"}).encode(), "does not know"),
        (json.dumps({"method": "__import__('os').system('x')"}).encode(), "unknown method"),
        (json.dumps({"method": "kmeans", "version": 99}).encode(), "newer"),
    ],
)
def test_bad_or_hostile_recipes_are_refused_in_plain_words(text, words):
    with pytest.raises(DataError, match=words):
        recipe.Recipe.from_json(text)


def test_custom_rules_in_a_recipe_are_data_not_code(dataset):
    rules = [
        {
            "name": "Big",
            "join": "and",
            "conditions": [{"feature": "monetary", "op": ">=", "value": "__import__('os')"}],
        }
    ]
    rec = recipe.Recipe.from_json(json.dumps({"method": "custom", "params": {"rules": rules}}))
    with pytest.raises(ValueError):
        recipe.segment(dataset.table, rec)


def test_command_line_default_recipe_then_apply(tmp_path):
    run = [sys.executable, "-m", "segmentation"]
    rec_path, out = tmp_path / "recipe.json", tmp_path / "segments.csv"
    subprocess.run([*run, "recipe", "--default", str(EXCERPT), "-o", str(rec_path)], check=True, cwd=ROOT)
    done = subprocess.run(
        [*run, "apply", str(rec_path), str(EXCERPT), "-o", str(out)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(out, encoding="utf-8-sig", dtype={"customer_id": str})
    assert rows["customer_id"].is_unique
    assert {"customer_id", "segment_id", "segment", "recency_days", "monetary"} <= set(rows.columns)
    assert rows["segment_id"].min() == 1
    missing = subprocess.run(
        [*run, "apply", str(rec_path), str(tmp_path / "nope.csv"), "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_set_aside_rows_are_downloadable_and_match_the_ledger(dataset):
    report = dataset.files[0]
    rows = report.set_aside_rows()
    assert len(rows) == sum(report.ledger.set_aside.values()) > 0
    per_reason = rows["reason"].value_counts().to_dict()
    assert per_reason == {REASON_LABELS[key]: n for key, n in report.ledger.set_aside.items()}
    assert {"CustomerID", "InvoiceNo", "line"} <= set(rows.columns)


def test_rfm_edges_travel_with_the_recipe_and_score_new_data_on_the_same_bands(dataset):
    rec = recipe.Recipe("rfm11", mappings=dataset.mappings)
    seg = recipe.segment(dataset.table, rec)
    saved = recipe.with_fitted(rec, seg)
    assert saved.params["edges"] == seg.params["edges"]
    loaded = recipe.Recipe.from_json(saved.to_json())
    assert json.loads(saved.to_json())["params"]["edges"]["F"] == seg.params["edges"]["F"]
    pd.testing.assert_series_equal(recipe.segment(dataset.table, loaded).labels, seg.labels)
    # On other customers the saved edges are used, not refitted: a one-order buyer stays F=1 even
    # where everybody ordered once and refitting would leave a single band.
    half = dataset.table.frame.iloc[: len(dataset.table.frame) // 2]
    from segmentation.catalog import CustomerTable

    part = CustomerTable(half, dataset.table.catalog)
    frozen = recipe.segment(part, loaded)
    assert frozen.params["edges"] == seg.params["edges"]
    pd.testing.assert_series_equal(frozen.scores["F"], seg.scores["F"].loc[half.index])


def test_holdout_seed_is_saved_and_old_recipes_without_it_still_load():
    rec = recipe.Recipe("rfm11", holdout_seed=42)
    assert recipe.Recipe.from_json(rec.to_json()).holdout_seed == 42
    old = json.loads(rec.to_json())
    del old["holdout_seed"]
    assert recipe.Recipe.from_json(json.dumps(old)).holdout_seed == 0
    with pytest.raises(DataError, match="whole number"):
        recipe.Recipe.from_json(json.dumps({**old, "holdout_seed": "seven"}))
