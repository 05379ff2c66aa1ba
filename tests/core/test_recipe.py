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
    assert "saved segments" in done.stderr and "nothing was refitted" in done.stderr
    assert json.loads(rec_path.read_text(encoding="utf-8"))["model"]["clusterer"]["method"] == "kmeans"
    refit = subprocess.run(
        [*run, "apply", str(rec_path), str(EXCERPT), "-o", str(out), "--refit"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert refit.returncode == 0 and "refitted" in refit.stderr
    refitted = pd.read_csv(out, encoding="utf-8-sig", dtype={"customer_id": str})
    assert refitted["segment_id"].equals(rows["segment_id"])  # same data, same seed: same groups
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


def test_global_control_round_trips_and_old_recipes_without_it_still_load():
    rec = recipe.Recipe("rfm11", global_control={"share": 0.05, "seed": 2026})
    loaded = recipe.Recipe.from_json(rec.to_json())
    assert loaded == rec and (loaded.control.share, loaded.control.seed) == (0.05, 2026)
    old = json.loads(rec.to_json())
    del old["global_control"]
    assert not recipe.Recipe.from_json(json.dumps(old)).control.active  # an older file: no global control
    for bad, words in (({"share": 0.9, "seed": 1}, "from 0% to 50%"), ({"share": 0.1, "run": "x"}, "only")):
        with pytest.raises(DataError, match=words):
            recipe.Recipe.from_json(json.dumps({**old, "global_control": bad}))


def test_the_horizon_travels_with_the_recipe_and_sets_the_predictions(dataset):
    rec = recipe.Recipe("value_risk", horizon_days=60)
    assert recipe.Recipe.from_json(rec.to_json()).horizon_days == 60
    again, seg = recipe.apply(rec, [SourceFile(EXCERPT.name, EXCERPT)])
    assert again.horizon_days == 60 != dataset.horizon_days  # the data's default is a third of its history
    assert again.table.frame["expected_purchases"].sum() < dataset.table.frame["expected_purchases"].sum()
    same = recipe.segment(again.table, recipe.Recipe("value_risk"))  # segments on the 60-day predictions
    pd.testing.assert_series_equal(seg.labels, same.labels)
    old = json.loads(rec.to_json())
    del old["horizon_days"]
    assert recipe.Recipe.from_json(json.dumps(old)).horizon_days is None  # an older file: the default
    with pytest.raises(DataError, match="whole number of days"):
        recipe.Recipe.from_json(json.dumps({**old, "horizon_days": "a quarter"}))


def _orders_before(day: str, path: Path) -> bytes:
    orders = pd.read_csv(EXCERPT, dtype=str)
    kept = orders[pd.to_datetime(orders["InvoiceDate"]) < pd.Timestamp(day)]
    path.write_bytes(kept.to_csv(index=False).encode())
    return path.read_bytes()


def test_movement_between_two_dates_reconciles_with_both_segmentations(tmp_path):
    rec = recipe.Recipe("rfm11")
    first, second, moved = recipe.compare(
        rec, [SourceFile(EXCERPT.name, EXCERPT)], start="2011-06-01", end="2011-10-01"
    )
    # Oracle: each moment equals the recipe applied to the orders before that day, cut outside the app.
    for moment, day in ((first, "2011-06-01"), (second, "2011-10-01")):
        cut = tmp_path / f"orders_{day}.csv"
        _orders_before(day, cut)
        ds = recipe.read(rec, [SourceFile(cut.name, cut)], reference_date=pd.Timestamp(day))
        expected = recipe.segment(ds.table, rec)
        pd.testing.assert_series_equal(moment.segmentation.labels, expected.labels)
        assert moment.label == day
    t = moved.transitions
    assert t[t["from_segment"] != "(new customer)"]["customers"].sum() == len(first.segmentation.labels)
    sizes_then = t.groupby("from_segment")["customers"].sum().drop("(new customer)")
    sizes_now = t.groupby("to_segment")["customers"].sum().drop("(no longer a customer)")
    assert sizes_then.reindex(first.segmentation.names).tolist() == first.segmentation.sizes().tolist()
    assert sizes_now.reindex(second.segmentation.names).tolist() == second.segmentation.sizes().tolist()
    counts = moved.counts()
    assert counts["lost"] == 0 and counts["new"] == len(second.segmentation.labels) - len(
        first.segmentation.labels
    )
    assert moved.customers["customer_id"].is_unique
    # Revenue in the cells: what was spent between the two dates (the excerpt's total after minus before).
    spent = second.dataset.table.frame["monetary"].sum() - first.dataset.table.frame["monetary"].sum()
    assert t["revenue"].sum() == pytest.approx(spent)
    # Two files (earlier first) with the same reference dates give the same moves.
    files = [SourceFile(p.name, p) for p in sorted(tmp_path.glob("orders_*.csv"))]
    _, _, by_files = recipe.compare(rec, files, start="2011-06-01", end="2011-10-01")
    pd.testing.assert_frame_equal(by_files.matrix(), moved.matrix())


def test_command_line_movement(tmp_path, capsys):
    from segmentation import cli

    rec = tmp_path / "rfm.json"
    rec.write_text(recipe.Recipe("rfm6").to_json(), encoding="utf-8")
    out = tmp_path / "moves.csv"
    argv = ["movement", str(rec), str(EXCERPT), "--from", "2011-06-01", "--to", "2011-10-01", "-o", str(out)]
    assert cli.main(argv) == 0
    moves = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert list(moves.columns[:3]) == ["customer_id", "segment_then", "segment_now"]
    assert moves["customer_id"].is_unique
    err = capsys.readouterr().err
    assert " became " in err and "customers written" in err
    assert cli.main([*argv[:3], "--from", "2011-10-01", "--to", "2011-06-01", "-o", str(out)]) == 2
    assert "must come before" in capsys.readouterr().err


def test_movement_of_the_segmentation_on_screen_keeps_its_segments_and_names(dataset):
    # The app compares the segmentation the user sees: both dates use its segments and (edited) names.
    rec = recipe.Recipe("kmeans", params={"k": 4}, mappings=dataset.mappings)
    current = recipe.segment(dataset.table, rec).renamed(["Alpha", "Beta", "Gamma", "Delta"])
    day_after_last = dataset.table.reference_date
    first, second, moved = recipe.compare_dates(rec, dataset, "2011-06-01", day_after_last, current=current)
    assert first.segmentation.names == second.segmentation.names == current.names
    # At the reference date every order counts, so each customer is where the screen shows them.
    now = second.segmentation.named.astype(str)
    pd.testing.assert_series_equal(now, current.named.astype(str).loc[now.index], check_names=False)
    assert set(moved.transitions["from_segment"]) - {"(new customer)"} <= set(current.names)


def test_refit_forgets_what_the_saved_run_learned(dataset):
    rec = recipe.Recipe("kmeans", params={"k": 3}, mappings=dataset.mappings)
    _, fitted = recipe.fit(dataset.table, rec)
    named = recipe.Recipe.from_json(fitted.to_json().replace('"names": null', '"names": ["A", "B", "C"]'))
    refitted = recipe.segment(dataset.table, named, refit=True)
    assert (
        not refitted.params.get("frozen") and "A" not in refitted.names
    )  # names of the old clusters dropped
    assert recipe.segment(dataset.table, named).names == ("A", "B", "C")  # kept when assigned to them
    bands = recipe.unfitted(recipe.Recipe("rfm11", params={"edges": {"F": [1, 2]}}, names=["x"]))
    assert "edges" not in bands.params and bands.names == ["x"]  # rule names stay: rules do not move


def test_a_lifecycle_recipe_saved_with_seven_stage_names_still_applies(dataset):
    """Recipes saved before the stage "Order date unknown" name seven stages; they keep working."""
    seven = ["Not yet", "Fresh", "Once", "Again", "Back", "Slipping", "Gone"]
    seg = recipe.segment(
        dataset.table, recipe.Recipe.from_json(recipe.Recipe("lifecycle", names=seven).to_json())
    )
    assert list(seg.names) == [*seven, "Order date unknown"]
    assert seg.sizes().sum() == len(dataset.table.frame)
