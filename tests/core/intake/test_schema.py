"""Column roles from headers and values, dates, numbers, the Mapping and its validation."""

from __future__ import annotations

import json

import pytest

from segmentation.errors import DataError
from segmentation.intake import (
    Mapping,
    analyse_dates,
    analyse_decimal_comma,
    load,
    read_table,
    role_from_header,
    suggest_mapping,
    validate_mapping,
)


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("CustomerID", "customer_id"), ("Customer ID", "customer_id"), ("客户ID", "customer_id"),
        ("客戶編號", "customer_id"), ("会员号", "customer_id"), ("订单号", "order_id"),
        ("InvoiceNo", "order_id"), ("订单日期", "date"), ("下单时间", "date"), ("金额", "amount"),
        ("实付金额", "amount"), ("数量", "quantity"), ("单价", "unit_price"), ("商品名称", "product_name"), ("商品编码", "product"),
        ("品类", "category"), ("渠道", "channel"), ("国家", "country"), ("省份", "region"), ("城市", "city"),
        ("邮编", "postcode"), ("邮箱", "email"), ("手机", "phone"), ("姓名", "first_name"),
        ("出生日期", "birth_date"), ("年龄", "age"), ("性别", "gender"), ("Genre", "gender"), ("收入", "income"),
        ("学历", "education"), ("职业", "occupation"), ("婚姻状况", "marital_status"), ("兴趣", "interests"),
        ("注册日期", "signup_date"), ("会员", "loyalty_member"), ("积分", "loyalty_points"), ("评分", "rating"),
        ("NPS", "nps"), ("评价", "review"), ("营销同意", "consent"), ("Annual Income (k$)", "income"),
        ("E-mail", "email"), ("Order Date", "date"),
    ],
)  # fmt: skip
def test_header_synonyms(header: str, role: str) -> None:
    hit = role_from_header(header)
    assert hit is not None and hit[0] == role


def test_unknown_header_has_no_role() -> None:
    assert role_from_header("Favourite colour") is None


@pytest.mark.parametrize(
    ("values", "fmt", "ambiguous"),
    [
        (["2024-01-02", "2024-12-31 10:00"], "iso", False),
        (["13/01/2024", "02/03/2024"], "%d/%m/%Y", False),
        (["01/13/2024 8:00", "3/2/2024"], "%m/%d/%Y", False),
        (["01.02.24", "03.04.24"], "%d.%m.%y", True),
        (["45292", "45300.5"], "excel", False),
    ],
)
def test_date_formats(values: list[str], fmt: str, ambiguous: bool) -> None:
    assert analyse_dates(values) == (fmt, ambiguous)


@pytest.mark.parametrize(
    ("values", "comma"),
    [
        (["1,5", "2,25"], True),
        (["1.234,50", "3,10"], True),
        (["1,234", "12,000.50"], False),
        (["2.55", "3"], False),
    ],
)
def test_decimal_comma(values: list[str], comma: bool) -> None:
    assert analyse_decimal_comma(values) is comma


def test_values_reveal_email_phone_and_dates() -> None:
    raw = read_table(
        b"a,b,c,d\nx1,ann@shop.com,+44 20 7946 0958,2024-01-02\nx2,bob@shop.co.uk,020 7946 0000,2024-02-03\n"
        b"x3,cy@mail.cn,+86 138 0000 0000,2024-03-04\n",
        name="c.csv",
    )
    roles = suggest_mapping(raw).mapping.roles
    assert roles["b"] == "email" and roles["c"] == "phone"


def test_kind_detection_and_ambiguous_dates_reported() -> None:
    data = '客户ID,下单时间,实付金额\nc1,01/02/2024,"￥1,200.50"\nc2,03/04/2024,¥30\n'.encode("gb18030")
    suggestion = suggest_mapping(read_table(data, name="o.csv"))
    assert suggestion.mapping.kind == "transactions"
    assert suggestion.ambiguous == ("下单时间",) and any("day" in n for n in suggestion.notes)
    intake = load(data, name="o.csv")
    rows = intake.con.execute(
        "SELECT customer_id, amount, ts::DATE::VARCHAR FROM transactions ORDER BY 1"
    ).fetchall()
    assert rows == [("c1", 1200.5, "2024-02-01"), ("c2", 30.0, "2024-04-03")]


