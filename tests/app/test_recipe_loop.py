"""The recipe closes the loop (AppTest): the Export page's recipe carries the fitted segments and the
global control (the command line, given it, keeps out the same customers), and the Segments page
reapplies a saved recipe without refitting, or refits on request."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from app_driver import click, goto, no_exception

from segmentation import recipe
from segmentation.outputs import GLOBAL_CONTROL, GlobalControl, global_control_list


def _csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={"customer_id": str})


def _clusters(app, k: int = 4):
    at = click(app, "load_sample")
    at = goto(at, "segments")
    at.slider(key="cluster_k").set_value(k)
    return click(no_exception(at.run()), "make_clusters")


def test_export_recipe_has_the_fitted_model_and_the_global_control(app, downloads):
    at = goto(_clusters(app), "export")
    at.slider(key="global_share").set_value(10)
    at.number_input(key="global_seed").set_value(3)
    at = no_exception(at.run())
    seg = at.session_state["segmentations"][at.session_state["active_segmentation"]].segmentation
    table = at.session_state["dataset"].table

    rec = recipe.Recipe.from_json(downloads.bytes_of(at, "dl_recipe"))
    assert rec.frozen is not None and rec.control == GlobalControl(0.1, 3)
    assert rec.horizon_days == at.session_state["dataset"].horizon_days > 0  # the predictions' horizon
    again = recipe.segment(table, rec)  # what `python -m segmentation apply` does with it
    assert again.params["frozen"] and again.names == seg.names
    pd.testing.assert_series_equal(again.labels, seg.labels)

    members = set(global_control_list(seg, GlobalControl(0.1, 3))["customer_id"])
    listed = _csv(downloads.bytes_of(at, "dl_global_control"))
    assert set(listed["customer_id"]) == members and set(listed["group"]) == {GLOBAL_CONTROL}
    sent = _csv(downloads.bytes_of(at, "dl_csv"))
    assert len(sent) and set(sent["customer_id"]).isdisjoint(members)
    workbook = pd.read_excel(
        io.BytesIO(downloads.bytes_of(at, "dl_xlsx")), dtype={"customer_id": str}, engine="openpyxl"
    )
    assert set(workbook["customer_id"]) == set(sent["customer_id"])
    with zipfile.ZipFile(io.BytesIO(downloads.bytes_of(at, "dl_zip"))) as zf:
        for name in set(zf.namelist()) - {"groups.csv"}:
            ids = set(_csv(zf.read(name))["customer_id"])
            assert ids <= members if name.startswith("global_control/") else ids.isdisjoint(members), name
        assert any(n.startswith("global_control/") for n in zf.namelist())
    platform = _csv(downloads.bytes_of(at, "dl_platform"))
    assert len(platform) and platform.columns[0] == "Email Address"  # Mailchimp, the first platform
    # no address of a member in it, not even one they share with another customer
    member_emails = set(table.frame.loc[list(members), "email"].dropna().str.lower())
    assert set(platform.iloc[:, 0].str.lower()).isdisjoint(member_emails)
    groups = _csv(downloads.bytes_of(at, "dl_groups"))
    assert set(groups.loc[groups["group"] == GLOBAL_CONTROL, "customer_id"]) <= members
    shown = " ".join(m.value for m in at.markdown)
    assert f"{len(members):,} of your {len(table.frame):,} customers are in the global control now" in shown


def test_a_saved_recipe_is_reapplied_without_refit_and_refitted_on_request(app):
    at = _clusters(app, k=5)
    dataset = at.session_state["dataset"]
    first = next(iter(at.session_state["segmentations"].values()))
    text = recipe.fit(dataset.table, first.recipe)[1].to_json()
    at.get("file_uploader")[0].set_value(("recipe.json", text.encode(), "application/json"))
    at = click(no_exception(at.run()), "apply_recipe")
    assert "Assigned to the saved 5 segments, no refit" in " ".join(s.value for s in at.success)
    applied = at.session_state["segmentations"]["Saved recipe · 5"]
    pd.testing.assert_series_equal(applied.segmentation.labels, first.segmentation.labels)
    assert applied.recipe.frozen is not None

    at = click(at, "refit_recipe")
    said = " ".join(s.value for s in at.success)
    assert "Refitted on this data: still 5 segments;" in said and "customers (" in said
    assert "Refitted recipe · 5" in at.session_state["segmentations"]


def test_a_file_that_is_not_a_recipe_gets_a_plain_message(app):
    at = goto(click(app, "load_sample"), "segments")
    at.get("file_uploader")[0].set_value(("recipe.json", b"{not json", "application/json"))
    at = no_exception(at.run())
    assert "not a recipe file" in " ".join(e.value for e in at.error)


def test_the_command_line_keeps_out_the_same_global_control_as_the_app(app, downloads, tmp_path):
    """The Export page's recipe given to `python -m segmentation export`: the same members, the same send
    list; with the flags the same as the page's share and seed, the same again."""
    from app_driver import ROOT

    from segmentation import cli

    store = ROOT / "sample_data" / "store"
    files = [str(store / "orders.csv.gz"), str(store / "customers.csv.gz")]
    at = goto(_clusters(app), "export")
    for share, seed, flags in [
        (10, 3, []),
        (20, 8, ["--global-control", "20%", "--global-control-seed", "8"]),
    ]:
        at.slider(key="global_share").set_value(share)
        at.number_input(key="global_seed").set_value(seed)
        at = no_exception(at.run())
        if not flags:  # the recipe carries this one; the flags then override it
            (tmp_path / "recipe.json").write_bytes(downloads.bytes_of(at, "dl_recipe"))
        members = set(_csv(downloads.bytes_of(at, "dl_global_control"))["customer_id"])
        sent = set(_csv(downloads.bytes_of(at, "dl_csv"))["customer_id"])
        out = tmp_path / f"send_{seed}.csv"
        argv = ["export", *files, "--recipe", str(tmp_path / "recipe.json"), "--platform", "csv"]
        assert cli.main([*argv, *flags, "--default-country", "GB", "-o", str(out)]) == 0
        assert (
            set(_csv((tmp_path / f"send_{seed}_global_control.csv").read_bytes())["customer_id"]) == members
        )
        assert set(_csv(out.read_bytes())["customer_id"]) == sent and sent.isdisjoint(members)
        groups = _csv((tmp_path / f"send_{seed}_groups.csv").read_bytes())
        assert set(groups.loc[groups["group"] == GLOBAL_CONTROL, "customer_id"]) <= members
        assert set(groups.loc[groups["group"] != GLOBAL_CONTROL, "customer_id"]).isdisjoint(members)
