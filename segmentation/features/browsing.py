"""Per-customer browsing and feedback features from an event log, in DuckDB.

An event log has one row per view, cart addition, favourite, purchase, review or rating, per user,
with a timestamp (canonical columns ``customer_id``, ``timestamp``, ``event_type``, optional
``category``, ``product``, ``price``, ``rating``). One scan counts the events per customer, a
second one over the view events finds the most viewed category; only the per-customer result
reaches pandas, whatever the number of events.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from segmentation.errors import quote_relation
from segmentation.features.order_features import n_customers, relation_columns

#: Canonical event types (``event_type`` holds one of them).
EVENT_TYPES = ("view", "cart", "favourite", "purchase", "review", "rating", "other")
EVENT_REQUIRED = ("customer_id", "timestamp", "event_type")
#: Browsing counts: no event recorded means none happened, so customers absent from the log get 0.
EVENT_COUNTS = ("views", "cart_adds", "favourites", "browsing_purchases", "reviews")
#: Counts left out when the log records no event of their kind, with the words for the note.
_KINDS = {"views": "views", "cart_adds": "cart additions", "favourites": "favourites", "reviews": "reviews"}

__all__ = ["EVENT_COUNTS", "EVENT_REQUIRED", "EVENT_TYPES", "event_columns", "event_features", "last_event"]


def event_columns(con: duckdb.DuckDBPyConnection, events: str) -> set[str]:
    """Columns of the events relation; a plain error when it is missing or lacks a required column."""
    return relation_columns(con, events, EVENT_REQUIRED, "event log")


def last_event(con: duckdb.DuckDBPyConnection, events: str) -> pd.Timestamp | None:
    """Timestamp of the latest event, or None for an empty log."""
    row = con.execute(f"SELECT max(timestamp) FROM {quote_relation(events)}").fetchone()
    return pd.Timestamp(row[0]) if row and row[0] is not None else None


def _count(event_type: str) -> str:
    return f"count(CASE WHEN event_type = '{event_type}' THEN 1 END)"


def _sql(rel: str, cols: set[str], ref: str) -> str:
    """Counts per customer in one scan (``e``); the most viewed category in a second scan of the view
    events only (``fav``). Grouping everything by customer and category at once costs 2-3x more:
    with many categories that grain is nearly as large as the log itself."""
    rated = "event_type IN ('rating', 'review') AND rating IS NOT NULL"
    ratings = f", avg(CASE WHEN {rated} THEN rating END) AS mean_rating" if "rating" in cols else ""
    ctes = [
        f"e AS (SELECT customer_id, {_count('view')} AS v, {_count('cart')} AS c, {_count('favourite')} AS f, "
        f"{_count('purchase')} AS p, {_count('review')} AS rv{ratings}, max(timestamp) AS last_ts "
        f"FROM {rel} WHERE customer_id IS NOT NULL GROUP BY customer_id)"
    ]
    selects = [
        "customer_id",
        "v::DOUBLE AS views",
        "c::DOUBLE AS cart_adds",
        "f::DOUBLE AS favourites",
        "rv::DOUBLE AS reviews",
        f"date_diff('day', last_ts::DATE, {ref})::DOUBLE AS days_since_last_visit",
        "p::DOUBLE AS browsing_purchases",
        # purchases without a logged view (e.g. bought from an e-mail link) must not lift it above 1
        # (CASE, not least/greatest: those skip NULL and would turn "no views" into 1)
        "CASE WHEN v > 0 THEN least(p / v, 1) END::DOUBLE AS view_to_purchase",
        "CASE WHEN c > 0 THEN greatest(1 - p / c, 0) END::DOUBLE AS cart_abandonment",
        *(["mean_rating::DOUBLE AS mean_rating"] if ratings else []),
    ]
    joins = ""
    if "category" in cols:  # most views, ties alphabetical (min over (-views, category))
        ctes.append(
            "fav AS (SELECT customer_id, min({'a': -n, 'b': category}).b AS favourite_browsed_category "
            f"FROM (SELECT customer_id, category, count(*) AS n FROM {rel} WHERE event_type = 'view' "
            "AND category IS NOT NULL AND customer_id IS NOT NULL GROUP BY ALL) GROUP BY customer_id)"
        )
        selects.append("fav.favourite_browsed_category")
        joins = " LEFT JOIN fav USING (customer_id)"
    return f"WITH {', '.join(ctes)} SELECT {', '.join(selects)} FROM e{joins} ORDER BY customer_id"


def event_features(
    con: duckdb.DuckDBPyConnection, events: str, reference_date: pd.Timestamp, notes: list[str]
) -> pd.DataFrame:
    """Aggregate the event log to one row per customer (index ``customer_id``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection holding the events relation.
    events : str
        Name of a table or view with the canonical event columns.
    reference_date : pandas.Timestamp
        Date that days since the last visit are measured to.
    notes : list of str
        Plain-language notes, appended to.

    Returns
    -------
    pandas.DataFrame
        ``views``, ``cart_adds``, ``favourites``, ``reviews`` (counts; each left out when the log
        records no event of its kind), ``days_since_last_visit`` (any event counts as a visit); with purchase events, ``browsing_purchases``,
        ``view_to_purchase`` (purchases / views, at most 1) and ``cart_abandonment``
        (1 - purchases / cart additions, at least 0); with ratings, ``mean_rating`` (over rating and
        review events); with categories, ``favourite_browsed_category`` (most viewed, ties
        alphabetical).
    """
    cols = event_columns(con, events)
    ref = f"DATE '{reference_date:%Y-%m-%d}'"
    frame = con.sql(_sql(quote_relation(events), cols, ref)).to_arrow_table().to_pandas()
    frame = frame.set_index("customer_id")
    frame.index = frame.index.astype("str")
    if not (frame["browsing_purchases"] > 0).any():  # a log of views and carts only: ratios would lie
        frame = frame.drop(columns=["browsing_purchases", "view_to_purchase", "cart_abandonment"])
        notes.append("The event log records no purchases: conversion and cart abandonment left out.")
    # a review log has no views, a click log no reviews: a count that is 0 for all says nothing
    unrecorded = [c for c in _KINDS if not (frame[c] > 0).any()]
    if unrecorded and len(unrecorded) < len(_KINDS):
        frame = frame.drop(columns=unrecorded)
        words = ", ".join(_KINDS[c] for c in unrecorded)
        notes.append(f"The event log records no {words}: left out.")
    if len(frame) and (frame["days_since_last_visit"] < 0).any():
        notes.append(
            "Some visits are dated after the reference date: their days since last visit are negative."
        )
    return frame


def join_events(
    frame: pd.DataFrame, browsing: pd.DataFrame, notes: list[str], *, has_rows: bool, has_orders: bool
) -> pd.DataFrame:
    """Outer-join browsing features to the customers known from orders or a customer file.

    Customers absent from the event log get 0 views, carts and reviews (no event, no visit); with an
    order history, visitors who never bought get 0 orders and 0 spend, as prospects do.
    """
    if not has_rows:
        return browsing
    visitors = int((~browsing.index.isin(frame.index)).sum())
    absent = int((~frame.index.isin(browsing.index)).sum())
    if visitors:
        where = "no orders (only in the event log)" if has_orders else "no row in the customer file"
        notes.append(f"Visitors with {where}: {n_customers(visitors)}.")
    if absent:
        who = "Buyers" if has_orders else "Customers"
        notes.append(
            f"{who} with no event in the event log (their browsing counts are 0): {n_customers(absent)}."
        )
    joined = frame.join(browsing, how="outer")
    filled = (*EVENT_COUNTS, *(("frequency", "monetary", "units", "n_categories") if has_orders else ()))
    for column in filled:
        if column in joined:
            joined[column] = joined[column].fillna(0.0)
    return joined
