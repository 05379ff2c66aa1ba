"""Files plus confirmed column roles -> one customer table, with a report per file.

The single path every entry point takes (app, command line, recipe, benchmarks): read each file,
prepare it with its mapping (ledger), join transactions and customer attributes, build features and,
where the history allows, predicted value and risk over a horizon and the next products to offer.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.errors import DataError, quote_relation
from segmentation.features import (
    build_customer_table,
    default_horizon,
    history_span,
    next_products,
    predict_value,
    with_predictions,
)
from segmentation.intake import (
    Intake,
    Ledger,
    Mapping,
    RawTable,
    ReadOptions,
    Suggestion,
    connect,
    load,
    merge_persons,
    read_table,
    suggest_mapping,
)

#: Set-aside rows kept for download per file; the ledger still counts every one of them.
SET_ASIDE_LIMIT = 100_000


@dataclass(frozen=True)
class SourceFile:
    """An uploaded or local file: its name (for format detection), its bytes or path, the sheet."""

    name: str
    data: bytes | Path
    sheet: str | None = None
    options: ReadOptions | None = None

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        if isinstance(self.data, bytes):
            digest.update(self.data)
        else:
            with open(self.data, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        digest.update(f"{self.name}|{self.sheet}|{self.options}".encode())
        return digest.hexdigest()[:16]


@dataclass(frozen=True)
class FileReport:
    """What happened to one file: format, roles used, and the ledger of its rows."""

    name: str
    kind: str
    format: str
    encoding: str | None
    separator: str | None
    mapping: Mapping
    ledger: Ledger
    notes: tuple[str, ...]
    intake: Intake = field(repr=False, compare=False)

    def set_aside_rows(self, limit: int = SET_ASIDE_LIMIT) -> pd.DataFrame:
        """The first ``limit`` set-aside rows as in the file, with the reason: read only when asked for."""
        return self.intake.set_aside_rows(limit=limit)


@dataclass(frozen=True)
class Dataset:
    """The customer table and how it was made. ``transactions`` names the canonical table in ``con``."""

    table: CustomerTable
    files: tuple[FileReport, ...]
    fingerprint: str
    con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False, compare=False)
    transactions: str | None = None
    notes: tuple[str, ...] = ()
    events: str | None = None
    #: Days ahead the predicted columns look (None: no prediction was made).
    horizon_days: int | None = None
    #: Product code -> name, when the order history names its products (the table's next products
    #: are shown by name; suggestions are made on codes).
    product_names: pd.Series | None = field(default=None, repr=False, compare=False)

    @property
    def has_time(self) -> bool:
        """Whether the order history's timestamps carry a time of day (not dates only)."""
        return any(f.kind == "transactions" and f.intake.has_time for f in self.files)

    @property
    def mappings(self) -> dict[str, dict]:
        return {f.kind: f.mapping.to_dict() for f in self.files}


def suggest(source: SourceFile) -> tuple[RawTable, Suggestion]:
    """Read a file and propose its column roles (the Data page shows them for confirmation)."""
    raw = read_table(source.data, name=source.name, sheet=source.sheet, options=source.options)
    return raw, suggest_mapping(raw)


