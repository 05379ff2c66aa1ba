"""Column roles: what each column of a user's file means, guessed from headers and values.

A :class:`Mapping` (column -> role, date format and decimal style per column, table kind) is what
the user confirms in the app and what a recipe saves. ``suggest_mapping`` proposes one and reports
what it could not decide (ambiguous dates) so the UI can ask.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from segmentation.io import DataError, quote_ident

if TYPE_CHECKING:
    from segmentation.io import RawTable

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


def _r(name: str, label: str, kind: str, tables: tuple[str, ...], *syn: str) -> Role:
    return Role(name, label, kind, tables, (name, *syn))


ROLES: tuple[Role, ...] = (
    _r(
        "customer_id",
        "Customer id",
        "id",
        BOTH,
        "customerid",
        "custid",
        "clientid",
        "userid",
        "memberid",
        "customer",
        "customerno",
        "customernumber",
        "customercode",
        "client",
        "buyerid",
        "accountid",
        "contactid",
        "id",
        "客户id",
        "客户编号",
        "客户号",
        "客户代码",
        "会员号",
        "会员编号",
        "会员id",
        "用户id",
        "用户编号",
        "顾客id",
        "顾客编号",
        "客戶id",
        "客戶編號",
        "會員號",
        "會員編號",
        "用戶id",
        "買家id",
        "买家id",
    ),
    _r(
        "order_id",
        "Order id",
        "id",
        TX,
        "orderid",
        "orderno",
        "ordernumber",
        "invoiceno",
        "invoice",
        "invoiceid",
        "invoicenumber",
        "transactionid",
        "receiptno",
        "orderref",
        "order",
        "订单号",
        "订单编号",
        "订单id",
        "单号",
        "发票号",
        "交易号",
        "訂單號",
        "訂單編號",
        "交易編號",
    ),
    _r(
        "date",
        "Order date",
        "date",
        TX,
        "orderdate",
        "invoicedate",
        "transactiondate",
        "purchasedate",
        "datetime",
        "timestamp",
        "createdat",
        "ordertime",
        "time",
        "date",
        "订单日期",
        "下单时间",
        "下单日期",
        "交易时间",
        "交易日期",
        "购买日期",
        "日期",
        "时间",
        "訂單日期",
        "下單時間",
        "交易時間",
        "日期時間",
    ),
    _r(
        "amount",
        "Amount paid",
        "number",
        TX,
        "amount",
        "revenue",
        "sales",
        "total",
        "totalprice",
        "lineamount",
        "linetotal",
        "netamount",
        "value",
        "ordervalue",
        "paid",
        "spend",
        "金额",
        "实付金额",
        "订单金额",
        "销售额",
        "总价",
        "支付金额",
        "金額",
        "實付金額",
        "訂單金額",
        "銷售額",
    ),
    _r("quantity", "Quantity", "number", TX, "quantity", "qty", "units", "count", "数量", "件数", "數量"),
    _r(
        "unit_price",
        "Unit price",
        "number",
        TX,
        "unitprice",
        "price",
        "itemprice",
        "单价",
        "价格",
        "單價",
        "價格",
    ),
    _r(
        "product",
        "Product",
        "category",
        TX,
        "productname",
        "description",
        "item",
        "itemname",
        "title",
        "商品名称",
        "商品",
        "产品",
        "产品名称",
        "商品名稱",
        "產品",
        "stockcode",
        "sku",
        "productid",
        "商品编码",
        "商品編碼",
    ),
    _r(
        "category",
        "Product category",
        "category",
        TX,
        "productcategory",
        "categoryname",
        "department",
        "producttype",
        "类别",
        "品类",
        "类目",
        "分类",
        "類別",
        "品類",
        "分類",
    ),
    _r(
        "channel",
        "Sales channel",
        "category",
        BOTH,
        "saleschannel",
        "source",
        "platform",
        "store",
        "渠道",
        "销售渠道",
        "平台",
        "通路",
        "銷售渠道",
    ),
    _r("country", "Country", "category", BOTH, "countryname", "nation", "国家", "國家"),
    _r(
        "region",
        "Region or state",
        "category",
        BOTH,
        "state",
        "province",
        "county",
        "省份",
        "省",
        "地区",
        "地區",
    ),
    _r("city", "City", "category", BOTH, "town", "城市", "市"),
    _r(
        "postcode",
        "Postcode",
        "text",
        CU,
        "postalcode",
        "zip",
        "zipcode",
        "邮编",
        "邮政编码",
        "郵編",
        "郵遞區號",
    ),
    _r("latitude", "Latitude", "number", CU, "lat", "纬度", "緯度"),
    _r("longitude", "Longitude", "number", CU, "lon", "lng", "long", "经度", "經度"),
    _r(
        "email",
        "E-mail",
        "email",
        CU,
        "emailaddress",
        "mail",
        "e-mail",
        "邮箱",
        "电子邮件",
        "邮件",
        "郵箱",
        "電子郵件",
    ),
    _r(
        "phone",
        "Phone",
        "phone",
        CU,
        "phonenumber",
        "mobile",
        "telephone",
        "tel",
        "cell",
        "手机",
        "手机号",
        "电话",
        "手機",
        "電話",
    ),
    _r(
        "first_name",
        "First name",
        "text",
        CU,
        "firstname",
        "givenname",
        "forename",
        "name",
        "姓名",
        "名字",
        "名",
    ),
    _r("last_name", "Last name", "text", CU, "lastname", "surname", "familyname", "姓"),
    _r(
        "birth_date",
        "Birth date",
        "date",
        CU,
        "birthdate",
        "dateofbirth",
        "dob",
        "birthday",
        "出生日期",
        "生日",
    ),
    _r("age", "Age", "number", CU, "age", "年龄", "年齡"),
    _r("gender", "Gender", "category", CU, "sex", "genre", "性别", "性別"),
    _r("income", "Income", "number", CU, "annualincome", "salary", "annualincomek", "收入", "年收入"),
    _r("education", "Education", "category", CU, "educationlevel", "degree", "学历", "教育程度", "學歷"),
    _r("occupation", "Occupation", "category", CU, "job", "profession", "jobtitle", "职业", "職業"),
    _r(
        "marital_status",
        "Marital status",
        "category",
        CU,
        "maritalstatus",
        "married",
        "婚姻状况",
        "婚姻",
        "婚姻狀況",
    ),
    _r("interests", "Interests", "tags", CU, "interest", "hobbies", "tags", "兴趣", "爱好", "興趣", "愛好"),
    _r(
        "signup_date",
        "Sign-up date",
        "date",
        CU,
        "signupdate",
        "registrationdate",
        "joindate",
        "joined",
        "createddate",
        "registered",
        "注册日期",
        "注册时间",
        "註冊日期",
    ),
    _r(
        "loyalty_member",
        "Loyalty member",
        "bool",
        CU,
        "loyaltymember",
        "member",
        "ismember",
        "membership",
        "会员",
        "是否会员",
        "會員",
    ),
    _r(
        "loyalty_points",
        "Loyalty points",
        "number",
        CU,
        "points",
        "loyaltypoints",
        "rewardpoints",
        "积分",
        "積分",
    ),
    _r("rating", "Rating", "number", CU, "stars", "satisfaction", "评分", "評分"),
    _r("nps", "NPS answer", "number", CU, "netpromoterscore", "recommend", "推荐值", "净推荐值"),
    _r(
        "review",
        "Review text",
        "text",
        CU,
        "comment",
        "feedback",
        "reviewtext",
        "评价",
        "评论",
        "評價",
        "評論",
    ),
    _r(
        "consent",
        "Marketing consent",
        "bool",
        CU,
        "marketingconsent",
        "optin",
        "emailoptin",
        "subscribed",
        "gdprconsent",
        "营销同意",
        "同意营销",
        "行銷同意",
    ),
    _r("ignore", "Not used", "text", BOTH),
)
ROLE_BY_NAME: dict[str, Role] = {r.name: r for r in ROLES}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s\-().]{7,20}$")
_DATE = re.compile(
    r"^\s*(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?.*)?\s*$"
)
_CURRENCY = "£$€¥￥₹₩₽¢"
_NUMBER = re.compile(rf"^\s*[-+(]?\s*[{_CURRENCY}]?\s*[-+]?[\d.,'\s]*\d[\d.,'\s]*\)?\s*[{_CURRENCY}]?\s*$")


def normalise(header: str) -> str:
    """Header compared with synonyms: NFKC, lower case, only letters/digits/CJK kept."""
    text = unicodedata.normalize("NFKC", header).lower()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Mapping:
    """The confirmed meaning of a file's columns (plain JSON via ``to_dict``/``from_dict``).

    ``roles`` maps every column to a role name (``"ignore"`` for unused ones); ``date_formats`` holds
    ``"iso"``, ``"excel"`` or a strptime date pattern such as ``"%d/%m/%Y"`` per date column;
    ``decimal_comma`` says per number column whether ``,`` is the decimal mark.
    """

    kind: str
    roles: dict[str, str]
    date_formats: dict[str, str] = field(default_factory=dict)
    decimal_comma: dict[str, bool] = field(default_factory=dict)

    def column(self, role: str) -> str | None:
        """The column holding ``role``, or None."""
        return next((c for c, r in self.roles.items() if r == role), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "roles": dict(self.roles),
            "date_formats": dict(self.date_formats),
            "decimal_comma": dict(self.decimal_comma),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        return cls(
            kind=str(data["kind"]),
            roles={str(k): str(v) for k, v in data["roles"].items()},
            date_formats={str(k): str(v) for k, v in data.get("date_formats", {}).items()},
            decimal_comma={str(k): bool(v) for k, v in data.get("decimal_comma", {}).items()},
        )

    def replace(self, **changes: Any) -> Mapping:
        """A copy with some fields changed (e.g. a role the user corrected)."""
        return Mapping.from_dict({**self.to_dict(), **changes})


@dataclass(frozen=True)
class Suggestion:
    """A proposed mapping, the date columns whose day/month order could not be decided, and notes."""

    mapping: Mapping
    ambiguous: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def role_from_header(header: str) -> tuple[str, float] | None:
    """The best role for a header and a score (3 exact synonym, 1 contained synonym), or None."""
    key = normalise(header)
    if not key:
        return None
    best: tuple[str, float] | None = None
    for role in ROLES[:-1]:
        for i, syn in enumerate(role.synonyms):
            syn_key = normalise(syn)
            if key == syn_key:
                score = 3.0 - i * 0.01
            elif (len(syn_key) >= 4 and syn_key in key) or (
                len(syn_key) >= 2 and not syn_key.isascii() and syn_key in key
            ):
                score = 1.0 + len(syn_key) * 0.01
            else:
                continue
            if best is None or score > best[1]:
                best = (role.name, score)
    return best


def _share(values: list[str], pattern: re.Pattern[str]) -> float:
    return sum(1 for v in values if pattern.match(v)) / len(values) if values else 0.0


def role_from_values(values: list[str]) -> str | None:
    """A role guessed from values alone (e-mails, phones, dates), or None."""
    if len(values) < 3:
        return None
    if _share(values, _EMAIL) >= 0.8:
        return "email"
    if _share(values, _DATE) >= 0.8:
        return "date"
    phoneish = [v for v in values if _PHONE.match(v) and (v[0] in "+0" or any(c in v for c in " -()"))]
    if len(phoneish) >= 0.8 * len(values):
        return "phone"
    return None


def analyse_dates(values: Iterable[str]) -> tuple[str, bool]:
    """Date pattern of a column and whether its day/month order is ambiguous.

    ``"iso"`` for year-first, ``"excel"`` for serial numbers, otherwise a strptime pattern whose
    order is proven by a field above 12; with no proof the pattern is day-first and ambiguous.
    """
    vals = [v.strip() for v in values if v and v.strip()]
    serials = vals and all(re.fullmatch(r"\d{5}([.,]\d+)?", v) for v in vals)
    if serials and all(20000 <= float(v.replace(",", ".")) <= 80000 for v in vals):
        return "excel", False
    firsts, seconds, sep, year_digits = 0, 0, "/", 4
    for v in vals:
        m = _DATE.match(v)
        if not m:
            continue
        a, b, c = m.groups()
        if len(a) == 4:
            return ("iso" if v[4] == "-" else f"%Y{v[4]}%m{v[4]}%d"), False
        sep = v[len(a)]
        year_digits = len(c)
        firsts, seconds = max(firsts, int(a)), max(seconds, int(b))
    year = "%Y" if year_digits == 4 else "%y"
    if seconds > 12 >= firsts:
        return f"%m{sep}%d{sep}{year}", False
    return f"%d{sep}%m{sep}{year}", firsts <= 12


def analyse_decimal_comma(values: Iterable[str]) -> bool:
    """Whether ``,`` is the decimal mark in a column of numbers (votes over the values)."""
    comma = point = 0
    for v in values:
        s = v.strip().strip(_CURRENCY).replace(" ", "").replace("\u00a0", "")
        if "," in s and "." in s:
            comma += s.rfind(",") > s.rfind(".")
            point += s.rfind(".") > s.rfind(",")
        elif "," in s:
            thousands = re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", s) is not None
            point += thousands
            comma += not thousands
        elif re.fullmatch(r"[-+]?\d{1,3}(\.\d{3}){2,}", s):
            comma += 1
        elif "." in s:
            point += 1
    return comma > point


def _is_number_column(values: list[str], share: float = 0.9) -> bool:
    return bool(values) and _share(values, _NUMBER) >= share


def suggest_mapping(raw: RawTable, sample_rows: int = 5000) -> Suggestion:
    """Propose a :class:`Mapping` for a raw table from its headers and values.

    Day/month order of non-ISO date columns is decided over the whole column in DuckDB (a sample of
    early rows often holds only days up to 12); columns that stay undecided are listed as ambiguous.
    """
    sample = raw.sample(sample_rows)
    values = {c: [str(v) for v in sample[c] if v is not None and str(v).strip()] for c in raw.columns}
    roles = _assign_roles(raw.columns, values)
    kind: TableKind = "transactions" if _looks_like_transactions(roles) else "customers"
    allowed = {r.name for r in ROLES if kind in r.tables}
    roles = {c: (r if r in allowed else "ignore") for c, r in roles.items()}
    date_formats: dict[str, str] = {}
    decimal: dict[str, bool] = {}
    ambiguous: list[str] = []
    notes: list[str] = []
    for col, role in roles.items():
        kind_of = ROLE_BY_NAME[role].kind
        if kind_of == "date":
            fmt, unsure = analyse_dates(values[col])
            if unsure and fmt not in ("iso", "excel"):
                fmt, unsure = analyse_dates(_whole_column_extremes(raw, col, fmt[2]))
            date_formats[col] = fmt
            if unsure:
                ambiguous.append(col)
                notes.append(
                    f"The dates in '{col}' could be day/month or month/day; we read them as day first. "
                    "Please confirm."
                )
        elif kind_of == "number":
            decimal[col] = analyse_decimal_comma(values[col])
    if kind == "customers" and "customer_id" not in roles.values():
        notes.append("No customer id column was found: customers will be numbered by row.")
    return Suggestion(Mapping(kind, roles, date_formats, decimal), tuple(ambiguous), tuple(notes))


def _assign_roles(columns: Iterable[str], values: dict[str, list[str]]) -> dict[str, str]:
    """One column per role: best header match wins, then values decide for the rest."""
    candidates = []
    for col in columns:
        hit = role_from_header(col)
        if hit:
            candidates.append((hit[1], col, hit[0]))
    roles: dict[str, str] = {}
    taken: set[str] = set()
    for _score, col, role in sorted(candidates, key=lambda t: -t[0]):
        if col not in roles and role not in taken and _values_fit(role, values[col]):
            roles[col] = role
            taken.add(role)
    for col in columns:
        if col not in roles:
            guess = role_from_values(values[col])
            if guess and guess not in taken:
                roles[col] = guess
                taken.add(guess)
    return {c: roles.get(c, "ignore") for c in columns}


def _values_fit(role: str, values: list[str]) -> bool:
    """Guard against header matches the values contradict (e.g. 'Total' holding text)."""
    kind = ROLE_BY_NAME[role].kind
    if not values:
        return True
    if kind == "number":
        return _is_number_column(values, 0.6)  # a header said "amount": tolerate some bad cells
    if kind == "date":
        return _share(values, _DATE) >= 0.5 or all(re.fullmatch(r"\d{5}([.,]\d+)?", v) for v in values)
    return True


def _looks_like_transactions(roles: dict[str, str]) -> bool:
    used = set(roles.values())
    return "date" in used and ("amount" in used or {"quantity", "unit_price"} <= used)


def _whole_column_extremes(raw: RawTable, col: str, sep: str) -> list[str]:
    """Two synthetic values carrying the column's largest first and second date fields."""
    c = quote_ident(col)
    row = raw.con.execute(
        f"""SELECT max(try_cast(split_part(trim({c}), ?, 1) AS INTEGER)),
                   max(try_cast(split_part(trim({c}), ?, 2) AS INTEGER)),
                   any_value(split_part(split_part(trim({c}), ' ', 1), ?, 3))
            FROM {raw.table}""",
        [sep, sep, sep],
    ).fetchone()
    first, second, year = row or (None, None, None)
    if first is None or second is None:
        return []
    year = year or "2000"
    return [f"{min(first, 99)}{sep}1{sep}{year}", f"1{sep}{min(second, 99)}{sep}{year}"]


