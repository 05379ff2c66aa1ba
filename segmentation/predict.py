"""``python -m segmentation predict``: each customer's predicted orders, spend, chance of leaving, next
order date and next products, from the orders up to a date, with the backtest figures beside them.

Everything is computed on a view of the orders up to ``--as-of`` (``dataset.as_of``): nothing after
that day can reach the scores or the backtest. Heavy imports wait until the command runs, so the
command line starts fast.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HELP = "Predict each customer's orders, spend, chance of leaving and next products from orders up to a date."
COLUMNS = ("customer_id", "expected_purchases", "predicted_spend", "churn_probability", "next_order_date",
           "next_product_1", "next_product_2", "next_product_3")  # fmt: skip


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", type=Path, nargs="+", help="the order history (and a customer list)")
    parser.add_argument(
        "--as-of", required=True, metavar="DATE", help="last day of orders to use (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--horizon-days", type=int, default=None, metavar="N",
        help="days ahead to predict (default: a third of the history up to --as-of, at most a year)",
    )  # fmt: skip
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV to write, one row per customer")


def run(args: argparse.Namespace) -> int:
    from segmentation.dataset import SourceFile
    from segmentation.outputs import to_csv_bytes

    sources = [SourceFile(path.name, path) for path in args.files]
    scores, figures = predict_customers(sources, as_of=args.as_of, horizon_days=args.horizon_days)
    args.output.write_bytes(to_csv_bytes(scores))
    print(json.dumps(figures, indent=2), file=sys.stderr)
    return 0


def predict_customers(
    sources: Sequence[Any], *, as_of: str, horizon_days: int | None = None, random_state: int = 0
) -> tuple[Any, dict[str, Any]]:
    """Scores (:data:`COLUMNS`, one row per customer with an order up to ``as_of``, then
    ``next_product_1_name..`` when the orders name their products) and the backtest figures on the
    same orders. Raises ``ValueError`` with a plain message when the history is thin."""
    import pandas as pd

    from segmentation import features
    from segmentation.dataset import as_of as dataset_as_of
    from segmentation.dataset import load_dataset
    from segmentation.errors import DataError

    day = pd.Timestamp(as_of).normalize()
    end = day + pd.Timedelta(days=1)  # the as-of day's orders count
    past = dataset_as_of(load_dataset(sources, predictions=False), end, predictions=False)
    if past.con is None or past.transactions is None:  # as_of raises first; this narrows the types
        raise DataError("Predictions need an order history; a customer list alone has no dates.")
    con, orders = past.con, past.transactions
    horizon = int(horizon_days or features.default_horizon(con, orders))
    prediction = features.predict_value(
        con, orders, horizon_days=horizon, cutoff=end, random_state=random_state
    )
    scores = prediction.scores
    picks = features.next_products(con, orders)
    if picks is not None:
        scores = scores.join(picks[0])
    scores = scores.reindex(columns=list(COLUMNS[1:]))
    if picks is not None and past.product_names is not None:  # automation joins on codes; people read names
        scores = scores.join(features.named_products(picks[0], past.product_names).add_suffix("_name"))
    scores = scores.rename_axis("customer_id").reset_index()
    scores["next_order_date"] = scores["next_order_date"].dt.strftime("%Y-%m-%d")
    return scores, _figures(con, orders, day, horizon, prediction.summary(), random_state)


def _figures(con: Any, orders: str, day: Any, horizon: int, note: str, random_state: int) -> dict[str, Any]:
    """The value and next-product backtests over the ``horizon`` days up to the as-of ``day``."""
    import pandas as pd

    from segmentation import features

    end = day + pd.Timedelta(days=1)
    backtest = features.backtest_value(
        con, orders, horizon_days=horizon, reference=end, random_state=random_state
    )
    figures: dict[str, Any] = {
        "as_of": f"{day:%Y-%m-%d}",
        "horizon_days": horizon,
        "prediction": note,
        "backtest": {
            "cutoff": f"{backtest.cutoff:%Y-%m-%d}",
            "customers": backtest.customers,
            "buyers": backtest.buyers,
            "grade": backtest.by_name("ours").grade,
            "notes": list(backtest.notes),
            "models": _finite(backtest.table().to_dict(orient="index")),
        },
    }
    try:
        offers = features.backtest_next_product(con, orders, horizon_days=horizon, reference=end)
    except ValueError as exc:  # orders name no product or category
        figures["next_product"] = {"left_out": str(exc)}
    else:
        figures["next_product"] = {
            "item": offers.item,
            "customers": offers.customers,
            f"hit_rate_at_{offers.n}": offers.hit_rate,
            f"popularity_hit_rate_at_{offers.n}": offers.popularity_hit_rate,
        }
    return _finite(figures)


def _finite(value: Any) -> Any:
    """JSON has no NaN: undefined figures (a constant prediction's correlation) become null."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value