def load_dataset(
    sources: Sequence[SourceFile],
    mappings: dict[str, Mapping] | None = None,
    *,
    reference_date: pd.Timestamp | None = None,
    predictions: bool = True,
    horizon_days: int | None = None,
) -> Dataset:
    """Read, prepare and join up to one transaction log, one customer table and one event log.

    ``mappings`` maps a file name to its confirmed mapping; files without one use the suggestion.
    With ``predictions``, an order history adds predicted value and risk over ``horizon_days``
    (default: a third of the history, at most a year) and the next products to offer.
    Raises ``io.DataError`` with a plain message when the files cannot make a customer table.
    """
    if not sources:
        raise DataError(
            "No file was given. Upload an order history or a customer list, or use the sample store."
        )
    con = connect()
    intakes: dict[str, Intake] = {}
    file_names: dict[str, str] = {}
    for source in sources:
        mapping = (mappings or {}).get(source.name)
        intake = load(
            source.data,
            name=source.name,
            sheet=source.sheet,
            mapping=mapping,
            con=con,
            options=source.options,
        )
        if intake.kind in intakes:
            raise DataError(
                f"Two files look like {_KIND_WORDS[intake.kind]} ('{intakes[intake.kind].name}' and "
                f"'{source.name}'). Combine them into one file, or correct the table type of one of them."
            )
        intakes[intake.kind], file_names[intake.kind] = intake, source.name
    if "customers" in intakes:  # several customer ids of one person become one customer
        intakes["customers"], orders_by_person = merge_persons(
            intakes["customers"], intakes.get("transactions")
        )
        if orders_by_person is not None:
            intakes["transactions"] = orders_by_person
    reports = [_report(file_names[kind], intake) for kind, intake in intakes.items()]

    orders, customers, events = (intakes.get(k) for k in ("transactions", "customers", "events"))
    table = build_customer_table(
        con,
        orders.transactions if orders else None,
        customers.customers if customers else None,
        has_time=orders.has_time if orders else False,
        reference_date=reference_date,
        events=events.events if events else None,
    )
    notes: list[str] = []
    horizon = None
    names = orders.product_names if orders else None
    if predictions and orders is not None and orders.transactions is not None:
        table, horizon, note = _with_predictions(con, orders.transactions, table, horizon_days, names)
        notes.append(note)
    fingerprint = hashlib.sha256(
        "|".join(
            f"{s.fingerprint}:{r.mapping.to_dict()}" for s, r in zip(sources, reports, strict=True)
        ).encode()
    ).hexdigest()[:16]
    return Dataset(
        table=table,
        files=tuple(reports),
        fingerprint=fingerprint,
        con=con,
        transactions=orders.transactions if orders else None,
        notes=tuple(notes),
        events=events.events if events else None,
        horizon_days=horizon,
        product_names=names,
    )


def without_orders(dataset: Dataset, need: str) -> str:
    """Why ``need`` cannot be met without an order history, in the words of what was loaded."""
    what = (
        "an event log's views and carts are not orders"
        if dataset.events
        else "a customer list has no order dates"
    )
    return f"{need} an order history (a date per order); {what}. Upload the shop's order export too."


def as_of(dataset: Dataset, date: pd.Timestamp | str, *, predictions: bool = True) -> Dataset:
    """The dataset as it stood on ``date``: only orders before that day, measured to that day.

    Used to compare the segments of two moments of one order history. Customers of a customer list
    without an order before ``date`` keep their attributes (and no order features) if they had signed
    up by then, or if the list gives no sign-up date and they never ordered; the others were not
    customers yet, so they count as new at a later date.
    """
    if dataset.con is None or dataset.transactions is None:
        raise DataError(without_orders(dataset, "Comparing two dates needs"))
    day = pd.Timestamp(date).normalize()
    view = f"tx_as_of_{day:%Y%m%d}"
    dataset.con.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {quote_relation(dataset.transactions)} "
        f"WHERE ts < DATE '{day:%Y-%m-%d}'"
    )
    row = dataset.con.execute(f"SELECT count(*) FROM {view}").fetchone()
    if not row or not row[0]:
        raise DataError(f"No order is dated before {day:%Y-%m-%d}; choose a later date.")
    orders = next(f.intake for f in dataset.files if f.kind == "transactions")
    customers = next((f.intake.customers for f in dataset.files if f.kind == "customers"), None)
    if customers is not None:
        customers = _known_by(customers, dataset.con, view, dataset.transactions, day)
    table = build_customer_table(dataset.con, view, customers, has_time=orders.has_time, reference_date=day)
    notes, horizon = [], None
    if predictions:
        table, horizon, note = _with_predictions(
            dataset.con, view, table, dataset.horizon_days, dataset.product_names
        )
        notes.append(note)
    return Dataset(
        table=table,
        files=dataset.files,
        fingerprint=f"{dataset.fingerprint}@{day:%Y%m%d}",
        con=dataset.con,
        transactions=view,
        notes=tuple(notes),
        horizon_days=horizon,
        product_names=dataset.product_names,
    )


#: Horizons offered besides the default (days); each must fit the history twice (see ``horizons``).
HORIZONS = (30, 60, 90, 120, 180, 270, 365, 545, 730)


