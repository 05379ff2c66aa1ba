"""The ledger reconciles; preparing keeps or sets aside every row for one reason."""

from __future__ import annotations

import pytest

from segmentation.errors import DataError
from segmentation.intake import (
    REASON_LABELS,
    Ledger,
    connect,
    load,
    parse_number,
    prepare,
    read_table,
    suggest_mapping,
)

ORDERS = b"""InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice
1,c1,2024-01-02 10:00,2,5.00
1,c1,2024-01-02 10:00,2,5.00
2,,2024-01-03 11:00,1,3.00
3,c2,not a date,1,3.00
4,c2,2024-01-04 12:00,one,3.00
5,c2,2024-01-05 13:00,1,0
C6,c1,2024-01-06 14:00,-1,5.00
7,c3,2024-01-07 15:00,1,2.50,extra
"""


def test_invariant_checked_on_construction() -> None:
    Ledger(read=3, kept=2, set_aside={"no_customer_id": 1})
    with pytest.raises(ValueError, match="reconcile"):
        Ledger(read=3, kept=1, set_aside={"no_customer_id": 1})


def test_to_dict_and_labels() -> None:
    ledger = Ledger(read=5, kept=2, set_aside={"duplicate_line": 1, "no_customer_id": 2, "zero_price": 0})
    assert ledger.to_dict() == {"read": 5, "kept": 2, "set_aside": {"no_customer_id": 2, "duplicate_line": 1}}
    assert Ledger.from_dict(ledger.to_dict()) == ledger
    assert "no customer id: 2" in ledger.summary()
    for key in ("no_customer_id", "unreadable_date", "amount_not_number", "duplicate_line", "zero_price",
                "malformed_line", "duplicate_customer_id"):  # fmt: skip
        assert key in REASON_LABELS


def test_every_row_kept_or_set_aside_once() -> None:
    intake = load(ORDERS, name="orders.csv")
    assert intake.ledger.to_dict() == {
        "read": 8,
        "kept": 3,
        "set_aside": {"malformed_line": 1, "no_customer_id": 1, "unreadable_date": 1, "amount_not_number": 1,
                      "duplicate_line": 1},
    }  # fmt: skip
    rows = intake.con.execute(
        "SELECT order_id, amount, is_return, quantity FROM transactions ORDER BY order_id"
    ).fetchall()
    assert rows == [("1", 10.0, False, 2.0), ("5", 0.0, False, 1.0), ("C6", -5.0, True, -1.0)]
    aside = intake.set_aside_rows()
    assert len(aside) == 5
    assert aside.set_index("line")["reason"].to_dict() == {
        3: "exact duplicate line", 4: "no customer id", 5: "unreadable date", 6: "amount is not a number",
        9: "malformed line",
    }  # fmt: skip
    assert aside.set_index("line").loc[9, "raw_line"].endswith("extra")
    assert len(intake.set_aside_rows(limit=2)) == 2


def test_duplicate_search_leaves_the_thread_setting_as_it_was() -> None:
    con = connect()
    con.execute("SET threads = 1")
    intake = load(ORDERS, name="orders.csv", con=con)
    assert intake.ledger.set_aside["duplicate_line"] == 1
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1


def test_long_cells_are_kept_and_a_line_longer_than_the_buffer_is_set_aside() -> None:
    def orders(note_bytes: int) -> bytes:
        note = b"x" * note_bytes
        return (
            b"customer,date,amount,note\nc1,2024-01-02,10,ok\nc2,2024-01-03,5,"
            + note
            + b"\nc3,2024-01-04,7,ok\n"
        )

    assert load(orders(3_000_000), name="long.csv").ledger.kept == 3  # a 3 MB review is still a row
    intake = load(orders(40_000_000), name="huge.csv")  # over the reader's 32 MiB buffer
    assert intake.ledger.to_dict() == {"read": 3, "kept": 2, "set_aside": {"malformed_line": 1}}
    assert intake.set_aside_rows()["line"].tolist() == [3]


