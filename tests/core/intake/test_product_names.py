"""Product codes and product names: which column is which, and the one name shown for each code."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from segmentation.intake import Mapping, load, read_table, suggest_mapping

EXCERPT = Path(__file__).resolve().parents[3] / "sample_data" / "online_retail_excerpt.csv.gz"

SHOPIFY = b"""Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Total
#1001,ann@shop.com,paid,2024-01-02 10:00:00 +0000,1,Linen apron - Blue,25.00,APR-BL,25.00
#1002,bob@shop.com,paid,2024-01-03 11:00:00 +0000,2,Oak board,30.00,OAK-1,60.00
#1003,ann@shop.com,paid,2024-02-03 12:00:00 +0000,1,Oak board,30.00,OAK-1,30.00
#1004,cy@shop.com,paid,2024-02-05 12:00:00 +0000,3,Linen apron - Red,25.00,APR-RD,75.00
"""

TAOBAO = """订单编号,买家会员名,订单创建时间,商品编码,商品名称,购买数量,实付金额
T1,张三,2024-01-02 10:00:00,1001,青花瓷碗,1,25.00
T2,李四,2024-01-03 11:00:00,1002,竹筷子,2,30.00
T3,张三,2024-02-03 12:00:00,1002,竹筷子,1,15.00
T4,王五,2024-02-05 12:00:00,1001,青花瓷碗,3,75.00
""".encode("gb18030")


def roles_of(data: bytes, name: str) -> dict[str, str]:
    return suggest_mapping(read_table(data, name=name)).mapping.roles


def test_online_retail_codes_are_the_product_and_descriptions_its_name() -> None:
    roles = load(EXCERPT).mapping.roles
    assert roles["StockCode"] == "product" and roles["Description"] == "product_name"


def test_shopify_sku_is_the_product_and_lineitem_name_its_name() -> None:
    roles = roles_of(SHOPIFY, "orders_export.csv")
    assert roles["Lineitem sku"] == "product" and roles["Lineitem name"] == "product_name"


def test_chinese_product_code_and_name() -> None:
    roles = roles_of(TAOBAO, "taobao.csv")
    assert roles["商品编码"] == "product" and roles["商品名称"] == "product_name"


@pytest.mark.parametrize(
    "header",
    ["Description", "itemDescription", "Product Name", "Lineitem name", "Title", "商品名称", "宝贝标题"],
)
def test_a_lone_name_column_is_the_product(header: str) -> None:
    data = (
        f"customer,date,amount,{header}\nc1,2024-01-02,10,Mug\nc2,2024-01-03,12,Bowl\nc1,2024-01-05,8,Mug\n"
    )
    intake = load(data.encode(), name="orders.csv")
    assert intake.mapping.roles[header] == "product"
    assert intake.product_names is None  # the names are the products themselves
    products = intake.con.sql(f"SELECT product FROM {intake.transactions} ORDER BY ts").df()["product"]
    assert products.tolist() == ["Mug", "Bowl", "Mug"]


def test_a_name_chosen_without_a_code_is_the_product() -> None:
    data = b"customer,date,amount,What\nc1,2024-01-02,10,Mug\nc2,2024-01-03,12,Bowl\n"
    roles = {"customer": "customer_id", "date": "date", "amount": "amount", "What": "product_name"}
    intake = load(data, name="orders.csv", mapping=Mapping("transactions", roles))
    assert intake.mapping.roles["What"] == "product"
    assert intake.con.sql(f"SELECT count(product) FROM {intake.transactions}").fetchall() == [(2,)]


def test_each_code_gets_its_most_frequent_name_ties_by_sort_order_shared_names_by_code() -> None:
    lines = [
        ("A1", "Mug"), ("A1", "Mug"), (" A1 ", "Mug blue"),  # the code is trimmed like the orders'
        ("B2", "Bowl"), ("B2", "Basin"),  # a tie: the first name in sort order
        ("A0", "Mug"),  # shares A1's name on fewer lines: keeps its code beside it
        ("D4", ""), ("", "Lost"),  # no name, no code: nothing to show
    ]  # fmt: skip
    text = "customer,date,amount,SKU,Product name\n" + "".join(
        f"c{i},2024-01-0{1 + i % 9},1,{code},{name}\n" for i, (code, name) in enumerate(lines)
    )
    names = load(text.encode(), name="orders.csv").product_names
    assert names.to_dict() == {"A1": "Mug", "B2": "Basin", "A0": "Mug (A0)"}


def test_online_retail_names_match_a_pandas_oracle() -> None:
    names = load(EXCERPT).product_names
    lines = pd.read_csv(EXCERPT, dtype=str).dropna(subset=["StockCode", "Description"])
    counts = lines.groupby(["StockCode", "Description"]).size().rename("lines").reset_index()
    top = counts.sort_values(["StockCode", "lines", "Description"], ascending=[True, False, True])
    top = top.drop_duplicates("StockCode").sort_values(
        ["Description", "lines", "StockCode"], ascending=[True, False, True]
    )
    first = ~top["Description"].duplicated()
    top["name"] = top["Description"].where(first, top["Description"] + " (" + top["StockCode"] + ")")
    assert names.sort_index().to_dict() == top.set_index("StockCode")["name"].sort_index().to_dict()
    assert names.is_unique and (~first).any()  # the excerpt has codes sharing a name