def validate_mapping(mapping: Mapping, columns: Iterable[str]) -> None:
    """Refuse mappings that cannot produce a usable table, with a message that says how to fix it.

    Raises
    ------
    DataError
        Unknown columns or roles, a role on two columns, or a transaction log without customer id,
        date or amount.
    """
    cols = set(columns)
    missing = [c for c in mapping.roles if c not in cols]
    if missing:
        raise DataError(f"The mapping names columns that are not in the file: {', '.join(missing)}.")
    unknown = sorted({r for r in mapping.roles.values() if r not in ROLE_BY_NAME})
    if unknown:
        raise DataError(f"Unknown column meaning(s): {', '.join(unknown)}.")
    used = [r for r in mapping.roles.values() if r != "ignore"]
    twice = sorted({r for r in used if used.count(r) > 1})
    if twice:
        labels = ", ".join(ROLE_BY_NAME[r].label for r in twice)
        raise DataError(f"Each meaning can be given to one column only; used twice: {labels}.")
    if mapping.kind not in BOTH:
        raise DataError(f"Unknown table kind {mapping.kind!r}: expected transactions or customers.")
    if mapping.kind == "transactions":
        if "customer_id" not in used:
            raise DataError(
                "This file looks like a list of orders, but no column holds the customer id, so orders "
                "cannot be linked to customers. Pick the customer id column in the mapping, or export "
                "the orders again with a customer id (or e-mail) column."
            )
        if "date" not in used:
            raise DataError("This list of orders has no order date column. Pick the column with the date.")
        if "amount" not in used and not {"quantity", "unit_price"} <= set(used):
            raise DataError(
                "This list of orders has no amount column (nor quantity and unit price). Pick the "
                "column with the amount paid."
            )
