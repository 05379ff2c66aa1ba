"""Audience files for e-mail tools and ad platforms, laid out exactly as each platform imports them.

Mailchimp, Klaviyo and HubSpot get readable contact files; Meta Custom Audiences and Google Customer
Match get normalised, SHA-256-hashed e-mail, phone and names, each with the platform's own phone rule.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from segmentation.outputs.export import neutralise

Platform = Literal["mailchimp", "klaviyo", "hubspot", "meta", "google"]

# Mailchimp Help, "Format guidelines for your import file": Email Address is required; Tags is one
# cell of comma-separated tags.
MAILCHIMP_HEADERS = ("Email Address", "First Name", "Last Name", "Phone Number", "Tags")
# Klaviyo Help, "How to import a list of profiles": default profile fields; extra columns such as
# Segment become custom profile properties. Phone numbers in E.164 (+ and country code).
KLAVIYO_HEADERS = (
    "Email",
    "Phone Number",
    "First Name",
    "Last Name",
    "City",
    "Country",
    "Zip Code",
    "Segment",
)
# HubSpot Knowledge Base, "Import contacts" / default contact properties: headers matching property
# labels are mapped automatically.
HUBSPOT_HEADERS = (
    "Email",
    "First Name",
    "Last Name",
    "Phone Number",
    "City",
    "Country/Region",
    "Postal Code",
)
# Meta Business Help Centre, "How to format a customer list when creating a custom audience", and
# Marketing API "Customer file custom audiences" normalisation + SHA-256 hashing rules.
META_HEADERS = ("email", "phone", "fn", "ln", "ct", "country", "zip")
# Google Ads Help, "Customer Match: upload template" (Email, Phone, First Name, Last Name, Country,
# Zip); Email/Phone/names hashed with SHA-256 after normalising, Country and Zip never hashed.
GOOGLE_HEADERS = ("Email", "Phone", "First Name", "Last Name", "Country", "Zip")

PLATFORMS: dict[str, tuple[str, ...]] = {
    "mailchimp": MAILCHIMP_HEADERS,
    "klaviyo": KLAVIYO_HEADERS,
    "hubspot": HUBSPOT_HEADERS,
    "meta": META_HEADERS,
    "google": GOOGLE_HEADERS,
}
PLATFORM_LABELS: dict[str, str] = {
    "mailchimp": "Mailchimp",
    "klaviyo": "Klaviyo",
    "hubspot": "HubSpot",
    "meta": "Meta (Facebook/Instagram) Custom Audience",
    "google": "Google Ads Customer Match",
}

#: Country calling codes of the countries shops in the app's data usually sell to.
CALLING_CODES: dict[str, str] = {
    "GB": "44", "IE": "353", "US": "1", "CA": "1", "FR": "33", "DE": "49", "ES": "34", "IT": "39",
    "PT": "351", "NL": "31", "BE": "32", "LU": "352", "CH": "41", "AT": "43", "DK": "45", "SE": "46",
    "NO": "47", "FI": "358", "IS": "354", "PL": "48", "CZ": "420", "GR": "30", "CY": "357", "MT": "356",
    "LT": "370", "JE": "44", "GG": "44", "IM": "44", "AU": "61", "NZ": "64", "CN": "86", "HK": "852",
    "TW": "886", "SG": "65", "JP": "81", "KR": "82", "IN": "91", "BR": "55", "MX": "52", "ZA": "27",
    "AE": "971", "SA": "966", "BH": "973", "IL": "972", "LB": "961", "TR": "90",
}  # fmt: skip
# Italian (and San Marino, Vatican) landline numbers keep their leading 0 after the country code.
_KEEP_TRUNK_ZERO = frozenset({"IT", "SM", "VA"})
_NANP = frozenset({"US", "CA"})
_COUNTRY_NAMES: dict[str, str] = {
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "ireland": "IE", "eire": "IE", "united states": "US",
    "united states of america": "US", "usa": "US", "canada": "CA", "france": "FR", "germany": "DE",
    "deutschland": "DE", "spain": "ES", "españa": "ES", "italy": "IT", "italia": "IT", "portugal": "PT",
    "netherlands": "NL", "the netherlands": "NL", "holland": "NL", "belgium": "BE", "luxembourg": "LU",
    "switzerland": "CH", "austria": "AT", "denmark": "DK", "sweden": "SE", "norway": "NO",
    "finland": "FI", "iceland": "IS", "poland": "PL", "czech republic": "CZ", "czechia": "CZ",
    "greece": "GR", "cyprus": "CY", "malta": "MT", "lithuania": "LT", "jersey": "JE", "guernsey": "GG",
    "australia": "AU", "new zealand": "NZ", "china": "CN", "中国": "CN", "hong kong": "HK",
    "taiwan": "TW", "singapore": "SG", "japan": "JP", "south korea": "KR", "korea": "KR", "india": "IN",
    "brazil": "BR", "mexico": "MX", "south africa": "ZA", "rsa": "ZA", "united arab emirates": "AE",
    "uae": "AE", "saudi arabia": "SA", "bahrain": "BH", "israel": "IL", "lebanon": "LB", "turkey": "TR",
}  # fmt: skip
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


@dataclass(frozen=True)
class ExportSummary:
    """What went into a platform file and what was left out, for the UI to say in plain words."""

    platform: str
    file_name: str
    rows_written: int
    no_contact: int
    no_consent: int = 0
    holdout_left_out: int = 0
    hashed: bool = False
    requirement: str = "e-mail or phone"

    def messages(self) -> list[str]:
        """Plain sentences describing the file, e.g. ``"312 customers have no e-mail or phone ..."``."""
        label = PLATFORM_LABELS.get(self.platform, self.platform)
        out = [f"{self.rows_written:,} customers are in the {label} file."]
        if self.no_contact:
            out.append(f"{self.no_contact:,} customers have no usable {self.requirement} and were left out.")
        if self.no_consent:
            out.append(f"{self.no_consent:,} customers have not given marketing consent and were left out.")
        if self.holdout_left_out:
            out.append(f"{self.holdout_left_out:,} holdout customers were kept out on purpose.")
        if self.hashed:
            out.append(
                "Personal details are hashed (SHA-256) as the platform asks; nothing readable is uploaded."
            )
        return out


def _blank(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def country_code(value: object) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name or code (``"United Kingdom"`` -> ``"GB"``), else None."""
    text = _blank(value)
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _COUNTRY_NAMES.get(text.casefold())


