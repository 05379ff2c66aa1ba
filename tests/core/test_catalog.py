"""The customer table's own helpers: labels and how many customers a set of facts covers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable, Feature


def test_n_known_counts_customers_with_at_least_one_of_the_facts() -> None:
    frame = pd.DataFrame(
        {"age": [30, np.nan, np.nan, 41], "income": [np.nan, 50.0, np.nan, 60.0], "city": [None] * 4},
        index=pd.Index(["a", "b", "c", "d"], name="customer_id"),
    )
    table = CustomerTable(frame, (Feature("age", "demographic", "Age"),))
    assert table.n_known(["age"]) == 2
    assert table.n_known(["age", "income"]) == 3  # b has only income; c has neither
    assert table.n_known(("city",)) == 0
    assert table.labels() == {"age": "Age"}
