"""Audiences: holdouts drawn after the filters, never mailed on any path; platform files by the docs."""

from __future__ import annotations

import hashlib
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable, Feature
from segmentation.outputs import (
    PLATFORMS,
    build_audience,
    campaign_zip,
    contact_details,
    platform_file,
    platform_needs,
    to_csv_bytes,
    to_xlsx_bytes,
)
from segmentation.segments import Segmentation


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _shop(n: int = 600, seed: int = 0) -> tuple[CustomerTable, Segmentation]:
    rng = np.random.default_rng(seed)
    ids = [f"C{i:04d}" for i in range(n)]
    consent = rng.choice(
        ["yes", "no", "subscribed", "pending", "同意", ""], n, p=[0.4, 0.2, 0.15, 0.1, 0.1, 0.05]
    )
    frame = pd.DataFrame(
        {
            "first_name": [f"Ann{i}" for i in range(n)],
            "last_name": ["Smith"] * n,
            "email": [f"ann.{i}@example.com" if i % 5 else None for i in range(n)],
            "phone": [f"06 12 34 {i // 100:02d} {i % 100:02d}" if i % 3 == 0 else None for i in range(n)],
            "country": ["France"] * n,
            "city": ["Paris"] * n,
            "postcode": ["75001"] * n,
            "consent": consent,
            "monetary": rng.gamma(2.0, 50.0, n),
        },
        index=pd.Index(ids, name="customer_id"),
    )
    catalog = (Feature("monetary", "value", "Revenue"),)
    codes = rng.choice(4, size=n, p=[0.4, 0.3, 0.2, 0.1])
    seg = Segmentation(pd.Series(codes, index=ids), ("Champions", "Loyal", "New", "Lost"), "test")
    return CustomerTable(frame, catalog), seg


def _ids_in_platform_file(data: bytes, platform: str, table: CustomerTable) -> set[str]:
    """Customer ids whose e-mail (or, without e-mail, phone) appears in a platform file."""
    out = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    found = contact_details(table.frame, "GB").frame
    email_col = PLATFORMS[platform][0]
    if platform == "meta":
        keys, col = found["email"].map(lambda e: _sha(e) if e else ""), out[email_col]
    elif platform == "google":
        keys, col = found["email_key"].map(lambda e: _sha(e) if e else ""), out[email_col]
    else:
        keys, col = found["email"], out[email_col]
    by_email = set(found.index[keys.isin(set(col) - {""})])
    phone_col = {"meta": "phone", "google": "Phone", "klaviyo": "Phone Number"}.get(platform)
    if phone_col is None:
        return by_email
    phone_keys = found["phone"].map(
        lambda p: (
            ""
            if not p
            else _sha(p.lstrip("+"))
            if platform == "meta"
            else _sha(p)
            if platform == "google"
            else p
        )
    )
    no_email = col == ""
    return by_email | set(found.index[phone_keys.isin(set(out.loc[no_email, phone_col]) - {""})])


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_no_holdout_customer_in_any_send_list_or_platform_file(platform: str) -> None:
    table, seg = _shop()
    audience = build_audience(
        table, seg, **platform_needs(platform), consent_only=True, holdout_share=0.2, seed=11
    )
    held = set(audience.held_out()["customer_id"])
    assert held and set(audience.send()["customer_id"]).isdisjoint(held)
    data, summary = platform_file(audience, platform)
    written = _ids_in_platform_file(data, platform, table)
    assert written.isdisjoint(held)
    assert len(written) == summary.rows_written == len(audience.send())  # the count is what lands
    # spreadsheet paths of the same audience
    csv_ids = pd.read_csv(io.BytesIO(to_csv_bytes(audience.send())), encoding="utf-8-sig")["customer_id"]
    assert set(csv_ids).isdisjoint(held)
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(audience.send()))).active
    assert {r[0].value for r in ws.iter_rows(min_row=2)}.isdisjoint(held)
    zf = zipfile.ZipFile(io.BytesIO(campaign_zip(audience)))
    sent = set().union(
        *(
            set(pd.read_csv(zf.open(n), encoding="utf-8-sig")["customer_id"])
            for n in zf.namelist()
            if n.startswith("send/")
        )
    )
    kept = set().union(
        *(
            set(pd.read_csv(zf.open(n), encoding="utf-8-sig")["customer_id"])
            for n in zf.namelist()
            if n.startswith("hold_out/")
        )
    )
    assert sent.isdisjoint(held) and kept == held
    groups = pd.read_csv(zf.open("groups.csv"), encoding="utf-8-sig")
    assert list(groups.columns) == ["customer_id", "segment", "group"]
    assert set(groups.loc[groups.group == "holdout", "customer_id"]) == held


