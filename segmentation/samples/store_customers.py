"""The sample store's customer export: identity, contact, demographics, place, interests, loyalty and feedback.

Values follow each customer's planted group (``store_tables.PROFILE``) and are drawn from the one
generator passed in, in a fixed order, so the same seed gives the same export.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from segmentation.samples.store_orders import choose
from segmentation.samples.store_tables import (
    BROWSING,
    COUNTRIES,
    EDUCATION,
    EMAIL_DOMAINS,
    END,
    GROUP_INTERESTS,
    INTERESTS,
    OCCUPATIONS,
    PERSON_NAMES,
    PROFILE,
    REVIEWS,
)

__all__ = ["customer_export"]


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
    countries = list(COUNTRIES)
    share = np.array([v[0] for v in COUNTRIES.values()])
    country = rng.choice(len(countries), n, p=share / share.sum())
    cols: dict[str, np.ndarray] = {
        k: np.empty(n, dtype=object) for k in ("country", "region", "city", "postcode")
    }
    cols["phone"] = np.empty(n, dtype=object)
    lat, lon = np.empty(n), np.empty(n)
    for ci, name in enumerate(countries):
        sel = np.flatnonzero(country == ci)
        _, _, intl, national, spec = COUNTRIES[name]
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
    for name, spec in PERSON_NAMES.items():
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
    email = np.char.add(np.char.add(np.array(local, dtype=str), "@"), rng.choice(EMAIL_DOMAINS, n)).astype(
        object
    )
    capital = rng.random(n) < 0.03  # some people type their address capitalised
    email[capital] = [e[0].upper() + e[1:] for e in email[capital]]
    email[rng.random(n) < 0.03] = ""
    return {"gender": gender, "first": first, "last": last, "email": email}


def customer_export(
    group: np.ndarray,
    names: tuple[str, ...],
    first_order: pd.Series,
    spend: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The customer export: identity, contact, demographics, place, interests, loyalty and feedback."""
    prof = [PROFILE[names[i]] for i in group]
    age, income = _age_and_income(group, names, prof, rng)
    places = _places(len(group), rng)
    people = _people(places["country"], rng)
    life = _life_situation(age, income, rng)
    interests = _interests(group, names, rng)
    loyalty = _loyalty_and_feedback(prof, first_order, spend, rng)
    visits, open_rate = _browsing(group, names, rng.spawn(1)[0])
    frame = pd.DataFrame(
        {
            "First name": people["first"],
            "Last name": people["last"],
            "Email": people["email"],
            "Phone": places["phone"],
            "Date of birth": (END.normalize() - pd.to_timedelta(np.ceil(age * 365.25), "D")).to_numpy(),
            "Gender": people["gender"],
            "Annual income": income,
            **life,
            "Country": places["country"],
            "Region": places["region"],
            "City": places["city"],
            "Postcode": places["postcode"],
            "Latitude": places["lat"],
            "Longitude": places["lon"],
            "Interests": interests,
            **loyalty,
            "Website visits (90 days)": visits,
            "Newsletter open rate": open_rate,
        }
    )
    _leave_gaps(frame, rng)
    # Customer numbers follow signup order, like a shop's own numbering.
    seq = np.empty(len(frame), dtype=int)
    seq[np.argsort(frame["Signup date"].to_numpy(), kind="stable")] = np.arange(1, len(frame) + 1)
    frame.insert(0, "Customer ID", np.char.add("C", np.char.zfill(seq.astype(str), 6)).astype(object))
    return frame