def test_zero_price_can_be_set_aside() -> None:
    raw = read_table(ORDERS, name="orders.csv")
    intake = prepare(raw, suggest_mapping(raw).mapping, drop_zero_price=True)
    assert intake.ledger.set_aside["zero_price"] == 1 and intake.ledger.kept == 2


def test_no_order_id_uses_customer_and_day() -> None:
    intake = load(b"customer,date,amount\na,2024-01-01,5\na,2024-01-01,6\na,2024-01-02,1\n", name="o.csv")
    assert intake.con.execute("SELECT count(DISTINCT order_id) FROM transactions").fetchone()[0] == 2
    assert not intake.has_time
    assert any("one order" in n for n in intake.notes)


def test_all_rows_set_aside_is_a_clear_error() -> None:
    with pytest.raises(DataError, match=r"No row of orders\.csv could be used.*no customer id"):
        load(b"customer,date,amount\n,2024-01-01,5\n,2024-01-02,6\n", name="orders.csv")


def test_customer_duplicates_set_aside() -> None:
    intake = load(
        b"id,gender,loyalty member,interests\n1,F,yes,golf; wine\n1,M,no,x\n,F,no,\n2,M,no,\n", name="c.csv"
    )
    assert intake.ledger.to_dict()["set_aside"] == {"no_customer_id": 1, "duplicate_customer_id": 1}
    frame = intake.customers.set_index("customer_id")
    assert frame.loc["1", "interests"] == "golf|wine" and bool(frame.loc["1", "loyalty_member"])
    assert set(intake.set_aside_rows()["reason"]) == {"no customer id", "duplicate customer id"}


def test_parse_number() -> None:
    assert parse_number("£1,234.50") == 1234.5
    assert parse_number("1.234,5", decimal_comma=True) == 1234.5
    assert parse_number("(3)") == -3.0
    assert parse_number("n/a") != parse_number("n/a")  # NaN


def test_own_columns_typed_like_other_numbers_and_never_set_aside() -> None:
    data = "id;Score;Spend;Plan\nc1;12;1.234,50 €;Gold\nc2;n/a;99,5;Basic\nc3;7;;Gold\n".encode()
    raw = read_table(data, name="c.csv")
    roles = {"id": "customer_id", "Score": "other_number", "Spend": "other_number", "Plan": "other_category"}
    mapping = suggest_mapping(raw).mapping.replace(roles=roles)
    assert mapping.decimal_comma["Spend"]  # decided from the values, as for any number column
    intake = prepare(raw, mapping)
    assert intake.ledger.to_dict() == {"read": 3, "kept": 3, "set_aside": {}}
    frame = intake.customers.set_index("customer_id")
    assert frame["extra_spend"].tolist()[:2] == [1234.5, 99.5] and frame["extra_spend"].isna().iloc[2]
    assert frame["extra_score"].isna().tolist() == [False, True, False]  # a word becomes missing
    assert frame["extra_plan"].tolist() == ["Gold", "Basic", "Gold"]
    assert intake.customers.attrs["labels"] == {
        "extra_score": "Score",
        "extra_spend": "Spend",
        "extra_plan": "Plan",
    }


def test_set_aside_rows_found_again_late_in_the_file_and_none_without_any() -> None:
    body = "".join(f"{i},c{i % 7},2024-01-02,1,2.00\n" for i in range(5000))
    data = (
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n" + body + "9999,,2024-01-03,1,3.00\n"
    ).encode()
    intake = load(data, name="late.csv")
    rows = intake.set_aside_rows(limit=10)
    assert rows[["InvoiceNo", "line", "reason"]].values.tolist() == [["9999", 5002, "no customer id"]]
    clean = load(
        body.join(["InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n", ""]).encode(), name="ok.csv"
    )
    assert clean.set_aside_rows().empty and clean.ledger.n_set_aside == 0
