"""Every page runs with and without data, and says what to do when its input is missing."""

from __future__ import annotations

import ast

import pytest
from app_driver import ROOT, click, goto

PAGES = ["data", "criteria", "segments", "map", "profiles", "value", "export", "help"]
NEEDS_DATA = ["criteria", "segments", "map", "profiles", "value", "export"]
NEEDS_SEGMENTS = ["map", "profiles", "export"]
LOAD_DATA = "Load your customer data first: upload a file or pick the sample store on the Data page."
MAKE_SEGMENTS = "Create a segmentation first on the Segments page (or click ▶ One-click demo in the sidebar)."


def links(at) -> list[tuple[str, str]]:
    """The page links the main area shows: (label, target page's URL path)."""
    return [(link.proto.label, link.proto.page) for link in at.main.get("page_link")]


@pytest.mark.parametrize("page", NEEDS_DATA)
def test_a_page_without_data_says_to_load_it_and_links_to_the_data_page(app, page):
    at = goto(app, page)
    assert [i.value for i in at.info] == [LOAD_DATA]
    assert links(at) == [("Go to Data", "data")]
    assert not at.title  # stopped before drawing anything of its own


@pytest.mark.parametrize(("page", "title"), [("data", "Your customer data"), ("help", "Help & glossary")])
def test_the_data_and_help_pages_need_nothing_loaded(app, page, title):
    at = goto(app, page)
    assert [t.value for t in at.title] == [title]
    assert LOAD_DATA not in [i.value for i in at.info]


@pytest.mark.parametrize("page", NEEDS_SEGMENTS)
def test_a_page_without_segments_says_to_make_them_and_links_to_the_segments_page(app, page):
    at = goto(click(app, "load_sample"), page)
    assert [i.value for i in at.info] == [MAKE_SEGMENTS]
    assert links(at) == [("Go to Segments", "segments")]


def test_data_page_loads_the_sample_and_shows_the_ledger(app):
    at = click(app, "load_sample")
    dataset = at.session_state["dataset"]
    assert len(dataset.table.frame) > 15_000
    labels = [m.label for m in at.metric]
    assert {"Rows read", "Kept", "Set aside"} <= set(labels)
    report = dataset.files[0]
    assert report.ledger.kept + sum(report.ledger.set_aside.values()) == report.ledger.read


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_after_the_demo(app, page):
    at = click(app, "sidebar_demo")
    assert at.session_state["segmentations"]
    goto(at, page)


def test_a_few_rows_set_aside_never_read_as_zero_percent():
    from ui.widgets import _share

    assert [_share(1, 20_000), _share(314, 20_000), _share(6_653, 20_000)] == ["<0.1%", "1.6%", "33.3%"]


WIDGETS = {
    "button", "download_button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider",
    "select_slider", "text_input", "number_input", "text_area", "date_input", "time_input", "file_uploader",
    "camera_input", "color_picker", "data_editor", "form_submit_button", "pills", "segmented_control",
    "feedback", "chat_input",
}  # fmt: skip
APP_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def _calls(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_widget_has_an_explicit_key(path):
    missing = [
        f"{c.func.attr} (line {c.lineno})"
        for c in _calls(path)
        if c.func.attr in WIDGETS and not any(k.arg == "key" for k in c.keywords)
    ]
    assert not missing, missing


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_leave_the_wrangling_to_the_core(path):
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert not imported & {"pandas", "numpy"}, imported


def corpus_dataset(*names: str):
    """Real files of the corpus, loaded as the Data page would with the suggested columns."""
    from segmentation.dataset import SourceFile, load_dataset
    from tests.conftest import SHARED_DATA

    files = SHARED_DATA / "corpus" / "files"
    return load_dataset([SourceFile(n, files / n) for n in names])


def test_orders_without_prices_run_every_page_and_say_spend_is_unknown(app):
    """The corpus' AdventureWorks pair has quantities but no prices: no page fails or shows spend as 0."""
    app.session_state["dataset"] = corpus_dataset(
        "11_AdventureWorks_Customers.csv", "12_AdventureWorks_Sales_2016.csv"
    )
    at = click(goto(app, "segments"), "make_rules")  # the one ready rule set without spend: lifecycle
    assert at.session_state["segmentations"]
    at = goto(at, "value")
    spend = [
        m.value for m in at.metric if m.label in ("Spend: predicted vs actual", "Top 10% / 20%: revenue")
    ]
    assert spend == ["—", "—"]
    assert any("no prices or amounts" in i.value for i in at.info)
    for page in ("profiles", "map", "export", "criteria"):
        goto(at, page)


def test_orders_without_products_say_there_is_nothing_to_suggest(app):
    """Olist's orders name no product: the Value page says so instead of reporting a failure."""
    app.session_state["dataset"] = corpus_dataset(
        "13_olist_orders_2017_subset.csv", "14_olist_customers_2017_subset.csv"
    )
    at = goto(app, "value")
    assert "Next products need a product or category column in the orders; yours name neither." in [
        i.value for i in at.info
    ]
    assert not at.warning


def test_an_event_log_of_reviews_gets_a_way_forward_instead_of_ready_rules(app):
    """Amazon's review log has no orders, NPS or rating scale a ready rule set needs."""
    app.session_state["dataset"] = corpus_dataset("06_amazon_reviews_us_Gift_Card_head.tsv")
    at = goto(app, "segments")
    assert any(i.value.startswith("No ready-made rule set fits this data") for i in at.info)
    at = goto(at, "value")
    assert any("an event log's views and carts are not orders" in i.value for i in at.info)
