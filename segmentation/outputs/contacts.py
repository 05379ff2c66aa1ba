"""Contact details made fit for campaigns: countries, e-mail addresses, phone numbers and consent.

Countries are read with ``pycountry`` (ISO 3166) plus the names people actually type ("UK",
"England", "USA", "Deutschland", "中国", "香港", ...). Phone numbers are parsed and checked with
``phonenumbers`` (Google's libphonenumber metadata) and written in E.164. Nothing is guessed: a local
number whose country is unknown, or a number that is not valid for its country, is left out and
counted, never completed with some default country.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import phonenumbers
import pycountry

#: Names and codes that ISO 3166 does not list but customers write (compared case-insensitively).
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "great britain": "GB", "britain": "GB", "united kingdom of great britain": "GB", "英国": "GB",
    "英國": "GB", "usa": "US", "u.s.a.": "US", "us": "US", "u.s.": "US", "america": "US",
    "united states of america": "US", "美国": "US", "美國": "US", "deutschland": "DE", "德国": "DE",
    "德國": "DE", "españa": "ES", "espana": "ES", "西班牙": "ES", "italia": "IT", "意大利": "IT",
    "義大利": "IT", "france": "FR", "法国": "FR", "法國": "FR", "holland": "NL", "the netherlands": "NL",
    "nederland": "NL", "荷兰": "NL", "荷蘭": "NL", "schweiz": "CH", "suisse": "CH", "svizzera": "CH",
    "瑞士": "CH", "österreich": "AT", "sverige": "SE", "瑞典": "SE", "norge": "NO", "danmark": "DK",
    "suomi": "FI", "polska": "PL", "česko": "CZ", "czech republic": "CZ", "éire": "IE", "eire": "IE",
    "爱尔兰": "IE", "愛爾蘭": "IE", "中国": "CN", "中國": "CN", "中华人民共和国": "CN", "中華人民共和國": "CN",
    "china": "CN", "mainland china": "CN", "中国大陆": "CN", "香港": "HK", "hong kong": "HK",
    "hong kong sar": "HK", "中国香港": "HK", "中國香港": "HK", "澳门": "MO", "澳門": "MO", "macau": "MO",
    "台灣": "TW", "台湾": "TW", "臺灣": "TW", "taiwan": "TW", "中華民國": "TW", "新加坡": "SG", "日本": "JP",
    "韩国": "KR", "韓國": "KR", "南韩": "KR", "south korea": "KR", "korea": "KR",
    "republic of korea": "KR", "加拿大": "CA", "澳大利亚": "AU", "澳大利亞": "AU", "澳洲": "AU",
    "新西兰": "NZ", "紐西蘭": "NZ", "新西蘭": "NZ", "马来西亚": "MY", "馬來西亞": "MY", "泰国": "TH",
    "泰國": "TH", "印度": "IN", "russia": "RU", "vietnam": "VN", "uae": "AE", "emirates": "AE",
    "ksa": "SA", "türkiye": "TR", "turkey": "TR", "ivory coast": "CI", "brasil": "BR", "méxico": "MX",
    "rsa": "ZA",
}  # fmt: skip

_UNKNOWN = "?"  # a region for customers whose country is given but not recognised
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_GOOGLE_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

#: Consent answers read as yes / no, after lower-casing and turning ``_`` and ``-`` into spaces.
CONSENT_YES: frozenset[str] = frozenset({
    "1", "true", "t", "yes", "y", "x", "on", "✓", "✔", "subscribed", "subscribe", "opted in", "optedin",
    "opt in", "optin", "granted", "given", "agreed", "agree", "accepted", "accept", "consent",
    "consented", "confirmed", "double opt in", "single opt in", "ja", "oui", "si", "sí",
    "是", "有", "同意", "已同意", "订阅", "已订阅", "訂閱", "已訂閱", "接受", "允许", "允許", "确认", "確認",
})  # fmt: skip
CONSENT_NO: frozenset[str] = frozenset({
    "0", "false", "f", "no", "n", "off", "unsubscribed", "unsubscribe", "not subscribed",
    "never subscribed", "non subscribed", "opted out", "optedout", "opt out", "optout", "declined",
    "decline", "refused", "denied", "withdrawn", "revoked", "no consent", "nein", "non",
    "否", "无", "無", "没有", "沒有", "不同意", "未同意", "拒绝", "拒絕", "退订", "退訂", "已退订", "已退訂",
    "取消订阅", "取消訂閱", "未订阅", "未訂閱",
})  # fmt: skip


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


@lru_cache(maxsize=4096)
def _country(text: str) -> str | None:
    folded = " ".join(text.casefold().split())
    if folded in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[folded]
    try:
        return str(pycountry.countries.lookup(folded).alpha_2)
    except LookupError:
        return None


def country_code(value: object) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name or code (``"United Kingdom"``, ``"UK"`` -> ``"GB"``).

    None when the value is blank or not a country we know: never a default country.
    """
    text = _text(value)
    return _country(text) if text else None


