"""Product names on screen (AppTest): an order file with codes and names shows the names."""

from __future__ import annotations

from app_driver import ROOT, click, goto
from test_flows import upload

EXCERPT = ROOT / "sample_data" / "online_retail_excerpt.csv.gz"


def test_profiles_offer_products_by_name(app):
    at = click(upload(app, EXCERPT.name, EXCERPT.read_bytes()), "confirm_roles")
    dataset = at.session_state["dataset"]
    assert dataset.files[0].mapping.roles["Description"] == "product_name"
    at = click(goto(at, "segments"), "make_clusters")
    at = goto(at, "profiles")
    offers = [m.value for m in at.markdown if m.value.startswith("**Best next offers:**")]
    assert offers
    names, codes = set(dataset.product_names), set(dataset.product_names.index)
    for line in offers:
        items = [
            part.rsplit(" (suggested to ", 1)[0]
            for part in line.removeprefix("**Best next offers:** ").split("; ")
        ]
        assert set(items) <= names and not set(items) & codes