def horizons(dataset: Dataset) -> list[int]:
    """The horizons the order history can test: the backtest cuts one horizon before the last order
    and needs at least as long a history before the cut, so at most half the history (offered too)."""
    if dataset.con is None or dataset.transactions is None:
        return []
    start, end = history_span(dataset.con, dataset.transactions)
    longest = (end - start).days // 2
    current = [dataset.horizon_days] if dataset.horizon_days else []
    return sorted({h for h in HORIZONS if h < longest} | {longest, *current}) if longest else []


def with_horizon(dataset: Dataset, horizon_days: int) -> Dataset:
    """The same dataset with predicted value and risk looking ``horizon_days`` ahead (same customers,
    every other column unchanged). ``DataError`` when the history cannot predict that far."""
    if dataset.con is None or dataset.transactions is None:
        raise DataError(without_orders(dataset, "Predictions need"))
    if horizon_days == dataset.horizon_days:
        return dataset
    longest = max(horizons(dataset), default=0)
    if horizon_days > longest:
        raise DataError(
            f"No prediction {horizon_days} days ahead: your orders cover {2 * longest} days, and a prediction "
            f"can be tested on them up to half of that. Choose at most {longest} days."
        )
    try:
        prediction = predict_value(dataset.con, dataset.transactions, horizon_days=int(horizon_days))
    except ValueError as exc:
        raise DataError(f"No prediction {horizon_days} days ahead: {exc}") from exc
    note = f"Predicted value and risk look {horizon_days} days ahead. {prediction.summary()}"
    base = dataset.fingerprint.split("~")[0]  # "~" marks a horizon other than the loaded one
    return dataclasses.replace(
        dataset,
        table=with_predictions(dataset.table, prediction),
        fingerprint=f"{base}~{int(horizon_days)}d",
        notes=(*(n for n in dataset.notes if not n.startswith("Predicted value")), note),
        horizon_days=int(horizon_days),
    )


def _known_by(
    customers: pd.DataFrame, con: duckdb.DuckDBPyConnection, before: str, every: str, day: pd.Timestamp
) -> pd.DataFrame:
    """The customer list's rows that were customers before ``day``: ordered before it (``before``
    holds those orders), signed up before it, or with no sign-up date and no order at all."""

    def buyers(relation: str) -> pd.Index:
        ids = con.execute(f"SELECT DISTINCT customer_id FROM {quote_relation(relation)}").df()["customer_id"]
        return pd.Index(ids.astype(str))

    ids = customers["customer_id"].astype(str)
    signup = (
        pd.to_datetime(customers["signup_date"], errors="coerce")
        if "signup_date" in customers
        else pd.Series(pd.NaT, index=customers.index)
    )
    if getattr(signup.dt, "tz", None) is not None:
        signup = signup.dt.tz_localize(None)
    undated_prospect = signup.isna() & ~ids.isin(buyers(every))
    keep = ids.isin(buyers(before)) | (signup < day) | undated_prospect
    return customers[keep.to_numpy()]


_KIND_WORDS = {"transactions": "order histories", "customers": "customer lists", "events": "event logs"}


def _report(name: str, intake: Intake) -> FileReport:
    return FileReport(
        name=name,
        kind=intake.kind,
        format=intake.raw.format,
        encoding=intake.raw.encoding,
        separator=intake.raw.separator,
        mapping=intake.mapping,
        ledger=intake.ledger,
        notes=tuple(intake.notes),
        intake=intake,
    )


def _with_predictions(
    con: duckdb.DuckDBPyConnection,
    transactions: str,
    table: CustomerTable,
    horizon_days: int | None,
    names: pd.Series | None = None,
) -> tuple[CustomerTable, int | None, str]:
    """The table with predicted value, risk and next products (by name, when ``names`` are known),
    the horizon, and a note on how far to trust them (or why they were left out: the history is too thin)."""
    offers = next_products(con, transactions, names=names)
    try:
        horizon = int(horizon_days or default_horizon(con, transactions))
        prediction = predict_value(con, transactions, horizon_days=horizon)
    except ValueError as exc:  # too little history: say so, segment without predicted value
        return with_predictions(table, None, offers), None, f"Predicted value left out: {exc}"
    note = f"Predicted value and risk look {horizon} days ahead. {prediction.summary()}"
    return with_predictions(table, prediction, offers), horizon, note
