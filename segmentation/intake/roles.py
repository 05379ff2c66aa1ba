"""Column roles: the meanings a column of a user's file can have, with synonyms in English and Chinese.

A table rather than logic; ``schema.py`` matches headers and values against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TableKind = Literal["transactions", "customers"]
BOTH = ("transactions", "customers")
TX = ("transactions",)
CU = ("customers",)


@dataclass(frozen=True)
class Role:
    """A meaning a column can have. ``kind`` is the value kind: id, date, number, text, category,
    bool, tags, email or phone. Synonyms are compared after :func:`normalise` (earlier wins)."""

    name: str
    label: str
    kind: str
    tables: tuple[str, ...]
    synonyms: tuple[str, ...] = ()


def _r(name: str, label: str, kind: str, tables: tuple[str, ...], synonyms: str = "") -> Role:
    """A role whose synonyms are the name and the space-separated words of ``synonyms``."""
    return Role(name, label, kind, tables, (name, *synonyms.split()) if synonyms else ())


# fmt: off
ROLES: tuple[Role, ...] = (
    _r("customer_id", "Customer id", "id", BOTH,
       "customerid custid clientid userid memberid customer customerno customernumber "
       "customercode client buyerid accountid contactid id 客户id 客户编号 客户号 客户代码 "
       "会员号 会员编号 会员id 用户id 用户编号 顾客id 顾客编号 客戶id 客戶編號 會員號 會員編號 "
       "用戶id 買家id 买家id"),
    _r("order_id", "Order id", "id", TX,
       "orderid orderno ordernumber invoiceno invoice invoiceid invoicenumber transactionid "
       "receiptno orderref order 订单号 订单编号 订单id 单号 发票号 交易号 訂單號 訂單編號 "
       "交易編號"),
    _r("date", "Order date", "date", TX,
       "orderdate invoicedate transactiondate purchasedate datetime timestamp createdat "
       "ordertime time date 订单日期 下单时间 下单日期 交易时间 交易日期 购买日期 日期 时间 "
       "訂單日期 下單時間 交易時間 日期時間"),
    _r("amount", "Amount paid", "number", TX,
       "amount revenue sales total totalprice lineamount linetotal netamount value ordervalue "
       "paid spend 金额 实付金额 订单金额 销售额 总价 支付金额 金額 實付金額 訂單金額 銷售額"),
    _r("quantity", "Quantity", "number", TX, "quantity qty units count 数量 件数 數量"),
    _r("unit_price", "Unit price", "number", TX, "unitprice price itemprice 单价 价格 單價 價格"),
    _r("product", "Product", "category", TX,
       "productname description item itemname title 商品名称 商品 产品 产品名称 商品名稱 產品 "
       "stockcode sku productid 商品编码 商品編碼"),
    _r("category", "Product category", "category", TX,
       "productcategory categoryname department producttype 类别 品类 类目 分类 類別 品類 分類"),
    _r("channel", "Sales channel", "category", BOTH,
       "saleschannel source platform store 渠道 销售渠道 平台 通路 銷售渠道"),
    _r("country", "Country", "category", BOTH, "countryname nation 国家 國家"),
    _r("region", "Region or state", "category", BOTH, "state province county 省份 省 地区 地區"),
    _r("city", "City", "category", BOTH, "town 城市 市"),
    _r("postcode", "Postcode", "text", CU, "postalcode zip zipcode 邮编 邮政编码 郵編 郵遞區號"),
    _r("latitude", "Latitude", "number", CU, "lat 纬度 緯度"),
    _r("longitude", "Longitude", "number", CU, "lon lng long 经度 經度"),
    _r("email", "E-mail", "email", CU, "emailaddress mail e-mail 邮箱 电子邮件 邮件 郵箱 電子郵件"),
    _r("phone", "Phone", "phone", CU, "phonenumber mobile telephone tel cell 手机 手机号 电话 手機 電話"),
    _r("first_name", "First name", "text", CU, "firstname givenname forename name 姓名 名字 名"),
    _r("last_name", "Last name", "text", CU, "lastname surname familyname 姓"),
    _r("birth_date", "Birth date", "date", CU, "birthdate dateofbirth dob birthday 出生日期 生日"),
    _r("age", "Age", "number", CU, "age 年龄 年齡"),
    _r("gender", "Gender", "category", CU, "sex genre 性别 性別"),
    _r("income", "Income", "number", CU, "annualincome salary annualincomek 收入 年收入"),
    _r("education", "Education", "category", CU, "educationlevel degree 学历 教育程度 學歷"),
    _r("occupation", "Occupation", "category", CU, "job profession jobtitle 职业 職業"),
    _r("marital_status", "Marital status", "category", CU, "maritalstatus married 婚姻状况 婚姻 婚姻狀況"),
    _r("interests", "Interests", "tags", CU, "interest hobbies tags 兴趣 爱好 興趣 愛好"),
    _r("signup_date", "Sign-up date", "date", CU,
       "signupdate registrationdate joindate joined createddate registered 注册日期 注册时间 "
       "註冊日期"),
    _r("loyalty_member", "Loyalty member", "bool", CU,
       "loyaltymember member ismember membership 会员 是否会员 會員"),
    _r("loyalty_points", "Loyalty points", "number", CU, "points loyaltypoints rewardpoints 积分 積分"),
    _r("rating", "Rating", "number", CU, "stars satisfaction 评分 評分"),
    _r("nps", "NPS answer", "number", CU, "netpromoterscore recommend 推荐值 净推荐值"),
    _r("review", "Review text", "text", CU, "comment feedback reviewtext 评价 评论 評價 評論"),
    _r("consent", "Marketing consent", "text", CU,  # kept as written: outputs read it (outputs.contacts)
       "marketingconsent optin emailoptin subscribed gdprconsent 营销同意 同意营销 行銷同意"),
    # a file's own columns kept as criteria: never matched by header, several columns may carry them
    _r("other_number", "Other number: use as a criterion", "number", CU),
    _r("other_category", "Other category: use as a criterion", "category", CU),
    Role("ignore", "Not used", "text", BOTH),
)
# fmt: on
ROLE_BY_NAME: dict[str, Role] = {r.name: r for r in ROLES}
#: Roles that several columns may carry.
MULTI_ROLES: frozenset[str] = frozenset({"ignore", "other_number", "other_category"})
#: A column with no standard role becomes a category criterion up to this many distinct values.
MAX_OWN_LEVELS = 50
