"""The Measure page (AppTest): a results file with its own segments is checked against the loaded
customers, each mismatch said on screen."""

from __future__ import annotations

import pandas as pd
from app_driver import click, goto, no_exception


def _upload(at, frame: pd.DataFrame):
    at.get("file_uploader")[0].set_value(("results.csv", frame.to_csv(index=False).encode(), "text/csv"))
    return no_exception(at.run())


def _shown(at) -> str:
    return " ".join(e.value for e in [*at.markdown, *at.warning, *at.caption])


def _demo(app):
    at = click(app, "sidebar_demo")
    saved = at.session_state["segmentations"][at.session_state["active_segmentation"]]
    return at, saved.segmentation


def test_a_results_file_with_its_own_segments_is_checked_against_the_loaded_customers(app):
    at, seg = _demo(app)
    named = seg.named.astype(str)
    first, second = seg.names[0], seg.names[1]
    known = named[named.isin([first, second])].head(600)
    results = pd.DataFrame(
        {"customer_id": known.index.astype(str), "segment": known.to_numpy(), "group": "target"}
    )
    results.loc[results.index[::3], "group"] = "holdout"
    results["converted"] = (results.index % 4 == 0).astype(int)
    results.loc[results.index[:100], "segment"] = "VIP"
    moved = results.index[300:320]
    results.loc[moved, "segment"] = results.loc[moved, "segment"].map({first: second, second: first})
    unknown = pd.DataFrame({"customer_id": [f"NOT-OURS-{i}" for i in range(37)], "segment": first})
    twice = results.iloc[200:204].assign(segment="VIP")  # in their segment and in VIP
    results = pd.concat([results, unknown.assign(group="target", converted=1), twice], ignore_index=True)
    at = _upload(goto(at, "measure"), results)
    shown = _shown(at)
    assert "641 rows read, 596 used" in shown
    assert (
        "37 customers of the results file are not in your customer data: left out of the measurement."
        in shown
    )
    assert "4 customers are listed in two segments or more (8 rows): left out of the measurement" in shown
    assert "The file's segment 'VIP' (100 customers) is not one of your segments" in shown
    assert "20 customers are in another of your segments now than the results file says" in shown
    measured = at.session_state["measurement"]
    assert set(measured.segments) == {"VIP", first, second}
    assert measured.rows.used + sum(measured.rows.set_aside.values()) == len(results)
