"""The Measure page (AppTest): a results file with its own segments is checked against the loaded
customers, each mismatch said on screen; the client report, from Measure or Export, has the global
control group with its measured effect."""

from __future__ import annotations

import io

import pandas as pd
from app_driver import click, goto, no_exception

from segmentation.outputs import GLOBAL_CONTROL, global_control_list
from segmentation.outputs import GlobalControl as Control


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


def test_the_report_has_the_global_control_and_its_measured_effect(app, downloads):
    at, seg = _demo(app)
    at = goto(at, "export")
    at.slider(key="global_share").set_value(10)
    at.number_input(key="global_seed").set_value(3)
    at = no_exception(at.run())
    groups = pd.read_csv(io.BytesIO(downloads.bytes_of(at, "dl_groups")), encoding="utf-8-sig", dtype=str)
    members = set(global_control_list(seg, Control(0.1, 3))["customer_id"])
    kept_out = groups["group"].eq(GLOBAL_CONTROL)
    assert set(groups.loc[kept_out, "customer_id"]) <= members
    groups["bought"] = (groups.index % (kept_out.map({True: 5, False: 3}))).eq(0).astype(int)
    at = _upload(goto(at, "measure"), groups)
    assert at.session_state["measurement"].control == GLOBAL_CONTROL  # guessed: no holdout in the file
    for page, key in (("measure", "measure_report"), ("export", "dl_report")):
        at = goto(at, page)
        report = downloads.bytes_of(at, key).decode()
        section = report.split("<h2>Global control group</h2>")[1].split("<h2>")[0]
        assert "<b>10%</b>of all customers" in section and "<b>3</b>seed" in section, page
        assert f"<b>{len(members):,}</b>customers in it" in section, page
        assert "target, bought:" in section and "95% interval" in section, page


def test_the_apps_segments_without_a_customer_id_column_get_a_plain_message(app):
    at, seg = _demo(app)
    ids = seg.labels.index.astype(str)[:200]
    results = pd.DataFrame({"who": ids, "group": ["target", "holdout"] * 100, "converted": [1, 0] * 100})
    at = _upload(goto(at, "measure"), results)  # no segment column: the app's segments by default
    assert "Choose the customer id column" in " ".join(e.value for e in at.error)
    at.selectbox(key=next(k for k in at.session_state if str(k).startswith("measure_id_"))).set_value("who")
    at = no_exception(at.run())
    assert not at.error and set(at.session_state["measurement"].segments) <= set(seg.names)
