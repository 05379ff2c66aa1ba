"""Audience files for e-mail tools and ad platforms, laid out as each platform's import asks.

Every file is written from an :class:`~segmentation.outputs.audience.Audience` built for that
platform (:data:`PLATFORM_REACH`), so it holds the send list only (never the holdout), one row per
e-mail address or phone number, and always the contact columns the platform needs, whatever columns
the user picked for the spreadsheets. The rules followed, with the pages they come from, are next to
each layout below.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from segmentation.outputs.audience import Audience, Reach
from segmentation.outputs.export import to_csv_bytes

# Mailchimp, "Format guidelines for your import file"
# (https://mailchimp.com/help/format-guidelines-for-your-import-file/): Email Address is the one
# required column, one address per contact; SMS phone numbers in E.164; Tags is one cell of
# comma-separated tags, a tag that contains a comma is wrapped in double quotes; "we can only support
# international characters like ñ or é if they come after the @ symbol", so an address with one
# before the @ is left out of the file (and counted), never sent to be refused.
MAILCHIMP_HEADERS = ("Email Address", "First Name", "Last Name", "Phone Number", "Tags")
# Klaviyo, "How to create and add subscribers to a new list"
# (https://help.klaviyo.com/hc/en-us/articles/115005078967) and "Troubleshooting list imports"
# (https://help.klaviyo.com/hc/en-us/articles/115005078807): the first column is Email Address or
# Phone Number; columns named like Klaviyo properties map themselves, others (Segment) become custom
# properties; every row needs an e-mail or phone; no duplicate e-mail addresses or phone numbers;
# phone numbers in E.164.
KLAVIYO_HEADERS = (
    "Email Address",
    "Phone Number",
    "First Name",
    "Last Name",
    "City",
    "Country",
    "Zip Code",
    "Segment",
)
# HubSpot Knowledge Base, "Set up your import file"
# (https://knowledge.hubspot.com/import-and-export/set-up-your-import-file): headers that match
# contact property labels map automatically; Email is the contacts' unique identifier (a row without
# it creates a new contact on every import), so HubSpot files need an e-mail address.
HUBSPOT_HEADERS = (
    "Email",
    "First Name",
    "Last Name",
    "Phone Number",
    "City",
    "Country/Region",
    "Postal Code",
)
# Meta Business Help Centre, "How to format a customer list when creating a custom audience"
# (https://www.facebook.com/business/help/2082575038703844) for the column headers; normalising
# before SHA-256 as in Meta's customer information parameters
# (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters):
# e-mail trimmed and lower-case; phone as digits with the country code, no "+" and no leading zeros;
# names lower-case letters (accents kept, UTF-8), no punctuation; city lower-case letters without
# spaces; zip lower-case without spaces or dashes, the first 5 digits in the US and area, district
# and sector in the UK; country the lower-case ISO 3166-1 alpha-2 code. Every column is hashed.
META_HEADERS = ("email", "phone", "fn", "ln", "ct", "country", "zip")
# Google Ads Help, "Format your customer data file" (https://support.google.com/google-ads/answer/7659867)
# and "Formatting guidelines for uploading hashed data" (https://support.google.com/google-ads/answer/7476159):
# English headers Email, Phone, First Name, Last Name, Country, Zip; Email, Phone and the names are
# hashed with SHA-256 after trimming and lower-casing (phone in E.164 with "+", gmail.com and
# googlemail.com addresses in Google's form, see contacts.google_email); Country (ISO-2) and Zip are
# never hashed.
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
#: What a customer needs to be in each platform's file.
PLATFORM_REACH: dict[str, Reach] = {
    "mailchimp": "email",
    "klaviyo": "email_or_phone",
    "hubspot": "email",
    "meta": "email_or_phone",
    "google": "email_or_phone",
}
#: Platforms that refuse an address with a non-ASCII letter before the @ (see Mailchimp above).
ASCII_EMAIL_PLATFORMS = frozenset({"mailchimp"})


def platform_needs(platform: str) -> dict[str, Any]:
    """The :func:`~segmentation.outputs.audience.build_audience` settings a platform's file needs."""
    if platform not in PLATFORMS:
        raise ValueError(f'Unknown platform "{platform}". Choose one of: {", ".join(PLATFORMS)}.')
    return {"reach": PLATFORM_REACH[platform], "ascii_email": platform in ASCII_EMAIL_PLATFORMS}


@dataclass(frozen=True)
class ExportSummary:
    """What went into a platform file and what was left out, for the UI and the CLI to say."""

    platform: str
    file_name: str
    rows_written: int
    hashed: bool
    audience_messages: tuple[str, ...] = ()

    def messages(self) -> list[str]:
        """Plain sentences describing the file, e.g. ``"312 customers have no usable e-mail ..."``."""
        label = PLATFORM_LABELS.get(self.platform, self.platform)
        out = [f"{self.rows_written:,} customers are in the {label} file.", *self.audience_messages[1:]]
        if self.hashed:
            out.append(
                "Personal details are hashed (SHA-256) as the platform asks; nothing readable is uploaded."
            )
        return out