def country_names() -> dict[str, str]:
    """ISO-2 code to English name of every country, sorted by code (for pickers)."""
    return {str(c.alpha_2): str(c.name) for c in sorted(pycountry.countries, key=lambda c: c.alpha_2)}


def usual_country(countries: pd.Series | None, fallback: str = "GB") -> str:
    """The customers' most common recognised country (ISO-2), or ``fallback`` when none is known."""
    if countries is None:
        return fallback
    counts: Counter[str] = Counter()
    for value, n in countries.astype("string").value_counts().items():
        if code := country_code(value):
            counts[code] += int(n)
    return counts.most_common(1)[0][0] if counts else fallback


def normalise_email(value: object) -> str | None:
    """Trimmed, lower-case e-mail address, or None when the value is not an address."""
    text = _text(value).lower()
    return text if _EMAIL.fullmatch(text) else None


def google_email(email: str) -> str:
    """Google's form of an address: for gmail.com and googlemail.com, dots and a ``+suffix`` in the
    part before ``@`` are removed (``"j.o.e+news@gmail.com"`` -> ``"joe@gmail.com"``).

    Google Ads API, "Normalize and hash user-provided data"
    (https://developers.google.com/google-ads/api/docs/conversions/upload-online) and Campaign
    Manager 360 "Enhanced conversions" (https://developers.google.com/doubleclick-advertisers/guides/conversions_ec):
    remove the periods before the domain of gmail.com and googlemail.com addresses; Gmail also
    ignores everything after a plus sign, so the same mailbox is one customer.
    """
    local, _, domain = email.rpartition("@")
    if domain in _GOOGLE_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
    return f"{local}@{domain}"


#: Why a phone number was left out.
PHONE_PROBLEMS: dict[str, str] = {
    "invalid": "not a valid number for the customer's country",
    "unknown_country": "written without a country code, and the customer's country is not one we know",
    "no_country": "written without a country code, and the customer has no country",
}


_COMPACT_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_SPACED_INTERNATIONAL = re.compile(r"\+[0-9][0-9 .\-]*")  # "+44 7400 123456", "+33 6-12-34-56-78"


@lru_cache(maxsize=1024)
def _calling_code_metadata(code: int) -> object | None:
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code)
    if not regions:
        return None
    return phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, regions[0])


def _compact_e164(text: str) -> tuple[str | None, str | None] | None:
    """What :func:`_phone` gives a number written in E.164, compact (``+447400123456``) or with
    spaces, dots or hyphens between the digits (which parse drops), without ``phonenumbers.parse``;
    None when parsing could change the digits (then parse it).

    The steps are parse's own for such text (libphonenumber ``PhoneNumberUtil.parse``): the calling
    code is the prefix of 1-3 digits in the calling-code table (codes are prefix-free, ITU-T E.164);
    the rest is the national number unless it starts with a national prefix that parse would strip,
    or with a 0 (Italian leading zeros): those, about one number in a hundred, take the full parse.
    Parse is half the time of a number; checking validity stays ``is_valid_number``'s job.
    """
    if _SPACED_INTERNATIONAL.fullmatch(text):
        text = text.replace(" ", "").replace(".", "").replace("-", "")
    if not _COMPACT_E164.fullmatch(text):
        return None
    for size in (1, 2, 3):
        metadata = _calling_code_metadata(int(text[1 : 1 + size]))
        if metadata is not None:
            break
    else:
        return None, "invalid"  # no such calling code: parse raises INVALID_COUNTRY_CODE
    national = text[1 + size :]
    prefix = metadata.national_prefix_for_parsing  # type: ignore[attr-defined]
    if national.startswith("0") or (prefix and re.match(prefix, national)):
        return None
    number = phonenumbers.PhoneNumber(country_code=int(text[1 : 1 + size]), national_number=int(national))
    return (text, None) if phonenumbers.is_valid_number(number) else (None, "invalid")


