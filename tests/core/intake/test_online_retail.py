"""The real UCI online-retail file reconciles, and rewritten variants give the same customers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from segmentation.intake import load

pytestmark = pytest.mark.slow

CHINESE = {
    "InvoiceNo": "订单号",
    "StockCode": "商品编码",
    "Description": "商品名称",
    "Quantity": "数量",
    "InvoiceDate": "订单日期",
    "UnitPrice": "单价",
    "CustomerID": "客户ID",
    "Country": "国家",
}


def per_customer(intake) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return (
        intake.con.execute(
            f"""SELECT customer_id, sum(amount) AS revenue, count(DISTINCT order_id) AS orders,
                   min(ts) AS first, max(ts) AS last, count(*) AS lines
            FROM {intake.transactions} GROUP BY customer_id ORDER BY customer_id"""
        )
        .df()
        .set_index("customer_id")
    )


def assert_same_customers(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.index) == list(want.index)
    assert np.allclose(got["revenue"], want["revenue"], rtol=1e-9, atol=1e-6)
    for column in ("orders", "first", "last", "lines"):
        assert (got[column].to_numpy() == want[column].to_numpy()).all(), column


def _text(src: Path, out: Path, select: str, *, sep: str, encoding: str, limit: str = "") -> Path:
    """Rewrite the file with DuckDB, then re-encode it (streaming) into the wanted encoding."""
    utf8 = out.with_suffix(".utf8")
    duckdb.execute(
        f"""COPY (SELECT {select} FROM read_csv('{src}', all_varchar=true) {limit})
            TO '{utf8}' (HEADER, DELIMITER '{sep}')"""
    )
    with open(utf8, encoding="utf-8") as fin, open(out, "w", encoding=encoding, errors="replace") as fout:
        for line in fin:
            fout.write(line)
    utf8.unlink()
    return out


@pytest.fixture(scope="module")
def baseline(online_retail_path: Path):  # type: ignore[no-untyped-def]
    return load(online_retail_path)


def test_real_file_reconciles(baseline) -> None:  # type: ignore[no-untyped-def]
    ledger = baseline.ledger
    assert ledger.read == 541_909
    assert ledger.set_aside["no_customer_id"] == 135_080
    assert ledger.kept + sum(ledger.set_aside.values()) == ledger.read
    customers = baseline.con.execute("SELECT count(DISTINCT customer_id) FROM transactions").fetchone()[0]
    assert customers == 4_372
    assert baseline.kind == "transactions" and baseline.has_time


def test_returns_are_kept_as_negative_revenue(baseline) -> None:  # type: ignore[no-untyped-def]
    bad = baseline.con.execute(
        """SELECT count(*) FILTER (WHERE order_id LIKE 'C%' AND NOT is_return),
                  count(*) FILTER (WHERE is_return AND amount > 0),
                  count(*) FILTER (WHERE is_return)
           FROM transactions"""
    ).fetchone()
    assert bad[0] == 0 and bad[1] == 0 and bad[2] > 8_000


def test_duplicates_are_set_aside_but_first_kept(baseline) -> None:  # type: ignore[no-untyped-def]
    # 5,268 duplicate lines in the whole file; some of them have no customer id and count there.
    assert 0 < baseline.ledger.set_aside["duplicate_line"] <= 5_268
    rows = baseline.set_aside_rows(limit=50)
    assert {"line", "reason", "InvoiceNo"} <= set(rows.columns)
    assert set(rows["reason"]) <= {"no customer id", "exact duplicate line"}


def test_latin1_semicolon_month_first(tmp_path_factory, online_retail_path: Path, baseline) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("variants") / "retail_mdy.csv"
    select = """InvoiceNo, StockCode, Description, Quantity,
        strftime(InvoiceDate::TIMESTAMP, '%-m/%-d/%Y %-H:%M') AS InvoiceDate,
        replace(UnitPrice, '.', ',') AS UnitPrice, CustomerID,
        CASE WHEN Country = 'Spain' THEN 'España' ELSE Country END AS Country"""
    path = _text(online_retail_path, out, select, sep=";", encoding="latin-1")
    intake = load(path)
    assert (intake.raw.separator, intake.raw.encoding) == (";", "cp1252")
    assert intake.mapping.date_formats["InvoiceDate"] == "%m/%d/%Y"
    assert intake.mapping.decimal_comma["UnitPrice"]
    assert_same_customers(per_customer(intake), per_customer(baseline))


def test_cp1252_day_first_currency(tmp_path_factory, online_retail_path: Path, baseline) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("variants") / "retail_dmy.csv"
    select = """InvoiceNo, StockCode, Description, Quantity,
        strftime(InvoiceDate::TIMESTAMP, '%d/%m/%Y %H:%M') AS InvoiceDate,
        '£' || UnitPrice AS UnitPrice, CustomerID, Country"""
    intake = load(_text(online_retail_path, out, select, sep=",", encoding="cp1252"))
    assert intake.raw.encoding == "cp1252"
    assert intake.mapping.date_formats["InvoiceDate"] == "%d/%m/%Y"
    assert_same_customers(per_customer(intake), per_customer(baseline))


def test_gb18030_chinese_headers(tmp_path_factory, online_retail_path: Path, baseline) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("variants") / "retail_zh.tsv"
    select = ", ".join(f'"{en}" AS "{zh}"' for en, zh in CHINESE.items())
    intake = load(_text(online_retail_path, out, select, sep="\t", encoding="gb18030"))
    assert (intake.raw.separator, intake.raw.encoding) == ("\t", "gb18030")
    roles = intake.mapping.roles
    assert roles["客户ID"] == "customer_id" and roles["订单日期"] == "date" and roles["单价"] == "unit_price"
    assert intake.ledger.set_aside["no_customer_id"] == 135_080
    assert_same_customers(per_customer(intake), per_customer(baseline))


def test_xlsx_subset_matches_csv_subset(tmp_path_factory, online_retail_path: Path) -> None:
    folder = tmp_path_factory.mktemp("xlsx")
    csv_path = _text(
        online_retail_path, folder / "subset.csv", "*", sep=",", encoding="utf-8", limit="LIMIT 30000"
    )
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    book = xlsxwriter.Workbook(folder / "subset.xlsx")
    book.add_worksheet("Notes").write(0, 0, "exported by the shop")
    sheet = book.add_worksheet("Orders")
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, list(frame.columns))
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            if j == 4:
                sheet.write_datetime(i, j, dt.datetime.fromisoformat(value), date_format)
            elif j in (3, 5, 6) and value:
                sheet.write_number(i, j, float(value))
            elif value:
                sheet.write_string(i, j, value)
    book.close()
    from_xlsx = load(folder / "subset.xlsx", sheet="Orders")
    assert from_xlsx.raw.sheets == ("Notes", "Orders") and from_xlsx.raw.format == "xlsx"
    assert_same_customers(per_customer(from_xlsx), per_customer(load(csv_path)))
