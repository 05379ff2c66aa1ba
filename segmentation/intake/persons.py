"""One person behind several customer ids, merged by the customer list's ``person_id`` column.

Marketplace exports such as Olist's give every order its own customer id and the person a second
id (``customer_unique_id``). Segmenting by the first would make every order a one-off customer, so
the list's rows of one person become one customer (the first row's details) and the orders of all
their ids count together.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from segmentation.errors import quote_relation
from segmentation.intake.ledger import Intake

_PERSON_OF = "person_of"
_BY_PERSON = "transactions_by_person"


def merge_persons(customers: Intake, orders: Intake | None) -> tuple[Intake, Intake | None]:
    """``customers`` with one row per person and ``orders`` keyed by person (unchanged without a
    ``person_id`` column); the customer list's notes say how many rows were merged."""
    frame = customers.customers
    if frame is None or "person_id" not in frame:
        return customers, orders
    person = frame["person_id"].where(frame["person_id"].notna(), frame["customer_id"]).astype(str)
    merged = frame.drop(columns="person_id").assign(customer_id=person.to_numpy())
    merged = merged.drop_duplicates("customer_id", keep="first").reset_index(drop=True)
    merged.attrs = frame.attrs
    column = customers.mapping.column("person_id")
    note = (
        f"'{column}' names the person behind each customer id: {len(frame):,} rows are "
        f"{len(merged):,} customers (the first row's details; the orders of all their ids count together)."
    )
    customers = dataclasses.replace(customers, customers=merged, notes=(*customers.notes, note))
    if orders is None or orders.transactions is None:
        return customers, orders
    con = orders.con
    con.register("_person_of_df", pd.DataFrame({"customer_id": frame["customer_id"], "person_id": person}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_PERSON_OF} AS SELECT * FROM _person_of_df")
    con.unregister("_person_of_df")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {_BY_PERSON} AS SELECT t.* REPLACE "
        f"(coalesce(p.person_id, t.customer_id) AS customer_id) FROM {quote_relation(orders.transactions)} t "
        f"LEFT JOIN {_PERSON_OF} p ON t.customer_id = p.customer_id"
    )
    return customers, dataclasses.replace(orders, transactions=_BY_PERSON)