def _phone(text: str, region: str | None) -> tuple[str | None, str | None]:
    if (compact := _compact_e164(text)) is not None:
        return compact
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+")
    if not international and region in (None, _UNKNOWN) and digits.startswith("00"):
        text, international = "+" + text.lstrip()[2:], True
    if not international and region in (None, _UNKNOWN):
        return None, "no_country" if region is None else "unknown_country"
    try:
        number = phonenumbers.parse(text, None if international or region == _UNKNOWN else region)
    except phonenumbers.NumberParseException:
        return None, "invalid"
    if not phonenumbers.is_valid_number(number):
        return None, "invalid"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def parse_phone(value: object, region: str | None) -> tuple[str | None, str | None]:
    """A phone number in E.164 (``"+447400123456"``) and, when it cannot be one, why not.

    ``region`` is the ISO-2 country the customer lives in (``None`` when unknown); it is used only
    for numbers written without their country code. Trunk prefixes are handled per country by
    libphonenumber ("+44 07400 123456" and "07400 123456" in GB give the same number; Italian
    numbers keep their 0), and a national number that starts with its own country code ("65 6123
    4567" in SG) is not given the code twice. Returns ``(None, None)`` for a blank value and
    ``(None, reason)`` with a key of :data:`PHONE_PROBLEMS` for one that cannot be used.
    """
    if isinstance(value, float | np.floating) and not np.isnan(value):
        value = f"{value:.0f}"  # a number column read from a spreadsheet
    text = _text(value)
    if not re.search(r"\d", text):
        return (None, "invalid") if text else (None, None)
    return _phone(text, region)


def _consent_word(value: object) -> str:
    return " ".join(_text(value).casefold().replace("_", " ").replace("-", " ").split())


def read_consent(values: pd.Series) -> tuple[np.ndarray, dict[str, int], int]:
    """Consent answers as true/false with what could not be read.

    English and Chinese words are understood (:data:`CONSENT_YES`, :data:`CONSENT_NO`); anything
    else is treated as no consent. Returns the flags, the unknown answers with their counts (most
    frequent first) and the number of blank answers.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        flags = values.astype("boolean")
        return flags.fillna(False).to_numpy(dtype=bool), {}, int(flags.isna().sum())
    words = values.map(_consent_word)
    yes, no, blank = words.isin(CONSENT_YES), words.isin(CONSENT_NO), words.eq("")
    unknown = Counter(values[~(yes | no | blank)].map(_text))
    return yes.to_numpy(dtype=bool), dict(unknown.most_common()), int(blank.sum())


@dataclass(frozen=True)
class ContactDetails:
    """Normalised contact columns of a customer table, one row per customer (same index).

    ``frame`` has ``email`` (lower-case), ``email_key`` (the address as Google reads it: one key per
    mailbox), ``phone`` (E.164), ``phone_problem`` (a :data:`PHONE_PROBLEMS` key), ``country``
    (ISO-2), ``first_name``, ``last_name``, ``city`` and ``postcode``; blanks are empty strings.
    ``unknown_countries`` counts the country values that are not countries we know.
    """

    frame: pd.DataFrame
    unknown_countries: dict[str, int] = field(default_factory=dict)


def contact_details(frame: pd.DataFrame, default_country: str | None = None) -> ContactDetails:
    """Normalise the contact columns a customer table has (any of email, phone, country, names, ...).

    ``default_country`` (ISO-2) is the country of customers whose country is blank; a country value
    that is not recognised never falls back to it.
    """
    home = country_code(default_country) if default_country else None
    if default_country and home is None:
        raise ValueError(f'"{default_country}" is not a country we know; choose a two-letter code like GB.')

    def col(name: str) -> pd.Series:
        if name in frame.columns:
            return frame[name].astype(object).where(frame[name].notna(), None)
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)

    raw_country = col("country").map(_text)
    country = raw_country.map(lambda t: _country(t) if t else None)
    unknown = Counter(raw_country[(raw_country != "") & country.isna()])
    region = [
        home if not raw else (code if isinstance(code, str) else _UNKNOWN)
        for raw, code in zip(raw_country, country, strict=True)
    ]  # blank: the default country; not recognised: unknown, never the default
    email = col("email").map(normalise_email)
    seen: dict[tuple[object, str | None], tuple[str | None, str | None]] = {}  # repeated numbers parse once
    parsed = []
    for value, where in zip(col("phone"), region, strict=True):
        key = (value if isinstance(value, str) else repr(value), where)
        if key not in seen:
            seen[key] = parse_phone(value, where)
        parsed.append(seen[key])
    out = pd.DataFrame(
        {
            "email": email.fillna("").to_numpy(),
            "email_key": email.map(lambda e: google_email(e) if isinstance(e, str) else "").to_numpy(),
            "phone": [p or "" for p, _ in parsed],
            "phone_problem": [why or "" for _, why in parsed],
            "country": country.fillna("").to_numpy(),
            **{c: col(c).map(_text).to_numpy() for c in ("first_name", "last_name", "city", "postcode")},
        },
        index=frame.index,
    )
    return ContactDetails(out, dict(unknown.most_common()))


__all__ = [
    "CONSENT_NO",
    "CONSENT_YES",
    "COUNTRY_ALIASES",
    "PHONE_PROBLEMS",
    "ContactDetails",
    "contact_details",
    "country_code",
    "country_names",
    "google_email",
    "normalise_email",
    "parse_phone",
    "read_consent",
]