def test_excel_serial_dates_and_currency_signs() -> None:
    data = b"customer;date;amount\nc1;45292;\xe2\x82\xac 1.234,50\nc2;45293,5;\xe2\x82\xac 2,00\nc3;45294;3\n"
    intake = load(data, name="o.csv")
    assert intake.mapping.date_formats["date"] == "excel" and intake.mapping.decimal_comma["amount"]
    rows = intake.con.execute("SELECT amount, ts::VARCHAR FROM transactions ORDER BY customer_id").fetchall()
    assert rows[0] == (1234.5, "2024-01-01 00:00:00")
    assert rows[1][0] == 2.0


def test_mapping_round_trips_through_json() -> None:
    m = Mapping("transactions", {"a": "customer_id", "b": "date"}, {"b": "%d/%m/%Y"}, {"c": True})
    assert Mapping.from_dict(json.loads(json.dumps(m.to_dict()))) == m
    assert m.column("date") == "b" and m.column("amount") is None


def test_transactions_without_customer_id_are_refused() -> None:
    with pytest.raises(DataError, match="no column holds the customer id"):
        load(b"order date,amount\n2024-01-01,5\n2024-01-02,6\n", name="o.csv")
    m = Mapping("transactions", {"d": "date", "a": "amount"})
    with pytest.raises(DataError, match="customer id"):
        validate_mapping(m, ["d", "a"])


@pytest.mark.parametrize(
    ("mapping", "words"),
    [
        (Mapping("transactions", {"x": "customer_id"}), "not in the file"),
        (Mapping("transactions", {"a": "customer_id", "b": "customer_id"}), "used twice"),
        (Mapping("transactions", {"a": "customer_id"}), "no order date"),
        (Mapping("events", {"b": "date"}), "looks like an event log"),
        (Mapping("customers", {"a": "shoe_size"}), "Unknown"),
    ],
)
def test_invalid_mappings(mapping: Mapping, words: str) -> None:
    with pytest.raises(DataError, match=words):
        validate_mapping(mapping, ["a", "b"])


def test_customer_table_without_id_gets_row_numbers(shared_data) -> None:  # type: ignore[no-untyped-def]
    intake = load(b"Gender,Age,Email\nF,31,a@b.com\nM,45,c@d.org\n", name="people.csv")
    assert intake.kind == "customers"
    assert intake.customers["customer_id"].tolist() == ["1", "2"]
    assert intake.customers["age"].tolist() == [31.0, 45.0]
    assert any("numbered" in n for n in intake.notes)
    mall = load(shared_data / "mall_customers.csv")
    assert mall.kind == "customers" and len(mall.customers) == 200
    assert {"gender", "age", "income"} <= set(mall.customers.columns)


def test_own_columns_become_criteria_and_phone_needs_phone_values(shared_data) -> None:  # type: ignore[no-untyped-def]
    roles = suggest_mapping(read_table(shared_data / "telco_churn.csv")).mapping.roles
    assert roles["customerID"] == "customer_id"
    assert "phone" not in roles.values()  # "PhoneService" holds Yes/No
    assert roles["PhoneService"] == roles["Contract"] == roles["Churn"] == "other_category"
    assert roles["MonthlyCharges"] == roles["tenure"] == roles["TotalCharges"] == "other_number"
    roles = suggest_mapping(read_table(shared_data / "wholesale_customers.csv")).mapping.roles
    assert [c for c, r in roles.items() if r == "other_number"] == [
        "Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen",
    ]  # fmt: skip
    validate_mapping(Mapping("customers", roles), roles)  # several columns may carry the same own role


def test_ids_and_free_text_stay_ignored() -> None:
    rows = "\n".join(f"c{i},{1000 + i},{i},note number {i},{'AB'[i % 2]},{i * 7 % 13}" for i in range(40))
    suggestion = suggest_mapping(
        read_table(("Customer,Ref No,Row,Remark,Plan,Score\n" + rows).encode(), name="c.csv")
    )
    roles = suggestion.mapping.roles
    assert roles == {"Customer": "customer_id", "Ref No": "ignore", "Row": "ignore", "Remark": "ignore",
                     "Plan": "other_category", "Score": "other_number"}  # fmt: skip
    assert any("Plan, Score" in n for n in suggestion.notes)
