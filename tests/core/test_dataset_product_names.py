"""Next products by name wherever a marketer reads them; suggestions made on codes all the same."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_dataset_predictions import CUT, PRODUCTS, shop, source

from segmentation.dataset import Dataset, SourceFile, as_of, load_dataset
from segmentation.explain import best_offers
from segmentation.outputs import campaign_files
from segmentation.segments import Segmentation

EXCERPT = Path(__file__).resolve().parents[2] / "sample_data" / "online_retail_excerpt.csv.gz"
OFFERS = ["next_product_1", "next_product_2", "next_product_3"]
CODES = {name: f"SKU-{k:02d}" for k, name in enumerate(PRODUCTS)}


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    """The test shop's orders with a code per product beside its name."""
    frame = shop().rename(columns={"Product": "Product Name"})
    return frame.assign(SKU=frame["Product Name"].map(CODES))


@pytest.fixture(scope="module")
def named(orders: pd.DataFrame) -> Dataset:
    return load_dataset([source(orders)], horizon_days=120)


@pytest.fixture(scope="module")
def coded(orders: pd.DataFrame) -> Dataset:
    return load_dataset([source(orders.drop(columns="Product Name"))], horizon_days=120)


def one_segment(dataset: Dataset) -> Segmentation:
    index = dataset.table.frame.index
    return Segmentation.from_codes(np.zeros(len(index)), index, ["All"], "one", {})


def test_the_table_shows_names_of_the_products_suggested_on_codes(named: Dataset, coded: Dataset) -> None:
    assert named.files[0].mapping.roles["SKU"] == "product"
    assert named.product_names.to_dict() == {code: name for name, code in CODES.items()}
    names = {code: name for name, code in CODES.items()}
    by_code = coded.table.frame[OFFERS].apply(lambda column: column.map(names))
    pd.testing.assert_frame_equal(named.table.frame[OFFERS], by_code)  # the same suggestions, named
    assert named.table.frame["next_product_1"].isin(PRODUCTS).all()


def test_best_offers_name_the_products(named: Dataset, coded: Dataset) -> None:
    seg = one_segment(named)
    offers = best_offers(named.table.frame, seg.labels)[0]
    names = {code: name for name, code in CODES.items()}
    by_code = [(names[code], share) for code, share in best_offers(coded.table.frame, seg.labels)[0]]
    assert offers == by_code and {item for item, _ in offers} <= set(PRODUCTS)


def test_campaign_lists_carry_the_names(named: Dataset) -> None:
    files = campaign_files(named.table, one_segment(named), "csv")  # the export command's send list
    sent = pd.read_csv(io.BytesIO(files.main), encoding="utf-8-sig", dtype=str)
    assert set(OFFERS) <= set(sent.columns)  # offered by default
    assert sent["next_product_1"].isin(PRODUCTS).all()


def test_an_earlier_date_keeps_the_names(named: Dataset) -> None:
    earlier = as_of(named, CUT)
    assert earlier.product_names is named.product_names
    assert earlier.table.frame["next_product_1"].dropna().isin(PRODUCTS).all()


def test_online_retail_offers_are_descriptions_not_stock_codes() -> None:
    dataset = load_dataset([SourceFile(EXCERPT.name, EXCERPT)])
    names = dataset.product_names
    shown = dataset.table.frame[OFFERS].stack().dropna()
    assert len(shown) > 1_500 and shown.isin(set(names)).all()
    assert not shown.isin(set(names.index)).any()  # no stock code reaches the table
    offers = best_offers(dataset.table.frame, one_segment(dataset).labels)[0]
    assert {item for item, _ in offers} <= set(names)