def sha256(text: str) -> str:
    """Lower-case hex SHA-256 of UTF-8 text; an empty value stays empty (never the hash of "")."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def meta_name(value: str) -> str:
    """Meta's form of a first or last name: lower-case letters of any script, nothing else."""
    return "".join(ch for ch in value.lower() if ch.isalpha())


def meta_zip(value: str, country: str) -> str:
    """Meta's form of a postcode: lower-case, no spaces or dashes; US: 5 digits; UK: to the sector."""
    text = re.sub(r"[\s-]", "", value.lower())
    if country == "US":
        return text[:5]
    if country == "GB" and len(text) >= 5:
        return text[:-2]  # "SW1A 1AA" -> "sw1a1": area, district and sector
    return text


def google_name(value: str) -> str:
    """Google's form of a name before hashing: trimmed, lower-case, single spaces."""
    return " ".join(value.lower().split())


def _tag(segment: str) -> str:
    tag = segment[:100]
    return f'"{tag}"' if "," in tag else tag


def _columns(c: pd.DataFrame, segment: pd.Series, platform: str) -> list[pd.Series]:
    def hashed(s: pd.Series, f: Callable[[str], str]) -> pd.Series:
        return s.map(lambda v: sha256(f(v)))

    if platform == "meta":
        zips = pd.Series([meta_zip(z, k) for z, k in zip(c["postcode"], c["country"], strict=True)])
        return [
            hashed(c["email"], str),
            hashed(c["phone"], lambda p: p.lstrip("+")),
            hashed(c["first_name"], meta_name),
            hashed(c["last_name"], meta_name),
            hashed(c["city"], meta_name),
            hashed(c["country"], str.lower),
            zips.map(sha256),
        ]
    if platform == "google":
        return [
            hashed(c["email_key"], str),
            hashed(c["phone"], str),
            hashed(c["first_name"], google_name),
            hashed(c["last_name"], google_name),
            c["country"],
            c["postcode"],
        ]
    if platform == "mailchimp":
        return [c["email"], c["first_name"], c["last_name"], c["phone"], segment.map(_tag)]
    if platform == "klaviyo":
        return [
            c["email"],
            c["phone"],
            c["first_name"],
            c["last_name"],
            c["city"],
            c["country"],
            c["postcode"],
            segment,
        ]
    return [c["email"], c["first_name"], c["last_name"], c["phone"], c["city"], c["country"], c["postcode"]]


def platform_file(audience: Audience, platform: str) -> tuple[bytes, ExportSummary]:
    """The send list of ``audience`` laid out exactly as an e-mail tool or ad platform imports it.

    Parameters
    ----------
    audience : Audience
        Built with :func:`platform_needs` (see :func:`build_audience`), so the customers counted in
        it are the customers written.
    platform : {"mailchimp", "klaviyo", "hubspot", "meta", "google"}
        Target layout. Meta and Google files carry SHA-256 hashes of normalised values.

    Returns
    -------
    (bytes, ExportSummary)
        UTF-8 CSV without a byte-order mark (importers would read it as part of the first header),
        and what was written and left out. Holdout and global-control customers are never written.
    """
    if platform not in PLATFORMS:
        raise ValueError(f'Unknown platform "{platform}". Choose one of: {", ".join(PLATFORMS)}.')
    if (audience.reach, audience.ascii_email) != tuple(platform_needs(platform).values()):
        raise ValueError(
            f"This list was prepared for customers with {audience.reach.replace('_', ' ')}; "
            f"{PLATFORM_LABELS[platform]} needs it prepared for its own requirement."
        )
    target = audience.is_target
    contacts = audience.contacts[target].reset_index(drop=True)
    segment = audience.rows.loc[target, "segment"].astype(str).reset_index(drop=True)
    cols = _columns(contacts, segment, platform)
    frame = pd.DataFrame({h: pd.Series(v).to_numpy() for h, v in zip(PLATFORMS[platform], cols, strict=True)})
    data = to_csv_bytes(frame, bom=False, keep_plain_numbers=True)
    summary = ExportSummary(
        platform=platform,
        file_name=f"{platform}_audience.csv",
        rows_written=len(frame),
        hashed=platform in ("meta", "google"),
        audience_messages=tuple(audience.messages()),
    )
    return data, summary


__all__ = [
    "ASCII_EMAIL_PLATFORMS",
    "PLATFORMS",
    "PLATFORM_LABELS",
    "PLATFORM_REACH",
    "ExportSummary",
    "google_name",
    "meta_name",
    "meta_zip",
    "platform_file",
    "platform_needs",
    "sha256",
]
