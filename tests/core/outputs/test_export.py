"""Exports: campaign lists reconcile with segments, holdouts are fair and seeded, files are safe."""

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
    campaign_list,
    neutralise,
    normalise_phone,
    platform_file,
    to_csv_bytes,
    to_xlsx_bytes,
    zip_by_segment,
)
from segmentation.segments import Segmentation


def _table(n: int = 500, seed: int = 0) -> tuple[CustomerTable, Segmentation]:
    rng = np.random.default_rng(seed)
    ids = [f"C{i:04d}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "first_name": [f"Ann{i}" for i in range(n)],
            "last_name": ["Smith"] * n,
            "email": [f"ann.{i}@example.com" if i % 7 else None for i in range(n)],
            "phone": [f"07700 9{i:05d}" if i % 3 == 0 else None for i in range(n)],
            "consent": [bool(i % 2) for i in range(n)],
            "frequency": rng.integers(1, 10, n).astype(float),
            "monetary": rng.gamma(2.0, 50.0, n),
        },
        index=pd.Index(ids, name="customer_id"),
    )
    catalog = (Feature("frequency", "behavioural", "Orders"), Feature("monetary", "value", "Revenue"))
    codes = rng.choice(5, size=n, p=[0.4, 0.3, 0.2, 0.07, 0.03])
    seg = Segmentation(pd.Series(codes, index=ids), ("Champions", "Loyal", "New", "At risk", "Lost"), "test")
    return CustomerTable(frame, catalog), seg


def test_campaign_list_reconciles_with_segment_sizes() -> None:
    table, seg = _table()
    chosen = ["Loyal", "Lost"]
    out = campaign_list(table, seg, segments=chosen)
    assert out["customer_id"].is_unique
    expected = seg.labels[seg.labels.isin([1, 4])].index
    assert set(out["customer_id"]) == set(expected)
    counts = out["segment"].value_counts()
    for name in chosen:
        assert counts[name] == seg.sizes()[name]
    assert list(out.columns[:2]) == ["customer_id", "segment"]
    assert {"email", "phone", "monetary"} <= set(out.columns)
    # values follow their customer
    np.testing.assert_array_equal(out["monetary"], table.frame.loc[out["customer_id"], "monetary"])


def test_campaign_list_all_segments_by_default_and_unknown_inputs_are_clear() -> None:
    table, seg = _table()
    assert len(campaign_list(table, seg)) == len(seg.labels)
    with pytest.raises(ValueError, match="no segment called"):
        campaign_list(table, seg, segments=["Nope"])
    with pytest.raises(ValueError, match="not in the customer table"):
        campaign_list(table, seg, columns=["shoe_size"])


@pytest.mark.parametrize("share", [0.1, 0.25, 0.5])
def test_holdout_share_per_segment_and_deterministic(share: float) -> None:
    table, seg = _table()
    a = campaign_list(table, seg, holdout_share=share, random_state=7)
    b = campaign_list(table, seg, holdout_share=share, random_state=7)
    c = campaign_list(table, seg, holdout_share=share, random_state=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["group"].equals(c["group"])
    for _, part in a.groupby("segment", observed=True):
        held = (part["group"] == "holdout").sum()
        assert abs(held - share * len(part)) <= 1
    assert set(a["group"]) == {"target", "holdout"}


def test_holdout_of_a_segment_does_not_depend_on_other_segments() -> None:
    table, seg = _table()
    alone = campaign_list(table, seg, segments=["New"], holdout_share=0.2)
    together = campaign_list(table, seg, holdout_share=0.2)
    together = together[together["segment"] == "New"]
    assert set(alone.loc[alone.group == "holdout", "customer_id"]) == set(
        together.loc[together.group == "holdout", "customer_id"]
    )


def _evil() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["1", "2", "3", "4", "5", "6"],
            "segment": pd.Categorical(["=Top", "Top", "Top", "Top", "Top", "Top"]),
            "name": ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "Zoë 张伟"],
            "amount": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )


def test_neutralise_prefixes_formula_triggers_and_leaves_numbers() -> None:
    out = neutralise(_evil())
    assert out["name"].tolist()[:5] == ["'" + v for v in _evil()["name"].tolist()[:5]]
    assert out["name"].iloc[5] == "Zoë 张伟"
    assert out["segment"].iloc[0] == "'=Top"
    assert out["amount"].tolist() == _evil()["amount"].tolist()


def test_csv_has_bom_and_no_live_formulas() -> None:
    data = to_csv_bytes(_evil())
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert back["name"].iloc[5] == "Zoë 张伟"
    assert not back["name"].str.match(r"^[=+\-@\t\r]").any()


def test_xlsx_has_no_formulas_and_keeps_apostrophe_text() -> None:
    data = to_xlsx_bytes(_evil())
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    names = [ws.cell(row=r, column=3).value for r in range(2, 8)]
    assert names[0] == '\'=HYPERLINK("http://x","y")'
    assert names[5] == "Zoë 张伟"
    assert ws.cell(row=2, column=4).value == -5.0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_zip_has_one_file_per_segment(fmt: str) -> None:
    table, seg = _table()
    seg = seg.renamed({0: "Top / Best: «VIP»", 2: "新客户"})
    out = campaign_list(table, seg, segments=[0, 2, 3])
    zf = zipfile.ZipFile(io.BytesIO(zip_by_segment(out, fmt)))
    names = zf.namelist()
    assert len(names) == 3 and all(n.endswith("." + fmt) for n in names)
    assert all("/" not in n and ":" not in n for n in names)
    assert any("新客户" in n for n in names)
    total = 0
    for n in names:
        raw = zf.read(n)
        part = (
            pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
            if fmt == "csv"
            else pd.read_excel(io.BytesIO(raw), engine="openpyxl")
        )
        assert part["segment"].nunique() == 1
        total += len(part)
    assert total == len(out)


