"""A fictional omnichannel fashion-and-home shop ("Maison & Mode") with planted customer groups.

The generator writes the kind of export a real shop has (human headers, mixed phone formats, blank
reviews, returns as negative lines) so the app can be demonstrated and tested end to end. Six buying
groups are planted with realistic overlap; ``truth`` says which group each customer was drawn from.
Everything is vectorised with one seeded generator: the same seed gives identical frames.

``write_retail_excerpt`` cuts a small, reproducible excerpt of the UCI "Online Retail" data.
"""

from __future__ import annotations

import csv
import gzip
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

START = pd.Timestamp("2023-09-01")
END = pd.Timestamp("2025-11-30 23:59")
_DAYS = (END.normalize() - START).days  # last day index of the period
_GZIP = {"method": "gzip", "mtime": 0, "compresslevel": 6}  # fixed header time: identical bytes on every run

CHANNELS = ("Web", "Mobile app", "Store", "Social")

#: Planted groups: share of customers, orders (min + Poisson mean), first/last order windows in days
#: before the end of the period, lines per order, price taste (>0 prefers dear items), sale share,
#: return rate, channel mix (Web, app, Store, Social) and category taste (see ``_PRODUCTS`` order).
GROUPS: dict[str, dict] = {
    "Loyal high spenders": dict(share=0.10, n=(10, 10), first=(580, 820), last=(0, 21), lines=1.4, taste=1.6,
                                sale=0.05, ret=0.02, ch=(0.35, 0.04, 0.605, 0.005), cat=(5, 3, 3, 2, 3, 1, 2, 1)),
    "Bargain hunters": dict(share=0.17, n=(6, 8), first=(460, 820), last=(0, 45), lines=0.6, taste=-1.6,
                            sale=0.7, ret=0.11, ch=(0.55, 0.22, 0.20, 0.03), cat=(3, 2, 2, 3, 2, 2, 2, 2)),
    "Lapsed customers": dict(share=0.15, n=(5, 5), first=(670, 820), last=(400, 580), lines=1.0, taste=0.3,
                             sale=0.15, ret=0.02, ch=(0.80, 0.04, 0.155, 0.005), cat=(3, 2, 2, 2, 2, 2, 2, 1)),
    "New customers": dict(share=0.12, n=(1, 0.35), first=(3, 75), last=(0, 3), lines=1.0, taste=0.0,
                          sale=0.1, ret=0.01, ch=(0.93, 0.05, 0.015, 0.005), cat=(3, 2, 2, 2, 2, 1, 2, 2)),
    "Young mobile-first": dict(share=0.18, n=(3, 4), first=(180, 640), last=(0, 90), lines=0.9, taste=-0.6,
                               sale=0.3, ret=0.09, ch=(0.06, 0.86, 0.02, 0.06), cat=(2, 1, 2, 4, 0, 0, 1, 4)),
    "Occasional gift buyers": dict(share=0.25, n=(1, 0), first=(0, 0), last=(0, 0), lines=1.6, taste=0.4,
                                   sale=0.1, ret=0.003, ch=(0.965, 0.012, 0.02, 0.003), cat=(1, 1, 0, 2, 2, 3, 3, 3)),
}  # fmt: skip
PROSPECT = "Prospects (no order yet)"
PROSPECT_SHARE = 0.03

_PRODUCTS = {
    "Womenswear": "Linen wrap dress 69|Cashmere crew jumper 129|High-rise straight jeans 55|Silk blouse 85|"
    "Wool tailored coat 189|Ribbed vest top 15|Pleated midi skirt 45|Organic cotton T-shirt 12",
    "Menswear": "Oxford shirt 39|Merino jumper 79|Slim chinos 45|Wool overcoat 199|Crew neck T-shirt 14|"
    "Quilted gilet 65|Linen shorts 29|Selvedge jeans 89",
    "Shoes": "Leather loafers 95|Canvas trainers 39|Chelsea boots 120|Running shoes 85|Suede ankle boots 110|"
    "Slider sandals 19|Ballet flats 35",
    "Accessories": "Leather tote bag 95|Silk scarf 35|Wool beanie 15|Canvas belt 18|Sunglasses 29|"
    "Phone case 12|Hair clip set 8|Leather wallet 45",
    "Home Textiles": "Linen duvet cover 89|Cotton bath towel 15|Waffle throw 49|Velvet cushion 25|"
    "Linen tablecloth 39|Egyptian cotton sheet set 119",
    "Kitchen & Dining": "Stoneware dinner plate 12|Ceramic mug 9|Glass tumbler set 22|Cast iron casserole 95|"
    "Oak serving board 35|Linen napkin set 18|Espresso cup set 24",
    "Decor": "Scented candle 18|Rattan mirror 79|Ceramic vase 29|Photo frame 14|Table lamp 65|Faux olive tree 45|"
    "Botanical wall print 35",
    "Beauty": "Lip tint 12|Hand cream 9|Eau de parfum 65|Face serum 29|Bath oil 19|Nail polish 7|Body lotion 15|"
    "Pamper gift set 39",
}

