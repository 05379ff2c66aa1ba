"""``python -m segmentation predict``: scores from the orders up to --as-of, backtest figures on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_dataset_predictions import CUT, shop, source

from segmentation import cli
from segmentation.predict import COLUMNS

AS_OF = CUT - pd.Timedelta(days=1)


def predict(tmp_path: Path, orders: pd.DataFrame, name: str, *extra: str) -> tuple[int, Path]:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(source(orders).data)  # type: ignore[arg-type]
    out = tmp_path / f"{name}_scores.csv"
    code = cli.main(["predict", str(path), "--as-of", f"{AS_OF:%Y-%m-%d}", "-o", str(out), *extra])
    return code, out


def test_scores_one_row_per_customer_and_backtest_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = shop()
    code, out = predict(tmp_path, orders, "orders", "--horizon-days", "100")
    assert code == 0
    scores = pd.read_csv(out)
    assert tuple(scores.columns) == COLUMNS
    known = orders.loc[orders["Order Date"] < CUT, "Customer ID"]
    assert sorted(scores["customer_id"]) == sorted(known.unique())
    assert scores["churn_probability"].between(0, 1).all()
    assert pd.to_datetime(scores["next_order_date"].dropna()).gt(AS_OF).all()
    figures = json.loads(capsys.readouterr().err)
    assert figures["as_of"] == f"{AS_OF:%Y-%m-%d}" and figures["horizon_days"] == 100
    assert figures["backtest"]["cutoff"] == f"{CUT - pd.Timedelta(days=100):%Y-%m-%d}"
    assert 0.5 < figures["backtest"]["models"]["ours"]["auc"] <= 1
    assert {"recency only", "frequency only"} <= set(figures["backtest"]["models"])
    assert 0 <= figures["next_product"]["hit_rate_at_3"] <= 1


def test_orders_after_the_as_of_date_change_nothing(tmp_path: Path) -> None:
    orders = shop()
    later = orders[orders["Order Date"] >= CUT]
    assert len(later)  # the file does hold orders after the date
    _, full = predict(tmp_path, orders, "full", "--horizon-days", "100")
    _, cut = predict(tmp_path, orders[orders["Order Date"] < CUT], "cut", "--horizon-days", "100")
    assert full.read_bytes() == cut.read_bytes()


def test_a_thin_history_exits_2_with_a_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = predict(tmp_path, shop(1, seed=1), "thin")
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "Traceback" not in err


def test_scores_keep_product_codes_and_add_their_names(tmp_path: Path) -> None:
    orders = shop().rename(columns={"Product": "Product Name"})
    orders["SKU"] = orders["Product Name"].str.replace("Product ", "SKU-")
    code, out = predict(tmp_path, orders, "named", "--horizon-days", "100")
    assert code == 0
    scores = pd.read_csv(out, dtype=str)
    names = tuple(f"next_product_{k}_name" for k in (1, 2, 3))
    assert tuple(scores.columns) == (*COLUMNS, *names)  # automation joins on the codes
    assert scores["next_product_1"].str.startswith("SKU-").all()
    for k in (1, 2, 3):
        codes = scores[f"next_product_{k}"]
        assert codes.str.replace("SKU-", "Product ").equals(scores[f"next_product_{k}_name"])