def test_holdout_is_drawn_after_the_filters_per_segment_and_seeded() -> None:
    table, seg = _shop()
    a = build_audience(table, seg, reach="email", consent_only=True, holdout_share=0.25, seed=7)
    # every holdout customer passed the consent and contact filters
    assert a.contacts["email"].ne("").all()
    for _, part in a.rows.groupby("segment", observed=True):
        assert (part["group"] == "holdout").sum() == int(np.floor(0.25 * len(part) + 0.5))
    same = build_audience(table, seg, reach="email", consent_only=True, holdout_share=0.25, seed=7)
    other = build_audience(table, seg, reach="email", consent_only=True, holdout_share=0.25, seed=8)
    pd.testing.assert_frame_equal(a.rows, same.rows)
    assert set(a.held_out()["customer_id"]) != set(other.held_out()["customer_id"])
    assert set(a.rows["customer_id"]) == set(other.rows["customer_id"])  # only the draw changes
    # a segment's holdout does not depend on the other segments exported
    alone = build_audience(
        table, seg, segments=["New"], reach="email", consent_only=True, holdout_share=0.25, seed=7
    )
    assert set(alone.held_out()["customer_id"]) == set(a.held_out().query("segment == 'New'")["customer_id"])


def test_counts_add_up_and_unknown_consent_is_listed() -> None:
    table, seg = _shop()
    a = build_audience(table, seg, reach="email", consent_only=True)
    assert a.selected == len(a.rows) + sum(a.left_out.values())
    n_pending = int((table.frame["consent"] == "pending").sum())
    assert a.unknown_consent == {"pending": n_pending}
    assert f"{n_pending:,} customers have consent 'pending': treated as no consent." in a.messages()
    assert a.blank_consent == int((table.frame["consent"] == "").sum())
    yes = table.frame["consent"].isin(["yes", "subscribed", "同意"])
    assert a.left_out["no_consent"] == int((~yes).sum())


def test_platform_files_ignore_the_column_picker() -> None:
    table, seg = _shop()
    picked = ["first_name"]  # no country, phone or consent ticked
    full = build_audience(table, seg, reach="email_or_phone", consent_only=True)
    narrow = build_audience(table, seg, columns=picked, reach="email_or_phone", consent_only=True)
    assert list(narrow.send().columns) == ["customer_id", "segment", "first_name"]
    assert platform_file(narrow, "klaviyo")[0] == platform_file(full, "klaviyo")[0]
    out = pd.read_csv(io.BytesIO(platform_file(narrow, "klaviyo")[0]), dtype=str, keep_default_na=False)
    phones = out["Phone Number"][out["Phone Number"] != ""]
    assert phones.str.startswith("+336").all()  # French numbers stay French
    assert ((out["Email Address"] == "") & (out["Phone Number"] != "")).any()  # phone-only customers kept


def _contacts_table() -> tuple[CustomerTable, Segmentation]:
    frame = pd.DataFrame(
        {
            "email": [
                "John_Smith@gmail.com", "j.o.e+news@gmail.com", "joe.b@example.co.uk", None, "x@y.fr", "X@Y.FR",
                "joe@gmail.com",
            ],
            "phone": [None, "(650)555-1212", None, "+33 6 12 34 56 78", None, "0612345679", None],
            "first_name": ["Mary", "Valéry", "Joe", "Émilie", "Zoë", "Zoë", "Joe"],
            "last_name": ["Smith", "O'Neil", "Bloggs", "Durand", "Li", "Li", "Doe"],
            "city": ["Menlo Park", "Paris", "London", "Lyon", "Nice", "Nice", "Leeds"],
            "country": ["United States", "US", "UK", "France", "France", "France", "UK"],
            "postcode": ["94025-1234", "94025", "SW1A 1AA", "69001", "06000", "06000", "LS1 1AA"],
        },
        index=pd.Index(list("abcdefg"), name="customer_id"),
    )  # fmt: skip
    seg = Segmentation(pd.Series([0] * 7, index=frame.index), ("VIP",), "test")
    return CustomerTable(frame, ()), seg


def _file(platform: str) -> tuple[pd.DataFrame, object]:
    table, seg = _contacts_table()
    data, summary = platform_file(build_audience(table, seg, **platform_needs(platform)), platform)
    assert not data.startswith(b"\xef\xbb\xbf")
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False), summary


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_platform_headers_exact(platform: str) -> None:
    out, summary = _file(platform)
    assert list(out.columns) == list(PLATFORMS[platform])
    assert summary.rows_written == len(out)  # type: ignore[attr-defined]