#: country: (share, calling code, spaced mobile template, national template, cities "name/region/lat/lon/postcode")
_COUNTRIES = {
    "United Kingdom": (
        0.70,
        "+44",
        "+44 7### ######",
        "07### ######",
        "London/Greater London/51.5074/-0.1278/SW# #@@|Manchester/North West/53.4808/-2.2426/M## #@@|"
        "Birmingham/West Midlands/52.4862/-1.8904/B## #@@|Leeds/Yorkshire and the Humber/53.8008/-1.5491/LS# #@@|"
        "Glasgow/Scotland/55.8642/-4.2518/G## #@@|Edinburgh/Scotland/55.9533/-3.1883/EH# #@@|"
        "Bristol/South West/51.4545/-2.5879/BS# #@@|Liverpool/North West/53.4084/-2.9916/L## #@@|"
        "Newcastle upon Tyne/North East/54.9783/-1.6178/NE# #@@|Cardiff/Wales/51.4816/-3.1791/CF## #@@|"
        "Brighton/South East/50.8225/-0.1372/BN# #@@|Nottingham/East Midlands/52.9548/-1.1581/NG# #@@|"
        "Belfast/Northern Ireland/54.5973/-5.9301/BT# #@@|Cambridge/East of England/52.2053/0.1218/CB# #@@",
    ),
    "Ireland": (
        0.06,
        "+353",
        "+353 8# ### ####",
        "08# ### ####",
        "Dublin/Leinster/53.3498/-6.2603/D0# @#@#|Cork/Munster/51.8985/-8.4756/T12 @#@#|"
        "Galway/Connacht/53.2707/-9.0568/H91 @#@#",
    ),
    "France": (
        0.06,
        "+33",
        "+33 6 ## ## ## ##",
        "06 ## ## ## ##",
        "Paris/Île-de-France/48.8566/2.3522/750##|Lyon/Auvergne-Rhône-Alpes/45.7640/4.8357/6900#|"
        "Marseille/Provence-Alpes-Côte d'Azur/43.2965/5.3698/130##|Lille/Hauts-de-France/50.6292/3.0573/590##",
    ),
    "Germany": (
        0.06,
        "+49",
        "+49 15# ########",
        "015# ########",
        "Berlin/Berlin/52.5200/13.4050/10###|Hamburg/Hamburg/53.5511/9.9937/20###|"
        "München/Bavaria/48.1351/11.5820/80###|Köln/North Rhine-Westphalia/50.9375/6.9603/50###",
    ),
    "Netherlands": (
        0.04,
        "+31",
        "+31 6 ########",
        "06 ########",
        "Amsterdam/North Holland/52.3676/4.9041/10## @@|Rotterdam/South Holland/51.9244/4.4777/30## @@|"
        "Utrecht/Utrecht/52.0907/5.1214/35## @@",
    ),
    "Spain": (
        0.04,
        "+34",
        "+34 6## ### ###",
        "6## ### ###",
        "Madrid/Community of Madrid/40.4168/-3.7038/280##|Barcelona/Catalonia/41.3874/2.1686/080##|"
        "Valencia/Valencian Community/39.4699/-0.3763/460##",
    ),
    "United States": (
        0.04,
        "+1",
        "+1 ### 555 ####",
        "(###) 555-####",
        "New York/New York/40.7128/-74.0060/100##|Los Angeles/California/34.0522/-118.2437/900##|"
        "Chicago/Illinois/41.8781/-87.6298/606##|Boston/Massachusetts/42.3601/-71.0589/021##",
    ),
}

