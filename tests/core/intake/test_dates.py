"""Date layouts: each is inferred from the values and read by the SQL and the pandas parser alike."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from segmentation.intake import infer_date_format, load
from segmentation.intake.dates import date_sql, layouts_of, parse_dates

# value, layout it is written in, the date it means (oracle written by hand)
CASES = [
    ("2013-02-11", "iso", dt.datetime(2013, 2, 11)),
    ("2013-02-11 14:05:09", "iso", dt.datetime(2013, 2, 11, 14, 5, 9)),
    ("2013-02-11T14:05:09Z", "iso", dt.datetime(2013, 2, 11, 14, 5, 9)),
    ("2013-02-11 14:05:09 UTC", "iso", dt.datetime(2013, 2, 11, 14, 5, 9)),
    ("2013/2/11 14:05", "%Y/%m/%d", dt.datetime(2013, 2, 11, 14, 5)),
    ("13/02/2013", "%d/%m/%Y", dt.datetime(2013, 2, 13)),
    ("02/13/2013", "%m/%d/%Y", dt.datetime(2013, 2, 13)),
    ("13-02-2013", "%d-%m-%Y", dt.datetime(2013, 2, 13)),
    ("13.02.13", "%d.%m.%y", dt.datetime(2013, 2, 13)),
    ("11-Feb-13", "%d-%b-%y", dt.datetime(2013, 2, 11)),
    ("11 February 2013", "%d %B %Y", dt.datetime(2013, 2, 11)),
    ("Feb 11, 2013", "%b %d, %Y", dt.datetime(2013, 2, 11)),
    ("19970101", "%Y%m%d", dt.datetime(1997, 1, 1)),
    ("2010年12月1日", "%Y年%m月%d日", dt.datetime(2010, 12, 1)),
    ("2010年12月01日 08:26", "%Y年%m月%d日", dt.datetime(2010, 12, 1, 8, 26)),
    ("2018-01-01 星期五", "%Y-%m-%d (weekday)", dt.datetime(2018, 1, 1)),
    ("1511544070", "unix_s", dt.datetime(2017, 11, 24, 17, 21, 10)),
    ("1511544070000", "unix_ms", dt.datetime(2017, 11, 24, 17, 21, 10)),
    ("45292", "excel", dt.datetime(2024, 1, 1)),
]


@pytest.mark.parametrize(("value", "fmt", "expected"), CASES, ids=[c[0] for c in CASES])
def test_layout_inferred_and_read(value: str, fmt: str, expected: dt.datetime) -> None:
    assert fmt in layouts_of(value)
    con = duckdb.connect()
    got = con.execute(f"SELECT {date_sql('v', fmt)} FROM (SELECT ? AS v)", [value]).fetchone()
    assert got is not None and got[0] == expected
    assert parse_dates(pd.Series([value]), fmt).iloc[0] == pd.Timestamp(expected)


def test_the_layout_parsing_most_values_wins_and_reports_its_share() -> None:
    values = ["13/02/2013", "14/02/2013", "15/02/2013", "garbage"]
    guess = infer_date_format(values)
    assert guess.format == "%d/%m/%Y" and guess.share == 0.75 and guess.ambiguous == ()


def test_equal_layouts_are_flagged_for_the_user() -> None:
    guess = infer_date_format(["01/02/2013", "03/04/2013"])
    assert guess.format == "%d/%m/%Y" and guess.ambiguous == ("%m/%d/%Y",)


def test_impossible_calendar_dates_parse_under_no_layout() -> None:
    assert layouts_of("2018-02-29") == set() and layouts_of("31/31/2020") == set()


def test_placeholder_and_future_dates_set_aside_with_their_own_reason() -> None:
    data = (
        b"customer,date,amount\na,2024-01-02,5\nb,9999-12-31,6\nc,1900-01-01,7\nd,2024-01-03,8\n"
        b"e,2999-01-01,9\n"
    )
    intake = load(data, name="o.csv")
    assert intake.ledger.to_dict() == {"read": 5, "kept": 2, "set_aside": {"implausible_date": 3}}
    latest = intake.con.execute("SELECT max(ts) FROM transactions").fetchone()
    assert latest is not None and latest[0] == dt.datetime(2024, 1, 3)


def test_month_name_dates_make_an_order_history() -> None:
    data = b"OrderDate,OrderNumber,CustomerKey,OrderQuantity\n13-Oct-16,SO1,7,1\n01-May-16,SO2,7,2\n02-May-16,SO3,8,1\n"
    intake = load(data, name="o.csv")
    assert intake.kind == "transactions" and intake.mapping.date_formats["OrderDate"] == "%d-%b-%y"
    days = intake.con.execute("SELECT ts::DATE::VARCHAR FROM transactions ORDER BY order_id").fetchall()
    assert [d[0] for d in days] == ["2016-10-13", "2016-05-01", "2016-05-02"]