def test_meta_documented_examples() -> None:
    out, _ = _file("meta")
    # Meta's customer information parameters page: John_Smith@gmail.com -> john_smith@gmail.com,
    # (650)555-1212 in the US -> 16505551212, Mary -> mary, Valéry -> valéry, United States -> us.
    assert out["email"].iloc[0] == "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
    assert out["phone"].iloc[1] == "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"
    assert out["fn"].iloc[0] == "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"
    assert out["fn"].iloc[1] == "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"
    assert out["country"].iloc[0] == "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"
    assert out["ln"].iloc[1] == _sha("oneil") and out["ct"].iloc[0] == _sha("menlopark")
    assert out["zip"].iloc[0] == _sha("94025")  # US: first five digits
    assert out["country"].iloc[2] == _sha("gb")  # "UK" is Great Britain, never "uk"
    assert out["zip"].iloc[2] == _sha("sw1a1")  # UK: area, district and sector
    assert out["phone"].iloc[3] == _sha("33612345678")  # digits with country code, no +
    assert out["email"].iloc[3] == ""  # no e-mail: an empty cell, never the hash of ""
    assert out.map(lambda v: v == "" or len(v) == 64).all().all()


def test_google_rules() -> None:
    out, summary = _file("google")
    assert out["Email"].iloc[0] == _sha("john_smith@gmail.com")
    assert out["Email"].iloc[1] == _sha("joe@gmail.com")  # gmail: dots and +suffix removed
    assert out["Phone"].iloc[1] == _sha("+16505551212")  # E.164 with its +
    assert out["First Name"].iloc[0] == _sha("mary")
    assert out["Country"].tolist()[:3] == ["US", "US", "GB"] and out["Zip"].iloc[2] == "SW1A 1AA"  # plain
    # joe@gmail.com is the same mailbox as j.o.e+news@gmail.com and x@y.fr the same as X@Y.FR: once each
    assert len(out) == 5 and summary.rows_written == 5  # type: ignore[attr-defined]


@pytest.mark.parametrize("platform", ["mailchimp", "klaviyo", "hubspot"])
def test_email_tools_get_unique_addresses(platform: str) -> None:
    out, _ = _file(platform)
    emails = out[PLATFORMS[platform][0]]
    assert emails[emails != ""].is_unique
    assert "john_smith@gmail.com" in set(emails)


def test_reach_per_platform() -> None:
    mc, _ = _file("mailchimp")
    kl, _ = _file("klaviyo")
    hs, _ = _file("hubspot")
    assert (mc["Email Address"] != "").all() and (hs["Email"] != "").all()  # e-mail tools need e-mail
    assert ((kl["Email Address"] == "") & (kl["Phone Number"] == "+33612345678")).any()  # SMS contact kept
    assert set(kl["Phone Number"]) - {""} == {"+16505551212", "+33612345678"}


def test_mailchimp_tag_with_a_comma_is_quoted() -> None:
    table, seg = _contacts_table()
    seg = seg.renamed(["Big, loyal"])
    data, _ = platform_file(build_audience(table, seg, **platform_needs("mailchimp")), "mailchimp")
    assert pd.read_csv(io.BytesIO(data), dtype=str)["Tags"].iloc[0] == '"Big, loyal"'


def test_an_audience_for_another_reach_is_refused() -> None:
    table, seg = _contacts_table()
    with pytest.raises(ValueError, match="prepared for"):
        platform_file(build_audience(table, seg, reach="any"), "mailchimp")
    with pytest.raises(ValueError, match="Unknown platform"):
        platform_file(build_audience(table, seg), "myspace")
    with pytest.raises(ValueError, match="no consent column"):
        build_audience(table, seg, consent_only=True)


def test_lists_show_money_in_cents_and_shares_to_three_places() -> None:
    table, seg = _shop(50)
    frame = table.frame.assign(monetary=615.7142857, churn_probability=0.123456, visits=7.123456)
    catalog = (Feature("monetary", "value", "Revenue", unit="currency"),
               Feature("churn_probability", "predictive", "Chance of leaving", unit="share"),
               Feature("visits", "behavioural", "Visits"))  # fmt: skip
    rows = build_audience(
        CustomerTable(frame, catalog), seg, columns=["monetary", "churn_probability", "visits"]
    ).rows
    assert set(rows["monetary"]) == {615.71} and set(rows["churn_probability"]) == {0.123}
    assert set(rows["visits"]) == {7.123456}  # no unit: written as computed
    assert len(rows) == 50