#: country: female first names ; male first names ; last names
_NAMES = {
    "United Kingdom": "Olivia Amelia Isla Emily Sophie Grace Chloe Jessica Hannah Charlotte Priya Aisha Fatima Zara "
    "Chioma Mei Niamh Sarah Laura Rebecca Yasmin Ananya Zoë;Oliver George Harry Jack James Thomas Daniel Samuel "
    "Mohammed Arjun Omar Kwame Tomasz Wei Rhys Callum Liam Ethan David Adebayo;Smith Jones Taylor Brown Williams "
    "Wilson Davies Evans Thomas Roberts Patel Khan Ahmed Singh Okafor Mensah Nowak Kowalski Chen Wong O'Brien "
    "MacDonald Campbell Hughes Walker Wright Green Hall Clarke Begum",
    "Ireland": "Aoife Siobhán Ciara Niamh Saoirse Róisín Emma Orla;Seán Cian Darragh Conor Oisín Patrick Eoin;"
    "Murphy Kelly O'Sullivan Walsh Byrne Ryan O'Connor Doyle McCarthy",
    "France": "Camille Léa Manon Chloé Inès Élodie Sarah Amina;Lucas Hugo Louis Mathis Théo Karim Julien;"
    "Martin Bernard Dubois Thomas Robert Petit Durand Lefèvre Benali Moreau",
    "Germany": "Mia Hannah Lena Lea Sophie Anna Elif;Lukas Leon Finn Jonas Paul Maximilian Emre;"
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Yılmaz Hoffmann",
    "Netherlands": "Emma Julia Sanne Fleur Lotte Noor;Daan Sem Bram Lars Thijs Youssef;"
    "de Jong|Jansen|de Vries|van den Berg|Bakker|Visser|Smit|Meijer|El Amrani",
    "Spain": "Lucía María Paula Carmen Sofía Alba;Hugo Martín Pablo Alejandro Javier Diego;"
    "García Fernández González Rodríguez López Martínez Sánchez Pérez",
    "United States": "Emma Ava Madison Ashley Jasmine Maria Keisha Mia;Liam Noah Ethan Michael Jayden Carlos Tyler "
    "DeShawn;Johnson Williams Miller Davis Garcia Rodriguez Nguyen Kim Jackson Lee",
}

_INTERESTS = [
    "sustainability",
    "home décor",
    "running",
    "yoga",
    "cooking",
    "travel",
    "fashion trends",
    "vintage",
    "gardening",
    "beauty",
    "gaming",
    "music festivals",
    "interior design",
    "family",
    "pets",
    "outdoors",
    "luxury",
    "deals",
    "gifting",
    "art",
]
#: interest tags each group leans to (others appear at a low base rate)
_GROUP_INTERESTS = {
    "Loyal high spenders": "luxury|interior design|travel|art",
    "Bargain hunters": "deals|family|cooking|pets",
    "Lapsed customers": "gardening|cooking|travel|family",
    "New customers": "sustainability|running|fashion trends|yoga",
    "Young mobile-first": "fashion trends|beauty|music festivals|gaming",
    "Occasional gift buyers": "gifting|home décor|family|art",
    PROSPECT: "sustainability|home décor|fashion trends",
}
_REVIEWS = (
    "Beautiful quality, will buy again.|Fast delivery and lovely packaging.|The staff in store were so helpful.|"
    "Great value in the sale.|Love the linen range!",
    "Nice products but delivery took a while.|Sizing runs small.|Good, not amazing.|Prices have gone up.",
    "My return took weeks to refund.|Item arrived damaged.|Customer service never replied.|"
    "Quality is not what it used to be.",
)
#: per group: (mean age, sd), (median income, spread), loyalty-member share, mean NPS, consent share
_PROFILE = {
    "Loyal high spenders": ((47, 9), (82_000, 0.35), 0.9, 9.0, 0.85),
    "Bargain hunters": ((38, 10), (31_000, 0.35), 0.55, 7.0, 0.75),
    "Lapsed customers": ((45, 12), (46_000, 0.4), 0.35, 4.5, 0.5),
    "New customers": ((34, 10), (41_000, 0.4), 0.15, 8.0, 0.7),
    "Young mobile-first": ((22.5, 2.8), (23_000, 0.35), 0.3, 7.0, 0.8),
    "Occasional gift buyers": ((52, 12), (54_000, 0.4), 0.1, 7.0, 0.4),
    PROSPECT: ((36, 12), (40_000, 0.4), 0.05, 7.0, 0.9),
}
_EDUCATION = ("Secondary school", "College / vocational", "Bachelor's degree", "Master's degree", "Doctorate")
_OCCUPATIONS = (
    "Professional",
    "Manager",
    "Skilled trade",
    "Creative",
    "Healthcare",
    "Education",
    "Retail & hospitality",
    "Self-employed",
    "Homemaker",
)
_DOMAINS = ("example.com", "example.co.uk", "example.net", "example.org", "mail.example", "inbox.example")


@dataclass(frozen=True)
class SampleStore:
    """The generated shop: raw ``customers`` and ``orders`` exports and the planted ``truth``."""

    customers: pd.DataFrame
    orders: pd.DataFrame
    truth: pd.DataFrame