def normalise_email(value: object, *, google: bool = False) -> str | None:
    """Trimmed, lower-case e-mail, or None when it is not an address.

    With ``google=True`` dots before ``@gmail.com``/``@googlemail.com`` are removed too, as Google's
    Customer Match and enhanced-conversions normalisation rules ask.
    """
    text = _blank(value).lower()
    if not _EMAIL.fullmatch(text):
        return None
    if google:
        local, domain = text.rsplit("@", 1)
        if domain in ("gmail.com", "googlemail.com"):
            text = local.replace(".", "") + "@" + domain
    return text


def normalise_phone(value: object, default_country: str = "GB") -> str | None:
    """Phone number in E.164 (``"+447700900123"``), or None when it cannot be one.

    Numbers with ``+`` or an ``00`` prefix are international. Otherwise the number is local to
    ``default_country``: a leading trunk ``0`` is dropped (``"07700 900123"`` in GB becomes
    ``+447700900123``), except in Italy where it belongs to the number.
    """
    if isinstance(value, float | np.floating) and not np.isnan(value):
        value = f"{value:.0f}"  # a number column read from a spreadsheet
    text = re.split(r"(?i)\s*(?:ext\.?|x|#)\s*\d+\s*$", _blank(value))[0].replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    country = default_country.upper()
    if not digits:
        return None
    if text.startswith("+"):
        intl = digits
    elif digits.startswith("00"):
        intl = digits[2:]
    elif digits.startswith("011") and country in _NANP:
        intl = digits[3:]
    else:
        code = CALLING_CODES.get(country)
        if code is None:
            return None
        if digits.startswith(code) and not digits.startswith("0") and len(digits) >= 11:
            intl = digits  # already has its country code, just no "+"
        elif digits.startswith("0") and country not in _KEEP_TRUNK_ZERO:
            intl = code + digits[1:]
        else:
            intl = code + digits
    if not 7 <= len(intl) <= 15 or intl.startswith("0"):
        return None
    return "+" + intl


def _sha256(text: str | None) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def _letters(value: object) -> str:
    """Lower-case letters only (any script), as Meta asks for names and cities."""
    return "".join(ch for ch in _blank(value).lower() if ch.isalpha())


def _meta_zip(value: object, country: str | None) -> str:
    text = re.sub(r"[\s-]", "", _blank(value).lower())
    if country == "US":
        return text[:5]
    if country == "GB" and len(text) >= 5:
        return text[:-2]  # area, district and sector only
    return text


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)


