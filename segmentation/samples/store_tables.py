"""The sample store's data tables: its period, planted buying groups, products, places, names and tastes.

Plain constants, no code: ``store_orders`` and ``store_customers`` draw from them. Compact strings
("name price|name price", "city/region/lat/lon/postcode") keep the tables short enough to read.
"""

from __future__ import annotations

import pandas as pd

START = pd.Timestamp("2023-09-01")
END = pd.Timestamp("2025-11-30 23:59")
DAYS = (END.normalize() - START).days  # last day index of the period

CHANNELS = ("Web", "Mobile app", "Store", "Social")

#: Planted groups: share of customers, orders (min + Poisson mean), first/last order windows in days
#: before the end of the period, lines per order, price taste (>0 prefers dear items), sale share,
#: return rate, channel mix (Web, app, Store, Social) and category taste (see ``PRODUCTS`` order).
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

PRODUCTS = {
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
COUNTRIES = {
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
PERSON_NAMES = {
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

INTERESTS = [
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
GROUP_INTERESTS = {
    "Loyal high spenders": "luxury|interior design|travel|art",
    "Bargain hunters": "deals|family|cooking|pets",
    "Lapsed customers": "gardening|cooking|travel|family",
    "New customers": "sustainability|running|fashion trends|yoga",
    "Young mobile-first": "fashion trends|beauty|music festivals|gaming",
    "Occasional gift buyers": "gifting|home décor|family|art",
    PROSPECT: "sustainability|home décor|fashion trends",
}
REVIEWS = (
    "Beautiful quality, will buy again.|Fast delivery and lovely packaging.|The staff in store were so helpful.|"
    "Great value in the sale.|Love the linen range!",
    "Nice products but delivery took a while.|Sizing runs small.|Good, not amazing.|Prices have gone up.",
    "My return took weeks to refund.|Item arrived damaged.|Customer service never replied.|"
    "Quality is not what it used to be.",
)
#: per group: (mean age, sd), (median income, spread), loyalty-member share, mean NPS, consent share
PROFILE = {
    "Loyal high spenders": ((47, 9), (82_000, 0.35), 0.9, 9.0, 0.85),
    "Bargain hunters": ((38, 10), (31_000, 0.35), 0.55, 7.0, 0.75),
    "Lapsed customers": ((45, 12), (46_000, 0.4), 0.35, 4.5, 0.5),
    "New customers": ((34, 10), (41_000, 0.4), 0.15, 8.0, 0.7),
    "Young mobile-first": ((22.5, 2.8), (23_000, 0.35), 0.3, 7.0, 0.8),
    "Occasional gift buyers": ((52, 12), (54_000, 0.4), 0.1, 7.0, 0.4),
    PROSPECT: ((36, 12), (40_000, 0.4), 0.05, 7.0, 0.9),
}
EDUCATION = ("Secondary school", "College / vocational", "Bachelor's degree", "Master's degree", "Doctorate")
OCCUPATIONS = (
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
EMAIL_DOMAINS = (
    "example.com",
    "example.co.uk",
    "example.net",
    "example.org",
    "mail.example",
    "inbox.example",
)

#: Browsing per group: mean website/app visits in the last 90 days and newsletter open rate.
BROWSING = {
    "Loyal high spenders": (14, 0.55), "Bargain hunters": (22, 0.45), "Lapsed customers": (1, 0.08),
    "New customers": (7, 0.35), "Young mobile-first": (26, 0.15), "Occasional gift buyers": (2, 0.2),
}  # fmt: skip