def generate(n_customers: int = 20_000, seed: int = 7) -> SampleStore:
    """Generate the sample shop.

    Parameters
    ----------
    n_customers : int
        Customers in the customer export; about 3% are prospects who never ordered.
    seed : int
        Seed of the single random generator: the same seed gives identical frames.

    Returns
    -------
    SampleStore
        ``customers`` (one row per customer), ``orders`` (one row per order line, returns as
        negative quantities in orders whose id starts with ``R``) and ``truth`` (``Customer ID``,
        ``Group``: the planted group of every customer).

    Examples
    --------
    >>> store = generate(2_000, seed=1)
    >>> store.truth["Group"].nunique()
    7
    """
    rng = np.random.default_rng(seed)
    names = (*GROUPS, PROSPECT)
    shares = np.array([g["share"] for g in GROUPS.values()] + [PROSPECT_SHARE])
    counts = np.floor(shares / shares.sum() * n_customers).astype(int)
    counts[np.argmax(counts)] += n_customers - counts.sum()
    group = rng.permutation(np.repeat(np.arange(len(names)), counts))

    lines = _order_lines(group, rng)
    first_order = lines.groupby("pos")["ts"].min().reindex(range(n_customers))
    spend = (
        (lines["qty"] * lines["price"]).groupby(lines["pos"]).sum().reindex(range(n_customers), fill_value=0)
    )
    customers = _customers(group, names, first_order, spend, rng)

    ids = customers["Customer ID"].to_numpy()
    orders = pd.DataFrame(
        {
            "Order ID": lines["order_id"].to_numpy(),
            "Customer ID": ids[lines["pos"].to_numpy()],
            "Order date": lines["ts"].to_numpy(),
            "Product": lines["product"].to_numpy(),
            "Category": lines["category"].to_numpy(),
            "Quantity": lines["qty"].to_numpy().astype(int),
            "Unit price": lines["price"].to_numpy(),
            "Channel": lines["channel"].to_numpy(),
            "Discount code": lines["code"].to_numpy(),
        }
    )
    truth = pd.DataFrame({"Customer ID": ids, "Group": np.asarray(names, dtype=object)[group]})
    order = np.argsort(ids, kind="stable")
    customers = customers.iloc[order].reset_index(drop=True)
    truth = truth.iloc[order].reset_index(drop=True)
    return SampleStore(customers=customers, orders=orders, truth=truth)


def write(out_dir: str | Path, n_customers: int = 20_000, seed: int = 7) -> dict[str, Path]:
    """Generate the shop and write ``customers.csv.gz``, ``orders.csv.gz`` and ``truth.csv.gz``.

    Files are UTF-8, comma separated, timestamps ISO with time of day; gzip headers carry no time, so
    the same seed writes byte-identical files. Returns the written paths keyed by table name.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store = generate(n_customers=n_customers, seed=seed)
    paths = {name: out / f"{name}.csv.gz" for name in ("customers", "orders", "truth")}
    store.customers.to_csv(paths["customers"], index=False, compression=_GZIP, date_format="%Y-%m-%d")
    store.orders.to_csv(paths["orders"], index=False, compression=_GZIP, date_format="%Y-%m-%d %H:%M:%S")
    store.truth.to_csv(paths["truth"], index=False, compression=_GZIP)
    return paths


def _gift_seasons(m: int, rng: np.random.Generator) -> np.ndarray:
    """Orders of ``m`` gift buyers in each Christmas season (2023, 2024, Black Friday 2025)."""
    r = rng.random(m)
    both, only_2024 = r < 0.75, (r >= 0.75) & (r < 0.87)
    again = (both | only_2024) & (rng.random(m) < 0.08)  # some are back for Black Friday 2025
    twice = only_2024 & (rng.random(m) < 0.75)  # Black Friday and December in the same season
    return np.column_stack([both | (r >= 0.87), (both | only_2024) + twice, again]).astype(int)


def _order_days(
    group: np.ndarray, n: np.ndarray, seasons: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Day index (0 = START) of every order: first and last order pinned to the group's windows.

    Gift buyers (rows of ``seasons``, in customer order) order once in each season they shopped in.
    """
    params = list(GROUPS.values())
    lo = np.array([[p["first"][0], p["last"][0]] for p in params])[group]
    hi = np.array([[p["first"][1], p["last"][1]] for p in params])[group]
    first_day = _DAYS - rng.uniform(lo[:, 0], hi[:, 0])
    last_day = _DAYS - rng.uniform(lo[:, 1], hi[:, 1])
    k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    n_rep = np.repeat(n, n)
    u = rng.random(len(k))
    u[k == 0] = 0.0
    u[(k == n_rep - 1) & (n_rep > 1)] = 1.0
    day = np.repeat(first_day, n) + u * np.repeat(last_day - first_day, n)
    gift = np.repeat(group == list(GROUPS).index("Occasional gift buyers"), n)
    season = np.repeat(np.tile(np.arange(3), len(seasons)), seasons.ravel())
    opens = np.array([(pd.Timestamp(d) - START).days for d in ("2023-11-15", "2024-11-15", "2025-11-24")])
    day[gift] = opens[season] + rng.random(len(season)) * np.array([39, 39, 7])[season]
    return np.floor(day).clip(0, _DAYS).astype(int)


