"""Exports: campaign lists with holdout groups, spreadsheet-safe CSV/XLSX/zip files, ad-platform audiences.

Everything returns bytes or DataFrames; nothing touches the disk, so the UI hands the bytes to a
download button and a batch job writes them wherever it likes.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from segmentation.catalog import CustomerTable
from segmentation.segments import Segmentation

__all__ = [
    "DEFAULT_CONTACT_COLUMNS",
    "DEFAULT_FACT_COLUMNS",
    "PLATFORMS",
    "ExportSummary",
    "campaign_list",
    "country_code",
    "neutralise",
    "normalise_email",
    "normalise_phone",
    "platform_file",
    "safe_file_name",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "zip_by_segment",
]

#: Contact columns carried by default, in this order, when the table has them.
DEFAULT_CONTACT_COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "city",
    "country",
    "consent",
)
#: A few facts a campaign manager wants next to each name.
DEFAULT_FACT_COLUMNS: tuple[str, ...] = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "churn_probability",
)

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number ("+447700900123", "-12.5") cannot run as a formula; platform files keep them
# as they are so phone numbers stay importable.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _segment_codes(seg: Segmentation, segments: Iterable[str | int] | None) -> list[int]:
    if segments is None:
        return list(range(len(seg.names)))
    codes: list[int] = []
    for s in segments:
        if isinstance(s, str):
            if s not in seg.names:
                raise ValueError(f'There is no segment called "{s}". Pick one of: {", ".join(seg.names)}.')
            code = seg.names.index(s)
        else:
            code = int(s)
            if not 0 <= code < len(seg.names):
                raise ValueError(f"Segment number {code} does not exist.")
        if code not in codes:
            codes.append(code)
    return codes


def _holdout_mask(codes: np.ndarray, share: float, random_state: int) -> np.ndarray:
    """Exactly ``round(share * n)`` holdout customers per segment, drawn by a per-segment seed.

    Seeding per segment means a segment's holdout does not change when other segments are added to
    or removed from the export.
    """
    mask = np.zeros(len(codes), dtype=bool)
    for code in np.unique(codes):
        where = np.flatnonzero(codes == code)
        n_hold = int(np.floor(share * len(where) + 0.5))
        rng = np.random.default_rng([random_state, int(code)])
        mask[rng.choice(where, size=n_hold, replace=False)] = True
    return mask


def campaign_list(
    table: CustomerTable,
    seg: Segmentation,
    *,
    segments: Iterable[str | int] | None = None,
    columns: Sequence[str] | None = None,
    holdout_share: float = 0.0,
    random_state: int = 0,
) -> pd.DataFrame:
    """One row per customer of the chosen segments, ready to hand to a campaign tool.

    Parameters
    ----------
    table : CustomerTable
        The customer table (index ``customer_id``).
    seg : Segmentation
        Segment of every customer.
    segments : iterable of str or int, optional
        Segment names or codes to export; all segments when omitted.
    columns : sequence of str, optional
        Extra columns after ``customer_id`` and ``segment``. Default: contact columns present in the
        table plus a few key facts (recency, orders, revenue, ...). Unknown names raise ``ValueError``.
    holdout_share : float
        Share of each segment kept out of the campaign as a control group (0 = no holdout column).
    random_state : int
        Seed for the holdout draw; the same seed gives the same holdout.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``segment``, the chosen columns and, when ``holdout_share > 0``, a
        ``group`` column with ``"target"`` or ``"holdout"``. Rows in segment order.

    Examples
    --------
    >>> lst = campaign_list(table, seg, segments=["Champions"], holdout_share=0.1)  # doctest: +SKIP
    """
    if not 0.0 <= holdout_share < 1.0:
        raise ValueError("The holdout share must be between 0% and 99%.")
    frame = table.frame
    if columns is None:
        wanted = [*DEFAULT_CONTACT_COLUMNS, *DEFAULT_FACT_COLUMNS]
        columns = [c for c in wanted if c in frame.columns]
    else:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"These columns are not in the customer table: {', '.join(missing)}.")
    columns = [c for c in columns if c not in ("customer_id", "segment", "group")]

    codes = _segment_codes(seg, segments)
    labels = seg.labels[seg.labels.isin(codes)]
    # Segment order first, then the segmentation's own customer order (stable sort).
    order = np.argsort(pd.Categorical(labels.to_numpy(), categories=codes).codes, kind="stable")
    labels = labels.iloc[order]
    ids = labels.index.astype(str)

    out = pd.DataFrame({"customer_id": ids.to_numpy()})
    names = pd.Categorical.from_codes(labels.to_numpy(), categories=list(seg.names))  # type: ignore[call-overload]
    out["segment"] = names.remove_unused_categories().reorder_categories(
        [seg.names[c] for c in codes if seg.names[c] in set(names)]
    )
    facts = frame.reindex(ids)[columns].reset_index(drop=True)
    out = pd.concat([out, facts], axis=1)
    if holdout_share > 0:
        mask = _holdout_mask(labels.to_numpy(), holdout_share, random_state)
        out["group"] = np.where(mask, "holdout", "target")
    return out


def neutralise(df: pd.DataFrame, *, keep_plain_numbers: bool = False) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas (CSV/formula injection).

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe; numbers, booleans and dates are untouched. Categorical columns become text.

    Parameters
    ----------
    df : pandas.DataFrame
        Any table.
    keep_plain_numbers : bool
        Leave text that is just a signed number (``"+447700900123"``) alone; used for platform files
        whose importers need E.164 phone numbers as they are.
    """

    def fix(value: object) -> object:
        if isinstance(value, str) and value.startswith(_TRIGGERS):
            if keep_plain_numbers and _PLAIN_NUMBER.fullmatch(value):
                return value
            return "'" + value
        return value

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object).where(s.notna(), None)
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(fix, na_action="ignore")
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Neutralised CSV, UTF-8 with a byte-order mark so Excel shows accents and Chinese correctly."""
    return neutralise(df).to_csv(index=False).encode("utf-8-sig")


def _sheet_name(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", name).strip("' ") or "Customers"
    return cleaned[:31]


def to_xlsx_bytes(df: pd.DataFrame, *, sheet_name: str = "Customers") -> bytes:
    """Neutralised Excel workbook; text is always written as text, never as a formula or link."""
    import xlsxwriter  # lazy: only needed when someone asks for Excel

    safe = neutralise(df)
    buf = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    options["strings_to_numbers"] = False
    with xlsxwriter.Workbook(buf, options) as book:
        sheet = book.add_worksheet(_sheet_name(sheet_name))
        bold = book.add_format({"bold": True, "bg_color": "#EEF1F6", "bottom": 1})
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        for j, col in enumerate(safe.columns):
            sheet.write_string(0, j, str(col), bold)
            _write_column(sheet, j, safe[col], date_fmt)
            width = max([len(str(col)), *(len(str(v)) for v in safe[col].head(200))]) + 2
            sheet.set_column(j, j, min(width, 40))
        sheet.freeze_panes(1, 0)
        if len(safe.columns):
            sheet.autofilter(0, 0, max(len(safe), 1), len(safe.columns) - 1)
    return buf.getvalue()


def _write_column(sheet: Any, j: int, s: pd.Series, date_fmt: Any) -> None:
    """Write one column with a writer chosen once per dtype (xlsxwriter's own cost dominates)."""
    present = s.notna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        values = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) else s
        for i, v in enumerate(values.tolist(), start=1):
            if present[i - 1]:
                sheet.write_datetime(i, j, v.to_pydatetime(), date_fmt)
        return
    cast: Callable[[Any], Any]
    if pd.api.types.is_bool_dtype(s.dtype):
        write, cast = sheet.write_boolean, bool
    elif pd.api.types.is_numeric_dtype(s.dtype):
        write, cast = sheet.write_number, float
    else:
        write, cast = sheet.write_string, str  # text stays text: never a formula, never a link
    for i, v in enumerate(s.tolist(), start=1):
        if present[i - 1]:
            if isinstance(v, bool | np.bool_) and cast is str:
                sheet.write_boolean(i, j, bool(v))  # nullable booleans stored in object columns
            else:
                write(i, j, cast(v))


