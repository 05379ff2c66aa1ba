"""Flows through the app (AppTest): uploads, bad files, segments, the rule builder and exports."""

from __future__ import annotations

import io

import pandas as pd
from app_driver import click, goto, no_exception

from segmentation.outputs import build_audience
from segmentation.segmenters import Rule, rule_sizes


def upload(at, name: str, content: bytes):
    at.radio(key="data_source").set_value("Upload my files")
    no_exception(at.run())
    at.get("file_uploader")[0].set_value((name, content, "application/octet-stream"))
    return no_exception(at.run())


def test_an_uploaded_customer_list_becomes_the_customer_table(app, shared_data):
    at = upload(app, "mall_customers.csv", (shared_data / "mall_customers.csv").read_bytes())
    at = click(at, "confirm_roles")
    dataset = at.session_state["dataset"]
    assert len(dataset.table.frame) == 200
    assert dataset.files[0].ledger.kept == 200
    assert dataset.files[0].mapping.roles["CustomerID"] == "customer_id"
    assert {"age", "income"} <= set(dataset.table.frame.columns)


def test_a_bad_upload_shows_a_message_not_a_traceback(app):
    at = upload(app, "photo.csv", bytes(range(256)) * 40)
    assert not at.exception
    messages = " ".join(e.value for e in at.error)
    assert messages and "Traceback" not in messages
    assert "dataset" not in at.session_state


def test_clustering_flow_reconciles_with_the_exported_rows(app, downloads):
    at = click(app, "load_sample")
    at = goto(at, "criteria")
    at = goto(at, "segments")
    at.slider(key="cluster_k").set_value(5)
    at = click(no_exception(at.run()), "make_clusters")
    saved = at.session_state["segmentations"]
    seg = next(iter(saved.values())).segmentation
    assert len(seg.names) == 5
    assert seg.sizes().sum() == len(at.session_state["dataset"].table.frame)

    at = goto(at, "profiles")
    assert len(at.text_input) == 5  # one editable name per segment
    at = goto(at, "export")
    at.slider(key="export_holdout").set_value(10)
    at = no_exception(at.run())
    chosen = at.multiselect(key="export_segments").value
    columns = at.multiselect(key="export_columns").value
    table = at.session_state["dataset"].table
    audience = build_audience(
        table,
        seg,
        segments=chosen,
        columns=columns,
        consent_only=True,
        holdout_share=0.1,
        default_country="GB",
    )
    # What the page hands over: the bytes of its send-list and groups downloads.
    sent = pd.read_csv(
        io.BytesIO(downloads.bytes_of(at, "dl_csv")), encoding="utf-8-sig", dtype={"customer_id": str}
    )
    groups = pd.read_csv(
        io.BytesIO(downloads.bytes_of(at, "dl_groups")), encoding="utf-8-sig", dtype={"customer_id": str}
    )
    assert sent["customer_id"].is_unique
    assert set(sent["customer_id"]) == set(audience.send()["customer_id"])
    held = set(groups.loc[groups["group"] == "holdout", "customer_id"])
    assert held == set(audience.held_out()["customer_id"]) and held.isdisjoint(sent["customer_id"])
    members = seg.named[seg.named.isin(chosen)]
    by_id = sent.set_index("customer_id")["segment"]
    assert (by_id == members.reindex(by_id.index).astype(str)).all()  # each in its own segment
    assert len(groups) + sum(audience.left_out.values()) == seg.sizes()[chosen].sum()
    for _, group in groups.groupby("segment"):
        assert abs((group["group"] == "holdout").sum() - 0.1 * len(group)) <= 0.5
    shown = " ".join(c.value for c in at.caption)
    assert f"{len(sent):,} customers in the send list" in shown and f"{len(held):,} in the holdout" in shown
    assert "no consent answer: treated as no consent" in " ".join(m.value for m in at.markdown)
    # another seed, another holdout
    at.number_input(key="export_seed").set_value(7)
    at = no_exception(at.run())
    again = pd.read_csv(
        io.BytesIO(downloads.bytes_of(at, "dl_groups")), encoding="utf-8-sig", dtype={"customer_id": str}
    )
    assert set(again.loc[again["group"] == "holdout", "customer_id"]) != held


def test_rule_builder_sizes_match_the_engine(app):
    at = click(app, "load_sample")
    at = goto(at, "segments")
    shown = next(df.value for df in at.dataframe if "Would match alone" in df.value.columns)
    drafts = at.session_state["custom_rules"]
    engine = rule_sizes(at.session_state["dataset"].table, [Rule.from_dict(d) for d in drafts])
    assert shown["Customers"].tolist() == engine["customers"].tolist()
    at = click(at, "make_custom")
    seg = at.session_state["segmentations"]["Your rules"].segmentation
    assert seg.sizes().tolist() == engine["customers"].tolist()