def _hours(channel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Hour of day per order, by channel: stores keep opening hours, apps peak in the evening."""
    h = np.arange(24)
    web = 0.3 + np.exp(-((h - 13) ** 2) / 8) + 1.3 * np.exp(-((h - 21) ** 2) / 6)
    app = 0.2 + 0.8 * np.exp(-((h - 8) ** 2) / 2) + 2.0 * np.exp(-((h - 22) ** 2) / 5)
    store = np.where((h >= 9) & (h <= 19), 1.0 + np.exp(-((h - 14) ** 2) / 6), 0.0)
    social = 0.2 + 2.0 * np.exp(-((h - 21) ** 2) / 4)
    profiles = np.stack([web, app, store, social])
    cum = np.cumsum(profiles / profiles.sum(axis=1, keepdims=True), axis=1)[channel]
    return (rng.random(len(channel))[:, None] > cum).sum(axis=1).clip(0, 23)


def _choose(p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per row of the row-stochastic matrix ``p``."""
    return (rng.random(len(p))[:, None] > np.cumsum(p, axis=1)[:, :-1]).sum(axis=1)


def _catalog() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Product names, their category codes and list prices, from the compact ``_PRODUCTS`` table."""
    rows = [
        (c, *item.rsplit(" ", 1)) for c, items in enumerate(_PRODUCTS.values()) for item in items.split("|")
    ]
    categories, names, prices = zip(*rows, strict=True)
    return np.array(names, dtype=object), np.array(categories), np.array(prices, dtype=float)


def _order_lines(group: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Every order line of every buyer (prospects have none), returns included, sorted by time."""
    params = list(GROUPS.values())
    buyers = np.flatnonzero(group < len(params))
    g = group[buyers]
    n_min = np.array([p["n"][0] for p in params])[g]
    n = n_min + rng.poisson(np.array([p["n"][1] for p in params])[g])
    new = g == list(GROUPS).index("New customers")
    n[new] = 1 + rng.binomial(1, 0.35, new.sum())  # one or two orders so far
    gift = g == list(GROUPS).index("Occasional gift buyers")
    seasons = _gift_seasons(gift.sum(), rng)
    n[gift] = seasons.sum(axis=1)
    day = _order_days(g, n, seasons, rng)

    # Each buyer has a personal channel mix around the group's, so channels overlap between groups.
    mix = np.array([p["ch"] for p in params])[g]
    pref = np.array([rng.dirichlet(40 * m) for m in mix])
    cust = np.repeat(np.arange(len(buyers)), n)
    channel = _choose(pref[cust], rng)
    minute = rng.integers(0, 60, len(cust))
    ts = START + pd.to_timedelta(day, "D") + pd.to_timedelta(_hours(channel, rng) * 60 + minute, "min")
    k = np.arange(len(cust)) - np.repeat(np.cumsum(n) - n, n)
    discount = np.where(
        rng.random(len(cust)) < np.array([p["sale"] for p in params])[g][cust],
        rng.choice([0.2, 0.3, 0.4, 0.5], len(cust)),
        0.0,
    )
    welcome = (g[cust] == 3) & (k == 0) & (rng.random(len(cust)) < 0.6)
    discount[welcome] = 0.1
    code = np.where(welcome, "WELCOME10", np.char.add("SALE", (discount * 100).astype(int).astype(str)))
    code = np.where(discount > 0, code, "")

    # Lines: category by group taste, product by price taste (dear items for VIPs, cheap for hunters).
    n_lines = 1 + rng.poisson(np.array([p["lines"] for p in params])[g][cust])
    o = np.repeat(np.arange(len(cust)), n_lines)
    names, cat, price = _catalog()
    product = np.empty(len(o), dtype=int)
    line_group = g[cust][o]
    for gi, p in enumerate(params):
        sel = np.flatnonzero(line_group == gi)
        within = (price / price.mean()) ** p["taste"]
        within /= np.bincount(cat, weights=within)[cat]
        prob = np.array(p["cat"], float)[cat] * within
        product[sel] = rng.choice(len(names), len(sel), p=prob / prob.sum())
    qty = 1 + rng.poisson(np.where(np.isin(cat[product], [5, 7]), 0.6, 0.12))
    unit = np.round(price[product] * (1 - discount[o]), 2)

    lines = pd.DataFrame(
        {
            "pos": buyers[cust][o],
            "order": o,
            "ts": ts[o],
            "product": names[product],
            "category": np.array(list(_PRODUCTS), dtype=object)[cat[product]],
            "qty": qty.astype(float),
            "price": unit,
            "channel": np.array(CHANNELS, dtype=object)[channel][o],
            "code": code[o],
        }
    )
    # Personal return habits scatter around the group's rate (beta with the group's mean).
    mean_rate = np.array([p["ret"] for p in params])[g]
    habit = rng.beta(6, 6 * (1 - mean_rate) / mean_rate)
    returns = _returns(lines, habit[cust][o], rng)
    # Order ids grow with time, like a shop's own numbering; a return reuses its order's id with "R".
    rank = np.empty(len(cust), dtype=int)
    rank[np.argsort(ts.to_numpy(), kind="stable")] = np.arange(len(cust))
    lines["order_id"] = (100_001 + rank[lines["order"]]).astype(str)
    returns["order_id"] = "R" + (100_001 + rank[returns["order"]]).astype(str)
    out = pd.concat([lines, returns], ignore_index=True)
    return out.sort_values(["ts", "order_id"], kind="stable").reset_index(drop=True)


def _returns(lines: pd.DataFrame, rate: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Return lines: a share of bought lines sent back 2-28 days later (dropped past the period end)."""
    back = rng.random(len(lines)) < rate
    ret = lines[back].copy()
    ret["ts"] = ret["ts"] + pd.to_timedelta(rng.uniform(2, 28, len(ret)) * 24 * 60, "min").round("min")
    ret["qty"] = -ret["qty"]
    ret["code"] = ""
    return ret[ret["ts"] <= END]


def _fill(templates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Replace ``#`` with random digits and ``@`` with random capital letters in each template."""
    out = []
    for t in templates:
        digits = iter(rng.integers(0, 10, t.count("#")).astype(str))
        letters = iter(rng.choice(list("ABCDEFGHJKLMNPRSTUWXY"), t.count("@")))
        out.append("".join(next(digits) if ch == "#" else next(letters) if ch == "@" else ch for ch in t))
    return np.array(out, dtype=object)


def _ascii(name: str) -> str:
    """Name folded to the letters an e-mail address can carry ("Zoë O'Brien" -> "zoeobrien")."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in folded if ch.isalnum())


def _places(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Country, region, city, postcode, coordinates (real city centres with jitter) and phone."""
    countries = list(_COUNTRIES)
    share = np.array([v[0] for v in _COUNTRIES.values()])
    country = rng.choice(len(countries), n, p=share / share.sum())
    cols: dict[str, np.ndarray] = {
        k: np.empty(n, dtype=object) for k in ("country", "region", "city", "postcode")
    }
    cols["phone"] = np.empty(n, dtype=object)
    lat, lon = np.empty(n), np.empty(n)
    for ci, name in enumerate(countries):
        sel = np.flatnonzero(country == ci)
        _, _, intl, national, spec = _COUNTRIES[name]
        cities = [c.split("/") for c in spec.split("|")]
        weight = np.array([3.0] + [1.0] * (len(cities) - 1))  # the capital draws most customers
        pick = rng.choice(len(cities), len(sel), p=weight / weight.sum())
        table = np.array(cities, dtype=object)[pick]
        cols["country"][sel] = name
        cols["city"][sel], cols["region"][sel] = table[:, 0], table[:, 1]
        lat[sel] = table[:, 2].astype(float) + rng.normal(0, 0.04, len(sel))
        lon[sel] = table[:, 3].astype(float) + rng.normal(0, 0.06, len(sel))
        cols["postcode"][sel] = _fill(table[:, 4], rng)
        # Phones as people type them: compact E.164, spaced international, or national with leading 0.
        style = rng.choice(3, len(sel), p=[0.55, 0.3, 0.15])
        templ = np.where(style == 0, intl.replace(" ", ""), np.where(style == 1, intl, national))
        cols["phone"][sel] = _fill(templ, rng)
    cols["lat"], cols["lon"] = lat.round(4), lon.round(4)
    return cols


def _people(country: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Gender, first and last names from the country's pool, and an e-mail derived from them."""
    n = len(country)
    gender = rng.choice(
        np.array(["Female", "Male", "Non-binary", ""], dtype=object), n, p=[0.6, 0.36, 0.015, 0.025]
    )
    first, last = np.empty(n, dtype=object), np.empty(n, dtype=object)
    for name, spec in _NAMES.items():
        sel = np.flatnonzero(country == name)
        # Lists are space separated, or "|" separated when names contain spaces ("de Jong").
        fem, mal, lasts = (part.split("|") if "|" in part else part.split() for part in spec.split(";"))
        pool_f, pool_m = np.array(fem, dtype=object), np.array(mal, dtype=object)
        female = (gender[sel] == "Female") | ((gender[sel] != "Male") & (rng.random(len(sel)) < 0.5))
        first[sel] = np.where(female, rng.choice(pool_f, len(sel)), rng.choice(pool_m, len(sel)))
        last[sel] = rng.choice(np.array(lasts, dtype=object), len(sel))
    style = rng.integers(0, 3, n)
    number = rng.integers(1, 99, n)
    local = [
        f"{_ascii(f)}.{_ascii(la)}"
        if s == 0
        else f"{_ascii(f)[0]}{_ascii(la)}{k}"
        if s == 1
        else f"{_ascii(f)}{k}"
        for f, la, s, k in zip(first, last, style, number, strict=True)
    ]
    email = np.char.add(np.char.add(np.array(local, dtype=str), "@"), rng.choice(_DOMAINS, n)).astype(object)
    capital = rng.random(n) < 0.03  # some people type their address capitalised
    email[capital] = [e[0].upper() + e[1:] for e in email[capital]]
    email[rng.random(n) < 0.03] = ""
    return {"gender": gender, "first": first, "last": last, "email": email}


def _customers(
    group: np.ndarray,
    names: tuple[str, ...],
    first_order: pd.Series,
    spend: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The customer export: identity, contact, demographics, place, interests, loyalty and feedback."""
    n = len(group)
    prof = [_PROFILE[names[i]] for i in group]
    age_mu, age_sd = np.array([p[0] for p in prof]).T
    age = rng.normal(age_mu, age_sd).clip(18, 85)
    age = np.where(group == names.index("Young mobile-first"), age.clip(18, 27.9), age)
    inc_med, inc_sd = np.array([p[1] for p in prof]).T
    income = np.round(inc_med * np.exp(rng.normal(0, inc_sd)) / 500) * 500
    places = _places(n, rng)
    people = _people(places["country"], rng)

    # Education and occupation follow income and age, so profiles read plausibly.
    z = (np.log(income) - np.log(45_000)) / 0.5
    education = np.array(_EDUCATION, dtype=object)[
        np.round(1.6 + 0.8 * z + rng.normal(0, 0.9, n)).clip(0, 4).astype(int)
    ]
    occupation = rng.choice(np.array(_OCCUPATIONS, dtype=object), n)
    occupation[(income > 75_000) & (rng.random(n) < 0.6)] = "Manager"
    occupation[(age < 23) & (rng.random(n) < 0.6)] = "Student"
    occupation[(age >= 66) & (rng.random(n) < 0.75)] = "Retired"
    marital_p = np.where((age < 26)[:, None], [0.85, 0.12, 0.03, 0, 0], [0.25, 0.2, 0.42, 0.1, 0.03])
    marital = np.array(["Single", "Cohabiting", "Married", "Divorced", "Widowed"], dtype=object)[
        _choose(marital_p, rng)
    ]

    tags = np.array(_INTERESTS, dtype=object)
    lean = np.array(
        [[t in _GROUP_INTERESTS[names[i]].split("|") for t in _INTERESTS] for i in range(len(names))]
    )
    has = rng.random((n, len(tags))) < np.where(lean[group], 0.45, 0.04)
    interests = np.array(["|".join(tags[row]) for row in has], dtype=object)

    ordered = first_order.notna().to_numpy()
    first_day = first_order.to_numpy(dtype="datetime64[ns]")
    early = np.where(rng.random(n) < 0.4, 0, rng.integers(0, 900, n))  # many sign up with the first order
    signup = np.where(
        ordered,
        first_day - early * np.timedelta64(1, "D"),
        END - rng.integers(0, 365, n) * np.timedelta64(1, "D"),
    )
    member = rng.random(n) < np.array([p[2] for p in prof])
    points = np.where(member, np.round(spend.to_numpy() * rng.uniform(0.8, 1.2, n)), 0)
    nps = np.round(rng.normal([p[3] for p in prof], 1.6)).clip(0, 10)
    rating = np.round(nps / 2 + rng.normal(0.2, 0.6, n)).clip(1, 5)
    sentiment = np.where(nps >= 9, 0, np.where(nps >= 7, rng.integers(0, 2, n), 1 + rng.integers(0, 2, n)))
    review = np.array([rng.choice(_REVIEWS[s].split("|")) for s in sentiment], dtype=object)
    review[rng.random(n) < 0.55] = ""
    consent = np.where(rng.random(n) < np.array([p[4] for p in prof]), "Yes", "No").astype(object)
    consent[rng.random(n) < 0.03] = ""

    visits, open_rate = _browsing(group, names, rng.spawn(1)[0])
    birth = (END.normalize() - pd.to_timedelta(np.ceil(age * 365.25), "D")).to_numpy()
    frame = pd.DataFrame(
        {
            "First name": people["first"],
            "Last name": people["last"],
            "Email": people["email"],
            "Phone": places["phone"],
            "Date of birth": birth,
            "Gender": people["gender"],
            "Annual income": income,
            "Education": education,
            "Occupation": occupation,
            "Marital status": marital,
            "Country": places["country"],
            "Region": places["region"],
            "City": places["city"],
            "Postcode": places["postcode"],
            "Latitude": places["lat"],
            "Longitude": places["lon"],
            "Interests": interests,
            "Signup date": pd.to_datetime(signup).normalize(),
            "Loyalty member": np.where(member, "Yes", "No"),
            "Loyalty points": points,
            "Satisfaction rating": rating,
            "NPS": nps,
            "Review": review,
            "Marketing consent": consent,
            "Website visits (90 days)": visits,
            "Newsletter open rate": open_rate,
        }
    )
    # Real exports have gaps: unknown birth dates and incomes, survey questions left unanswered.
    for col, share in (
        ("Date of birth", 0.06),
        ("Annual income", 0.08),
        ("NPS", 0.35),
        ("Satisfaction rating", 0.25),
    ):
        frame.loc[rng.random(n) < share, col] = None
    for col in ("Annual income", "Loyalty points", "Satisfaction rating", "NPS"):
        frame[col] = frame[col].round().astype("Int64")
    # Customer numbers follow signup order, like a shop's own numbering.
    seq = np.empty(n, dtype=int)
    seq[np.argsort(frame["Signup date"].to_numpy(), kind="stable")] = np.arange(1, n + 1)
    frame.insert(0, "Customer ID", np.char.add("C", np.char.zfill(seq.astype(str), 6)).astype(object))
    return frame


#: Browsing per group: mean website/app visits in the last 90 days and newsletter open rate.
_BROWSING = {
    "Loyal high spenders": (14, 0.55), "Bargain hunters": (22, 0.45), "Lapsed customers": (1, 0.08),
    "New customers": (7, 0.35), "Young mobile-first": (26, 0.15), "Occasional gift buyers": (2, 0.2),
}  # fmt: skip


def _browsing(
    group: np.ndarray, names: tuple[str, ...], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Web analytics joined to the customer list: columns with no standard role (the "own columns" demo).

    Drawn from their own random stream so the rest of the store stays exactly as before.
    """
    visits_mean = np.array([_BROWSING.get(name, (3, 0.25))[0] for name in names])[group]
    open_mean = np.array([_BROWSING.get(name, (3, 0.25))[1] for name in names])[group]
    visits = rng.poisson(visits_mean)
    opened = rng.beta(open_mean * 8 + 0.5, (1 - open_mean) * 8 + 0.5).round(2)
    return visits, opened


def write_retail_excerpt(src: str | Path, dst: str | Path, n_customers: int = 600, seed: int = 2019) -> int:
    """Write a reproducible excerpt of the UCI "Online Retail" file: whole customers, original format.

    Every line of ``n_customers`` customers drawn with ``seed`` is kept, plus the same share of the
    invoices that have no customer id (whole invoices), so the excerpt keeps the file's mix of guest
    lines, cancellations and oddities. Lines are copied byte for byte, in their original order.

    Parameters
    ----------
    src : path
        The full ``online_retail.csv.gz`` (columns InvoiceNo, StockCode, Description, Quantity,
        InvoiceDate, UnitPrice, CustomerID, Country).
    dst : path
        Where to write the gzip-compressed excerpt.
    n_customers : int
        Customers to keep.
    seed : int
        Seed of the draw: the same seed writes the same excerpt.

    Returns
    -------
    int
        Number of data lines written (header excluded).
    """
    with gzip.open(src, "rt", encoding="utf-8", newline="") as f:
        header, *lines = f.read().splitlines(keepends=True)
    columns = next(csv.reader([header]))
    rows = [next(csv.reader([line])) for line in lines]
    inv, cust = columns.index("InvoiceNo"), columns.index("CustomerID")
    customers = np.array(sorted({r[cust] for r in rows if r[cust]}))
    guests = np.array(sorted({r[inv] for r in rows if not r[cust]}))
    rng = np.random.default_rng(seed)
    keep_customers = set(rng.choice(customers, n_customers, replace=False))
    n_guests = round(len(guests) * n_customers / len(customers))
    keep_guests = set(rng.choice(guests, n_guests, replace=False))
    kept = [
        line
        for line, r in zip(lines, rows, strict=True)
        if (r[cust] in keep_customers) or (not r[cust] and r[inv] in keep_guests)
    ]
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write("".join([header, *kept]).encode("utf-8"))
    return len(kept)