def safe_file_name(name: str, *, max_len: int = 60) -> str:
    """A file name stem safe on Windows, macOS and Linux; keeps letters of any script."""
    stem = re.sub(r"[^\w\- ]+", "_", name, flags=re.UNICODE).strip(" ._")
    stem = re.sub(r"\s+", "_", stem)
    return stem[:max_len] or "segment"


def zip_by_segment(df: pd.DataFrame, fmt: Literal["csv", "xlsx"] = "csv") -> bytes:
    """A zip archive with one file per segment of a campaign list (numbered in segment order).

    Parameters
    ----------
    df : pandas.DataFrame
        A campaign list with a ``segment`` column.
    fmt : {"csv", "xlsx"}
        File format inside the archive.
    """
    if "segment" not in df.columns:
        raise ValueError("The list has no segment column, so it cannot be split by segment.")
    if fmt not in ("csv", "xlsx"):
        raise ValueError('Choose "csv" or "xlsx".')
    seg_col = df["segment"]
    order = (
        list(seg_col.cat.categories)
        if isinstance(seg_col.dtype, pd.CategoricalDtype)
        else list(dict.fromkeys(seg_col.tolist()))
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i, name in enumerate(order, start=1):
            part = df[seg_col == name].reset_index(drop=True)
            if part.empty:
                continue
            fname = f"{i:02d}_{safe_file_name(str(name))}.{fmt}"
            data = to_csv_bytes(part) if fmt == "csv" else to_xlsx_bytes(part, sheet_name=str(name))
            zf.writestr(fname, data)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# Ad-platform and e-mail-tool audiences
# --------------------------------------------------------------------------------------------------
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