def _layout(df: pd.DataFrame, platform: str, default_country: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The platform's columns for every row and a mask of rows with a usable identifier."""
    countries = _column(df, "country").map(country_code)
    home = countries.fillna(default_country.upper())
    email = _column(df, "email").map(lambda v: normalise_email(v, google=platform == "google"))
    phone = pd.Series(
        [normalise_phone(v, c) for v, c in zip(_column(df, "phone"), home, strict=True)], index=df.index
    )
    first, last = _column(df, "first_name").map(_blank), _column(df, "last_name").map(_blank)
    city, postcode = _column(df, "city").map(_blank), _column(df, "postcode").map(_blank)
    country_txt = countries.fillna("")
    usable = email.notna() if platform == "mailchimp" else email.notna() | phone.notna()
    email, phone = email.fillna(""), phone.fillna("")
    if platform == "meta":
        cols = [
            email.map(_sha256),
            phone.map(lambda p: _sha256(p.lstrip("+"))),
            first.map(lambda v: _sha256(_letters(v))),
            last.map(lambda v: _sha256(_letters(v))),
            city.map(lambda v: _sha256(_letters(v))),
            country_txt.map(lambda c: _sha256(c.lower())),
            pd.Series([_sha256(_meta_zip(z, c or None)) for z, c in zip(postcode, countries, strict=True)]),
        ]
    elif platform == "google":
        cols = [
            email.map(_sha256),
            phone.map(_sha256),
            first.map(lambda v: _sha256(v.lower())),
            last.map(lambda v: _sha256(v.lower())),
            country_txt,
            postcode,
        ]
    else:
        segment = _column(df, "segment").map(_blank)
        extra = {
            "mailchimp": [email, first, last, phone, segment.str.replace(",", " -")],
            "klaviyo": [email, phone, first, last, city, country_txt, postcode, segment],
            "hubspot": [email, first, last, phone, city, country_txt, postcode],
        }
        cols = extra[platform]
    frame = pd.DataFrame({h: pd.Series(c).to_numpy() for h, c in zip(PLATFORMS[platform], cols, strict=True)})
    return frame, usable.to_numpy()


def platform_file(
    df: pd.DataFrame,
    platform: str,
    *,
    default_country: str = "GB",
    consent_only: bool = False,
) -> tuple[bytes, ExportSummary]:
    """A customer file laid out exactly as an e-mail tool or ad platform imports it.

    Parameters
    ----------
    df : pandas.DataFrame
        A campaign list (see :func:`campaign_list`) with any of ``email``, ``phone``, ``first_name``,
        ``last_name``, ``city``, ``country``, ``postcode``, ``consent``, ``segment``, ``group``.
    platform : {"mailchimp", "klaviyo", "hubspot", "meta", "google"}
        Target layout. Meta and Google files carry SHA-256 hashes of normalised values.
    default_country : str
        ISO-2 country of local phone numbers when a row has no known country.
    consent_only : bool
        Keep only customers whose ``consent`` is true.

    Returns
    -------
    (bytes, ExportSummary)
        UTF-8 CSV (no byte-order mark: importers read it as part of the first header) and counts of
        what was written and left out. Holdout rows are never written.
    """
    if platform not in PLATFORMS:
        raise ValueError(f'Unknown platform "{platform}". Choose one of: {", ".join(PLATFORMS)}.')
    if default_country.upper() not in CALLING_CODES:
        raise ValueError(f'Phone numbers cannot be completed for country "{default_country}".')
    rows = df.reset_index(drop=True)
    holdout = rows["group"].eq("holdout").to_numpy() if "group" in rows.columns else np.zeros(len(rows), bool)
    rows = rows[~holdout].reset_index(drop=True)
    no_consent = 0
    if consent_only:
        if "consent" not in rows.columns:
            raise ValueError("The data has no consent column, so consenting customers cannot be picked.")
        consent = rows["consent"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        no_consent = int((~consent).sum())
        rows = rows[consent].reset_index(drop=True)
    frame, usable = _layout(rows, platform, default_country)
    frame = frame[usable]
    data = neutralise(frame, keep_plain_numbers=True).to_csv(index=False).encode("utf-8")
    summary = ExportSummary(
        platform=platform,
        file_name=f"{platform}_audience.csv",
        rows_written=len(frame),
        no_contact=int((~usable).sum()),
        no_consent=no_consent,
        holdout_left_out=int(holdout.sum()),
        hashed=platform in ("meta", "google"),
        requirement="e-mail" if platform == "mailchimp" else "e-mail or phone",
    )
    return data, summary
