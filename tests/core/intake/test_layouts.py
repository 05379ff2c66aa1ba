"""Reading layouts the corpus lacks, made here: whitespace-aligned and fixed-width text, a title above the header,
no header row, Big5, CRLF with quoted newlines; and the table-kind rules."""

from __future__ import annotations

import pytest

from segmentation.errors import DataError
from segmentation.intake import ReadOptions, detect_encoding, load, read_table, suggest_mapping


def test_whitespace_aligned_transactions() -> None:
    lines = ["00001 19970101   1  11.77", "00002 19970112   1  12.00", "00002 19970112   5  77.00",
             "00003 19970102   2  20.76", "00003 19970330   2  20.76"]  # fmt: skip
    data = ("\r\n".join("  " + ln for ln in lines) + "\r\n").encode()
    intake = load(data, name="cdnow.txt")
    assert intake.raw.separator == "whitespace" and not intake.raw.header
    assert intake.kind == "transactions" and intake.ledger.read == 5
    assert intake.mapping.date_formats[intake.mapping.column("date")] == "%Y%m%d"
    assert intake.n_customers() == 3
    assert any("spaces" in n for n in intake.raw.notes) and any("column_1" in n for n in intake.raw.notes)


FIXED_WIDTH = """\
Customer ID  Name           City          Order date   Amount
C001         John Smith     New York      2024-01-02    12.50
C002         Mary Jones     London        2024-01-03     8.00
C001         John Smith     New York      2024-02-11   120.00
C003         Anna Berg      Hong Kong     2024-01-05    99.90
C004         Paul Lee       Paris         2024-03-01     5.25
"""


def test_fixed_width_columns_whose_cells_hold_spaces_are_read_by_position() -> None:
    intake = load(FIXED_WIDTH.encode(), name="orders.txt")
    raw = intake.raw
    assert raw.columns == ("Customer ID", "Name", "City", "Order date", "Amount")
    # every name has its space at the same position, yet no header word starts there: one column
    assert raw.sample(10)["Name"].tolist() == [
        "John Smith",
        "Mary Jones",
        "John Smith",
        "Anna Berg",
        "Paul Lee",
    ]
    assert raw.sample(10)["City"].tolist() == ["New York", "London", "New York", "Hong Kong", "Paris"]
    assert intake.mapping.roles["Customer ID"] == "customer_id"
    assert intake.mapping.roles["Order date"] == "date" and intake.mapping.roles["Amount"] == "amount"
    assert (intake.ledger.read, intake.ledger.kept, intake.n_customers()) == (5, 5, 4)
    revenue = intake.con.execute("SELECT sum(amount) FROM transactions").fetchone()[0]
    assert revenue == pytest.approx(12.50 + 8.00 + 120.00 + 99.90 + 5.25)
    assert any("by their position" in n for n in raw.notes)


def test_fixed_width_chosen_by_hand_and_tabs_expanded() -> None:
    text = FIXED_WIDTH.replace("Customer ID  ", "Customer ID\t ")
    raw = read_table(text.encode(), name="orders.txt", options=ReadOptions(separator="fixed"))
    assert raw.separator == "whitespace" and raw.columns[1:3] == ("Name", "City")
    assert raw.sample(1)["City"].tolist() == ["New York"]


def test_header_below_a_title_and_blank_lines() -> None:
    data = b"Sales report 2024\n\nexported by ERP\ncustomer,order date,amount\nc1,2024-01-02,5\nc1,2024-02-02,6\n"
    raw = read_table(data, name="report.csv")
    assert raw.columns == ("customer", "order date", "amount") and raw.n_rows == 2
    assert any("line 4" in n for n in raw.notes)


def test_first_line_of_data_is_not_taken_for_a_header() -> None:
    data = b"1,2268318,pv,1511544070\n1,2333346,cart,1511561733\n2,2576651,pv,1511572885\n"
    raw = read_table(data, name="log.csv")
    assert not raw.header and raw.n_rows == 3 and raw.columns[0] == "column_1"
    suggestion = suggest_mapping(raw)
    assert suggestion.mapping.kind == "events"
    assert suggestion.mapping.roles["column_1"] == "customer_id" and "column_1" in suggestion.low_confidence


def test_header_row_given_by_hand() -> None:
    data = b"1,2024-01-02,5\n2,2024-01-03,6\n"
    assert read_table(data, name="x.csv", options=ReadOptions(header_row=1)).columns == (
        "1",
        "2024-01-02",
        "5",
    )
    assert read_table(data, name="x.csv", options=ReadOptions(header_row=0)).n_rows == 2
    with pytest.raises(DataError, match="Unknown encoding"):
        read_table(data, name="x.csv", options=ReadOptions(encoding="klingon"))


def test_big5_next_to_gb18030() -> None:
    text = "訂單編號,訂購日期,會員編號,實付金額\nA1,2024/01/02,M1,100\nA2,2024/01/03,M1,50\n"
    assert detect_encoding(text.encode("big5")) == "big5"
    simplified = "订单编号,下单时间,买家会员名,实付金额\nA1,2024/01/02,张三,100\n"
    assert detect_encoding(simplified.encode("gb18030")) == "gb18030"
    intake = load(text.encode("big5"), name="tw.csv")
    roles = intake.mapping.roles
    assert roles == {
        "訂單編號": "order_id",
        "訂購日期": "date",
        "會員編號": "customer_id",
        "實付金額": "amount",
    }
    assert intake.kind == "transactions" and intake.ledger.kept == 2