def _age_and_income(
    group: np.ndarray, names: tuple[str, ...], prof: list[tuple], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Age (18-85; young mobile-first customers under 28) and annual income rounded to 500."""
    age_mu, age_sd = np.array([p[0] for p in prof]).T
    age = rng.normal(age_mu, age_sd).clip(18, 85)
    age = np.where(group == names.index("Young mobile-first"), age.clip(18, 27.9), age)
    inc_med, inc_sd = np.array([p[1] for p in prof]).T
    income = np.round(inc_med * np.exp(rng.normal(0, inc_sd)) / 500) * 500
    return age, income


def _life_situation(age: np.ndarray, income: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Education, occupation and marital status, following income and age so profiles read plausibly."""
    n = len(age)
    z = (np.log(income) - np.log(45_000)) / 0.5
    education = np.array(EDUCATION, dtype=object)[
        np.round(1.6 + 0.8 * z + rng.normal(0, 0.9, n)).clip(0, 4).astype(int)
    ]
    occupation = rng.choice(np.array(OCCUPATIONS, dtype=object), n)
    occupation[(income > 75_000) & (rng.random(n) < 0.6)] = "Manager"
    occupation[(age < 23) & (rng.random(n) < 0.6)] = "Student"
    occupation[(age >= 66) & (rng.random(n) < 0.75)] = "Retired"
    marital_p = np.where((age < 26)[:, None], [0.85, 0.12, 0.03, 0, 0], [0.25, 0.2, 0.42, 0.1, 0.03])
    marital = np.array(["Single", "Cohabiting", "Married", "Divorced", "Widowed"], dtype=object)[
        choose(marital_p, rng)
    ]
    return {"Education": education, "Occupation": occupation, "Marital status": marital}


def _interests(group: np.ndarray, names: tuple[str, ...], rng: np.random.Generator) -> np.ndarray:
    """``"|"``-joined interest tags: the group's leanings often, any other tag rarely."""
    tags = np.array(INTERESTS, dtype=object)
    lean = np.array(
        [[t in GROUP_INTERESTS[names[i]].split("|") for t in INTERESTS] for i in range(len(names))]
    )
    has = rng.random((len(group), len(tags))) < np.where(lean[group], 0.45, 0.04)
    return np.array(["|".join(tags[row]) for row in has], dtype=object)


def _loyalty_and_feedback(
    prof: list[tuple], first_order: pd.Series, spend: pd.Series, rng: np.random.Generator
) -> dict[str, Any]:
    """Signup date, loyalty membership and points, survey answers, a review and marketing consent."""
    n = len(prof)
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
    review = np.array([rng.choice(REVIEWS[s].split("|")) for s in sentiment], dtype=object)
    review[rng.random(n) < 0.55] = ""
    consent = np.where(rng.random(n) < np.array([p[4] for p in prof]), "Yes", "No").astype(object)
    consent[rng.random(n) < 0.03] = ""
    return {
        "Signup date": pd.to_datetime(signup).normalize(),
        "Loyalty member": np.where(member, "Yes", "No"),
        "Loyalty points": points,
        "Satisfaction rating": rating,
        "NPS": nps,
        "Review": review,
        "Marketing consent": consent,
    }


def _leave_gaps(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Blank some values in place, as real exports have: unknown birth dates and incomes, unanswered surveys."""
    for col, share in (
        ("Date of birth", 0.06),
        ("Annual income", 0.08),
        ("NPS", 0.35),
        ("Satisfaction rating", 0.25),
    ):
        frame.loc[rng.random(len(frame)) < share, col] = None
    for col in ("Annual income", "Loyalty points", "Satisfaction rating", "NPS"):
        frame[col] = frame[col].round().astype("Int64")


def _browsing(
    group: np.ndarray, names: tuple[str, ...], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Web analytics joined to the customer list: columns with no standard role (the "own columns" demo).

    Drawn from their own random stream so the rest of the store stays exactly as before.
    """
    visits_mean = np.array([BROWSING.get(name, (3, 0.25))[0] for name in names])[group]
    open_mean = np.array([BROWSING.get(name, (3, 0.25))[1] for name in names])[group]
    visits = rng.poisson(visits_mean)
    opened = rng.beta(open_mean * 8 + 0.5, (1 - open_mean) * 8 + 0.5).round(2)
    return visits, opened