# --- platform files ----------------------------------------------------------------------------------


def _contacts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e", "f"],
            "segment": ["VIP"] * 6,
            "email": [" John.Doe@Example.COM ", "j.o.e@gmail.com", None, "not an email", None, "x@y.fr"],
            "phone": ["07700 900123", None, "+33 6 12 34 56 78", None, None, "0044 (0)20 7946 0958"],
            "first_name": ["John", "Joe", "Émilie", "Bo", "Al", "Zoë"],
            "last_name": ["Doe", "Bloggs", "Durand", "Li", "Ng", "O'Neil"],
            "country": ["United Kingdom", "GB", "France", None, None, "GB"],
            "postcode": ["SW1A 1AA", None, "75001", None, None, "E1 6AN"],
            "consent": [True, True, False, True, None, True],
        }
    )


def _read(data: bytes) -> pd.DataFrame:
    assert not data.startswith(b"\xef\xbb\xbf")
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    ("platform", "headers"),
    [
        ("mailchimp", ["Email Address", "First Name", "Last Name", "Phone Number", "Tags"]),
        (
            "klaviyo",
            ["Email", "Phone Number", "First Name", "Last Name", "City", "Country", "Zip Code", "Segment"],
        ),
        (
            "hubspot",
            ["Email", "First Name", "Last Name", "Phone Number", "City", "Country/Region", "Postal Code"],
        ),
        ("meta", ["email", "phone", "fn", "ln", "ct", "country", "zip"]),
        ("google", ["Email", "Phone", "First Name", "Last Name", "Country", "Zip"]),
    ],
)
def test_platform_headers_exact(platform: str, headers: list[str]) -> None:
    data, summary = platform_file(_contacts(), platform)
    assert data.decode("utf-8").splitlines()[0] == ",".join(headers)
    assert summary.rows_written == len(_read(data))


def test_rows_without_contact_are_counted() -> None:
    _, summary = platform_file(_contacts(), "hubspot")
    # d has an invalid e-mail and no phone, e has neither
    assert summary.no_contact == 2 and summary.rows_written == 4
    assert any("2 customers have no usable e-mail or phone" in m for m in summary.messages())
    _, mc = platform_file(_contacts(), "mailchimp")  # Mailchimp needs an e-mail address
    assert mc.no_contact == 3 and mc.rows_written == 3


def test_plain_platform_phone_is_e164() -> None:
    out = _read(platform_file(_contacts(), "klaviyo")[0])
    assert out["Phone Number"].tolist() == ["+447700900123", "", "+33612345678", "+442079460958"]
    assert out["Email"].iloc[0] == "john.doe@example.com"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_meta_hashes_normalised_values() -> None:
    out = _read(platform_file(_contacts(), "meta")[0])
    assert out["email"].iloc[0] == _sha("john.doe@example.com")
    assert out["phone"].iloc[0] == _sha("447700900123")  # digits only, country code, no +
    assert out["fn"].iloc[2] == _sha("émilie")
    assert out["ln"].iloc[3] == _sha("oneil")
    assert out["country"].iloc[0] == _sha("gb")
    assert out["email"].iloc[2] == ""  # no e-mail: empty cell, never the hash of ""
    assert out["email"].str.fullmatch(r"|[0-9a-f]{64}").all()


def test_google_hashes_e164_and_gmail_rule_country_zip_plain() -> None:
    out = _read(platform_file(_contacts(), "google")[0])
    assert out["Email"].iloc[0] == _sha("john.doe@example.com")
    assert out["Email"].iloc[1] == _sha("joe@gmail.com")
    assert out["Phone"].iloc[0] == _sha("+447700900123")
    assert out["Country"].iloc[0] == "GB" and out["Zip"].iloc[0] == "SW1A 1AA"


def test_consent_and_holdout_filters() -> None:
    df = _contacts().assign(group=["target", "holdout", "target", "target", "target", "target"])
    _, s = platform_file(df, "hubspot", consent_only=True)
    assert s.holdout_left_out == 1 and s.no_consent == 2 and s.rows_written == 2
    with pytest.raises(ValueError, match="no consent column"):
        platform_file(df.drop(columns="consent"), "meta", consent_only=True)


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("07700 900123", "GB", "+447700900123"),
        ("+44 (0)7700 900123", "GB", "+447700900123"),
        ("0044 7700 900123", "GB", "+447700900123"),
        ("447700900123", "GB", "+447700900123"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("030 1234567", "DE", "+49301234567"),
        ("06 1234 5678", "IT", "+390612345678"),  # Italy keeps the 0
        ("(212) 555-0100", "US", "+12125550100"),
        ("1-212-555-0100", "US", "+12125550100"),
        (7700900123.0, "GB", "+447700900123"),
        ("12", "GB", None),
        ("call me", "GB", None),
        (None, "GB", None),
    ],
)
def test_normalise_phone(raw: object, country: str, expected: str | None) -> None:
    assert normalise_phone(raw, country) == expected


def test_unknown_platform_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Unknown platform"):
        platform_file(_contacts(), "myspace")
