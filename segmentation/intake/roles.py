"""Column roles: the meanings a column of a user's file can have, with synonyms in English and Chinese.

A table rather than logic; ``schema.py`` matches headers and values against it. Synonyms include the
column names of common shop and marketplace exports (Shopify, WooCommerce, Magento, Taobao/Tmall,
JD, Shopee) in English, Simplified and Traditional Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TableKind = Literal["transactions", "customers", "events"]
KINDS: tuple[str, ...] = ("transactions", "customers", "events")
BOTH = KINDS  # kept name: every kind of table
ALL = KINDS
TX = ("transactions",)
CU = ("customers",)
EV = ("events",)
TX_EV = ("transactions", "events")
CU_EV = ("customers", "events")


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
    _r("customer_id", "Customer id", "id", ALL,
       "customerid custid clientid userid memberid customer customerno customernumber customerkey "
       "customercode client buyerid accountid contactid membernumber memberno membercode cardno "
       "customeruserid customeremail buyer buyername username buyerusername id 客户id 客户编号 "
       "客户号 客户代码 会员号 会员编号 会员id 会员卡号 卡号 社保卡号 用户id 用户编号 用户账号 "
       "顾客id 顾客编号 买家会员名 买家昵称 买家账号 买家 下单帐号 下单账号 客戶id 客戶編號 "
       "會員號 會員編號 會員卡號 用戶id 買家id 买家id 買家帳號 買家 顧客編號"),
    # one person behind several customer ids (Olist: customer_id per order, customer_unique_id per person)
    _r("person_id", "Person id (merges customer ids)", "id", CU,
       "customeruniqueid uniquecustomerid personid uniqueid masterid mastercustomerid globalcustomerid "
       "unifiedid householdid 用户唯一id 唯一id"),
    _r("order_id", "Order id", "id", TX_EV,
       "orderid orderno ordernumber invoiceno invoice invoiceid invoicenumber transactionid "
       "receiptno orderref incrementid order 订单号 订单编号 订单id 单号 发票号 交易号 订单 "
       "訂單號 訂單編號 交易編號 訂單號碼"),
    _r("order_status", "Order status (cancelled orders set aside)", "category", TX,
       "orderstatus status financialstatus paymentstatus transactionstatus 订单状态 交易状态 "
       "訂單狀態 交易狀態"),
    _r("date", "Order date", "date", TX_EV,
       "orderdate invoicedate transactiondate purchasedate orderpurchasetimestamp datetime "
       "timestamp createdat ordercreationdate eventtime reviewdate ordertime time date "
       "订单创建时间 创建时间 订单日期 下单时间 下单日期 成交时间 交易时间 交易日期 购买日期 "
       "购买时间 日期 时间 訂單日期 訂購日期 下單時間 交易時間 日期時間 訂單時間 時間"),
    _r("amount", "Amount paid", "number", TX_EV,
       "amount revenue sales total totalprice lineamount linetotal netamount value ordervalue "
       "grandtotal ordertotal expenditure paid spend 实付金额 实际支付金额 实收金额 支付金额 订单金额 "
       "应付金额 金额 销售额 总价 實付金額 實收金額 訂單金額 銷售額 金額 總價"),
    _r("quantity", "Quantity", "number", TX_EV,
       "quantity qty units count lineitemquantity orderquantity 数量 件数 商品数量 宝贝总数量 "
       "购买数量 销售数量 數量 購買數量"),
    _r("unit_price", "Unit price", "number", TX_EV,
       "unitprice price itemprice lineitemprice dealprice 单价 价格 商品单价 單價 價格"),
    _r("discount", "Discount (rate or amount)", "number", TX,
       "discount discountamount discountrate discounts couponamount 折扣 优惠 优惠金额 折扣金额 "
       "折扣率 優惠 優惠金額"),
    # codes and ids: suggestions learn from them (a lone name column is the product, see schema)
    _r("product", "Product", "category", TX_EV,
       "productid sku stockcode itemid productcode productkey productno productnumber itemcode "
       "itemno articleno articlenumber lineitemsku variantsku skucode item 商品编码 商品编号 商品id "
       "宝贝id 商家编码 货号 商品货号 产品编码 产品编号 商品 产品 商品編碼 商品編號 貨號 產品編號 產品"),
    _r("product_name", "Product name", "text", TX_EV,
       "productname description itemname lineitemname title producttitle productdescription "
       "itemdescription itemtitle articlename 商品名称 宝贝标题 产品名称 商品标题 宝贝名称 商品名 品名 "
       "商品名稱 寶貝標題 產品名稱 商品標題"),
    _r("category", "Product category", "category", TX_EV,
       "productcategory categoryname categorycode department producttype 类别 品类 类目 分类 "
       "商品类别 類別 品類 分類 類目"),
    _r("event_type", "Event type (view, cart, purchase, ...)", "category", EV,
       "eventtype behaviortype behaviourtype behavior behaviour action eventname event "
       "行为类型 行为 事件类型 行為類型 行為"),
    _r("channel", "Sales channel", "category", ALL,
       "saleschannel source platform store 渠道 销售渠道 平台 通路 銷售渠道"),
    _r("country", "Country", "category", ALL,
       "countryname nation marketplace billingcountry shippingcountry 国家 國家"),
    _r("region", "Region or state", "category", ALL,
       "state province county territory territorykey salesterritory billingprovince shippingprovince 省份 省 地区 收货地址 收货省份 "
       "地區 省份別"),
    _r("city", "City", "category", ALL, "town billingcity shippingcity 城市 市 城市別"),
    _r("postcode", "Postcode", "text", ALL,
       "postalcode zip zipcode zipcodeprefix 邮编 邮政编码 郵編 郵遞區號"),
    _r("latitude", "Latitude", "number", CU, "lat 纬度 緯度"),
    _r("longitude", "Longitude", "number", CU, "lon lng long 经度 經度"),
    _r("email", "E-mail", "email", ALL, "emailaddress mail e-mail 邮箱 电子邮件 邮件 郵箱 電子郵件"),
    _r("phone", "Phone", "phone", ALL,
       "phonenumber mobile telephone tel cell 手机 手机号 联系电话 电话 手機 電話"),
    _r("first_name", "First name", "text", ALL,
       "firstname givenname forename name 姓名 名字 名 收货人 收貨人"),
    _r("last_name", "Last name", "text", ALL, "lastname surname familyname 姓"),
    _r("birth_date", "Birth date", "date", CU, "birthdate dateofbirth dob birthday 出生日期 生日"),
    _r("birth_year", "Birth year", "number", CU, "birthyear yearbirth yearofbirth 出生年份 出生年"),
    _r("age", "Age", "number", CU, "age 年龄 年齡"),
    _r("gender", "Gender", "category", ALL, "sex genre 性别 性別"),
    _r("income", "Income", "number", CU, "annualincome salary annualincomek 收入 年收入"),
    _r("education", "Education", "category", CU, "educationlevel degree 学历 教育程度 學歷"),
    _r("occupation", "Occupation", "category", CU, "job profession jobtitle 职业 職業"),
    _r("marital_status", "Marital status", "category", CU,
       "maritalstatus married 婚姻状况 婚姻 婚姻狀況"),
    _r("interests", "Interests", "tags", CU, "interest hobbies tags 兴趣 爱好 興趣 愛好"),
    _r("signup_date", "Sign-up date", "date", CU,
       "signupdate registrationdate joindate joined createddate registered dtcustomer customersince "
       "注册日期 注册时间 註冊日期 註冊時間 入会日期"),
    _r("recency_days", "Days since last purchase", "number", CU,
       "recency dayssincelastorder daysincelastorder dayssincelastpurchase daysincelastpurchase "
       "lastpurchasedays recencydays 最近消费天数 距上次购买天数 最近一次消费 最近購買天數"),
    _r("frequency", "Number of orders", "number", CU,
       "frequency ordercount numorders numberoforders totalorders orderscount purchasecount "
       "numpurchases totalpurchases orders 购买次数 订单数 消费次数 下单次数 購買次數 訂單數"),
    _r("monetary", "Total spend", "number", CU,
       "monetary totalspend totalspent totalspending lifetimevalue ltv clv totalrevenue "
       "totalamount moneyspent 消费金额 累计消费 累计消费金额 總消費 消費金額"),
    _r("category_spend", "Spend on one category", "number", CU),
    _r("channel_orders", "Purchases via one channel", "number", CU),
    _r("campaign_response", "Responded to a campaign (0/1)", "bool", CU,
       "response campaignresponse responded 响应 是否响应 回應"),
    _r("loyalty_member", "Loyalty member", "bool", CU,
       "loyaltymember member ismember membership 会员 是否会员 會員"),
    _r("loyalty_points", "Loyalty points", "number", CU, "points loyaltypoints rewardpoints 积分 積分"),
    _r("rating", "Rating", "number", CU_EV,
       "starrating stars satisfaction reviewscore 评分 星级 評分 星級"),
    _r("nps", "NPS answer", "number", CU, "netpromoterscore recommend 推荐值 净推荐值"),
    _r("review", "Review text", "text", CU_EV,
       "reviewbody reviewtext comment feedback 评价内容 评价 评论 評價 評論"),
    _r("consent", "Marketing consent", "text", CU,  # kept as written: outputs read it (outputs.contacts)
       "marketingconsent optin emailoptin subscribed gdprconsent acceptsmarketing 营销同意 同意营销 "
       "行銷同意"),
    # a file's own columns kept as criteria: never matched by header, several columns may carry them
    _r("other_number", "Other number: use as a criterion", "number", ALL),
    _r("other_category", "Other category: use as a criterion", "category", ALL),
    Role("ignore", "Not used", "text", ALL),
)
# fmt: on
ROLE_BY_NAME: dict[str, Role] = {r.name: r for r in ROLES}
#: Roles that several columns may carry.
MULTI_ROLES: frozenset[str] = frozenset(
    {"ignore", "other_number", "other_category", "category_spend", "channel_orders"}
)
#: Order statuses (lower case) of orders that never became purchases: their lines are set aside.
CANCELLED_STATUSES: tuple[str, ...] = (
    "canceled", "cancelled", "cancel", "voided", "void", "refunded", "unavailable", "failed", "declined",
    "已取消", "取消", "交易关闭", "交易關閉", "已关闭", "已關閉", "退款成功",
)  # fmt: skip
#: A column with no standard role becomes a category criterion up to this many distinct values.
MAX_OWN_LEVELS = 50

#: Headers of precomputed per-customer behaviour spread over several columns (normalised headers):
#: spend per product category (``MntWines``, ``spend_on_books``, ``电子产品消费``) and purchases per
#: channel (``NumWebPurchases``, ``store_orders``, ``线上订单数``).
CATEGORY_SPEND = re.compile(
    r"^(mnt|spendon|spend|amountspenton|amounton)[a-z]+$|^[a-z]+(spend|spending)$|^.+消费金额$|^.+消費金額$"
)
CHANNEL_ORDERS = re.compile(
    r"^num(web|store|catalog|catalogue|app|online|mobile|deals|shop|phone)[a-z]*purchases$"
    r"|^(web|store|catalog|catalogue|app|online|offline|mobile|shop|phone)(purchases|orders)$"
    r"|^(线上|线下|门店|网店|app|小程序|电话)(订单数|购买次数)$"
)

#: Event-type values (lower case) and the canonical type they stand for.
EVENT_TYPES: dict[str, str] = {
    **dict.fromkeys(("pv", "view", "views", "pageview", "page_view", "detail", "click", "browse",
                     "impression", "visit", "浏览", "点击", "瀏覽", "點擊"), "view"),
    **dict.fromkeys(("cart", "addtocart", "add_to_cart", "add-to-cart", "addtobasket", "basket",
                     "加购", "加入购物车", "購物車", "加入購物車"), "cart"),
    **dict.fromkeys(("fav", "favorite", "favourite", "wishlist", "like", "save", "收藏"), "favourite"),
    **dict.fromkeys(("buy", "purchase", "order", "transaction", "checkout", "购买", "下单", "成交",
                     "購買", "下單"), "purchase"),
    **dict.fromkeys(("review", "comment", "评价", "评论", "評價", "評論"), "review"),
    **dict.fromkeys(("rating", "rate", "评分", "評分"), "rating"),
    "remove_from_cart": "other",
}  # fmt: skip
EVENT_CANON: tuple[str, ...] = ("view", "cart", "favourite", "purchase", "review", "rating", "other")
