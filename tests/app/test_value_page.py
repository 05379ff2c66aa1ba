"""The Value page on the demo: the backtest in plain words, value segments saved with one click."""

from __future__ import annotations

from app_driver import click, goto

from segmentation.dataset import horizons


def test_the_value_page_shows_the_backtest_and_saves_the_value_segments(app):
    at = goto(click(app, "sidebar_demo"), "value")
    labels = {m.label: m.value for m in at.metric}
    assert labels["Prediction quality"] in {"Excellent", "Good", "Fair", "Weak"}
    assert {"Buyers ranked first", "Top 10% / 20%: revenue", "Hit rate at 3"} <= set(labels)
    text = " ".join(m.value for m in at.markdown)
    assert "Of the customers we rank in the top 20%" in text
    assert "Target the top **30%** by chance of buying" in text
    assert "came back" in text  # the next-product backtest, with its figure
    (table,) = at.dataframe
    shown = table.value
    assert set(shown["segment"]) <= {
        "Loyal core",
        "High value at risk",
        "Rising",
        "Low value leaving",
        "No prediction",
    }
    assert "- **Loyal core**: VIP treatment" in text  # the plays of each segment
    at = click(at, "value_save")
    active = at.session_state["segmentations"][at.session_state["active_segmentation"]]
    assert active.recipe.method == "value_risk"
    at = goto(at, "profiles")
    assert any(m.value.startswith("**Best next offers:**") for m in at.markdown)
    assert any(m.value.startswith("**Best time to reach:**") for m in at.markdown)


def test_the_target_slider_rewrites_the_sentence(app):
    at = goto(click(app, "sidebar_demo"), "value")
    at.slider(key="value_target").set_value(50).run()
    assert any("Target the top **50%**" in m.value for m in at.markdown)


def test_a_new_horizon_recomputes_the_predictions_and_keeps_the_saved_segmentations(app):
    at = click(goto(click(app, "sidebar_demo"), "value"), "value_save")
    before = at.session_state["dataset"]
    saved_before = at.session_state["segmentations"]["Predicted value x risk"].segmentation.labels.copy()
    (slider,) = at.select_slider
    longer = max(horizons(before))
    assert slider.options[-1] == f"{longer} days" and longer > before.horizon_days
    at = slider.set_value(longer).run()
    after = at.session_state["dataset"]
    assert after.horizon_days == longer and after.fingerprint != before.fingerprint
    assert after.table.frame.index.equals(before.table.frame.index)  # the same customers
    assert (after.table.frame["predicted_spend"] > before.table.frame["predicted_spend"]).mean() > 0.5
    # still saved, now on the new predictions
    item = at.session_state["segmentations"]["Predicted value x risk"]
    assert item.segmentation.labels.index.equals(saved_before.index)
    moved = int((item.segmentation.labels != saved_before).sum())
    assert any(f"Predictions now look {longer} days ahead" in s.value for s in at.success)
    assert moved > 0 and any(f"{moved:,} customers changed segment" in s.value for s in at.success)
    assert f"next <b>{longer} days</b>" in " ".join(m.value for m in at.markdown)