def test_crlf_and_quoted_newlines() -> None:
    data = b'customer,date,amount,note\r\nc1,2024-01-02,5,"two\r\nlines"\r\nc2,2024-01-03,6,plain\r\n'
    intake = load(data, name="q.csv")
    assert intake.ledger.to_dict() == {"read": 2, "kept": 2, "set_aside": {}}


@pytest.mark.parametrize(
    ("data", "kind", "why"),
    [
        (
            b"customer,date,item\na,2024-01-01,x\na,2024-01-02,y\nb,2024-01-02,z\n",
            "transactions",
            "ids repeat",
        ),
        (b"order id,customer,date\no1,a,2024-01-01\no2,b,2024-01-02\n", "transactions", "order id"),
        (b"customer,age,city\na,30,Paris\nb,40,Lyon\n", "customers", "unique"),
        (b"user,event_type,time\na,view,2024-01-01\na,cart,2024-01-02\n", "events", "event type"),
        (b"customer,rating,review,date\na,5,great,2024-01-01\nb,1,bad,2024-01-02\n", "events", "review"),
    ],
)
def test_kind_from_the_data(data: bytes, kind: str, why: str) -> None:
    suggestion = suggest_mapping(read_table(data, name="k.csv"))
    assert suggestion.mapping.kind == kind and why in suggestion.why[0]


def test_customer_list_with_precomputed_behaviour() -> None:
    data = (
        b"ID,Year_Birth,Education,Income,Dt_Customer,Recency,MntWines,MntFruits,NumWebPurchases,"
        b"NumStorePurchases,Response\n"
        b"1,1957,Graduation,58138,04-09-2012,58,635,88,8,4,1\n2,1954,PhD,46344,08-03-2014,38,11,1,1,2,0\n"
        b"3,1965,Master,71613,21-08-2013,26,426,49,8,10,0\n"
    )
    intake = load(data, name="marketing.csv")
    assert intake.kind == "customers"
    frame = intake.customers.set_index("customer_id")
    assert str(frame["birth_year"].dtype) == "Int64" and frame.loc["1", "birth_year"] == 1957
    assert frame.loc["3", "signup_date"].strftime("%Y-%m-%d") == "2013-08-21"
    assert frame.loc["2", "recency_days"] == 38.0 and frame["campaign_response"].tolist() == [1.0, 0.0, 0.0]
    assert (
        frame.loc["1", "category_spend:MntWines"] == 635.0
        and frame.loc["3", "channel_orders:NumStorePurchases"] == 10.0
    )


def test_event_log_canonical_relation() -> None:
    data = b"user_id,item_id,behavior_type,timestamp,price\nu1,i1,pv,1511544070,3.5\nu1,i1,buy,1511544090,3.5\nu2,i2,fav,1511544100,\n"
    intake = load(data, name="events.csv")
    assert intake.kind == "events" and intake.events == "events"
    rows = intake.con.execute(
        "SELECT customer_id, event_type, price FROM events ORDER BY timestamp"
    ).fetchall()
    assert rows == [("u1", "view", 3.5), ("u1", "purchase", 3.5), ("u2", "favourite", None)]


def test_discount_rate_becomes_an_amount() -> None:
    data = b"customer,date,sales,discount\na,2024-01-01,80,0.2\na,2024-01-02,50,0\n"
    intake = load(data, name="o.csv")
    got = intake.con.execute("SELECT discount FROM transactions ORDER BY ts").fetchall()
    assert [g[0] for g in got] == [16.0, 0.0]


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (  # Taobao / Tmall seller export
            "订单编号,买家会员名,下单时间,付款时间,实付金额,商品数量,收货地址",
            "1001,tb_ann,2024-01-02 10:00:00,2024-01-02 10:05:00,99.5,2,浙江省",
            {"订单编号": "order_id", "买家会员名": "customer_id", "下单时间": "date", "实付金额": "amount",
             "商品数量": "quantity", "收货地址": "region"},
        ),
        (  # Shopify orders export
            "Name,Email,Created at,Total,Lineitem quantity,Lineitem price,Billing Country",
            "#1001,ann@shop.com,2024-01-02 10:00:00 +0100,20.00,2,10.00,FR",
            {"Email": "email", "Created at": "date", "Total": "amount", "Lineitem quantity": "quantity",
             "Lineitem price": "unit_price", "Billing Country": "country"},
        ),
        (  # Traditional Chinese shop export
            "訂單編號,訂購日期,會員編號,實付金額",
            "A1,2024/01/02,M1,100",
            {"訂單編號": "order_id", "訂購日期": "date", "會員編號": "customer_id", "實付金額": "amount"},
        ),
    ],
)  # fmt: skip
def test_shop_export_headers(header: str, row: str, expected: dict[str, str]) -> None:
    data = (header + "\n" + row + "\n" + row.replace("1", "2", 1) + "\n").encode()
    roles = suggest_mapping(read_table(data, name="export.csv")).mapping.roles
    assert {c: roles[c] for c in expected} == expected
