"""Contacts: phones from many countries to E.164 digit by digit, countries by name, e-mails, consent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pytest

from segmentation.dataset import SourceFile, load_dataset
from segmentation.outputs import build_audience
from segmentation.outputs.contacts import (
    contact_details,
    country_code,
    google_email,
    normalise_email,
    parse_phone,
    read_consent,
)
from segmentation.segments import Segmentation

# A hand-made customer file: phones written the way people type them, local and international, in
# ten countries; the expected E.164 number of each worked out by hand from the national numbering plan.
CUSTOMERS = """customer_id,email,phone,country,consent
gb1,a@example.co.uk,07400 123456,United Kingdom,yes
gb2,b@example.co.uk,+44 07400 123457,UK,Subscribed
gb3,c@example.co.uk,0044 (0)20 7946 0958,England,opted in
gb4,d@example.co.uk,447400123458,GB,opt-in
fr1,e@example.fr,06 12 34 56 78,France,Oui
fr2,f@example.fr,+33 (0)6 12 34 56 79,France,1
de1,g@example.de,0151 23456789,Deutschland,true
de2,h@example.de,+49 30 1234567,Germany,是
it1,i@example.it,06 1234 5678,Italia,同意
it2,j@example.it,+39 312 345 6789,Italy,订阅
us1,k@example.com,(201) 555-0123,USA,Y
us2,l@example.com,1-201-555-0124,United States,pending
sg1,m@example.sg,65 6123 4567,Singapore,no
sg2,n@example.sg,+65 6123 4568,新加坡,unsubscribed
ar1,o@example.ar,011 15-2345-6789,Argentina,否
ar2,p@example.ar,+54 9 11 2345-6780,Argentina,不同意
cn1,q@example.cn,138 0013 8000,中国,
cn2,r@example.cn,+86 10 1234 5678,中國,pending
hk1,s@example.hk,9123 4567,香港,maybe
tw1,t@example.tw,0912 345 678,台灣,yes
xx1,u@example.com,0612 345 678,Narnia,yes
xx2,v@example.com,+33 6 12 34 56 70,Narnia,yes
zz1,w@example.com,07400 123459,,yes
bad,x@example.com,07700 900123,United Kingdom,yes
"""
EXPECTED = {
    "gb1": "+447400123456", "gb2": "+447400123457", "gb3": "+442079460958", "gb4": "+447400123458",
    "fr1": "+33612345678", "fr2": "+33612345679", "de1": "+4915123456789", "de2": "+49301234567",
    "it1": "+390612345678", "it2": "+393123456789", "us1": "+12015550123", "us2": "+12015550124",
    "sg1": "+6561234567", "sg2": "+6561234568", "ar1": "+5491123456789", "ar2": "+5491123456780",
    "cn1": "+8613800138000", "cn2": "+861012345678", "hk1": "+85291234567", "tw1": "+886912345678",
    "xx2": "+33612345670", "zz1": "+447400123459",
}  # fmt: skip


@pytest.fixture(scope="module")
def details(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("c") / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    table = load_dataset([SourceFile(path.name, path)], predictions=False).table
    return table, contact_details(table.frame, default_country="GB")


def test_phones_from_ten_countries_digit_by_digit(details) -> None:
    _, found = details
    phones = found.frame["phone"]
    for cid, expected in EXPECTED.items():
        assert phones[cid] == expected, cid
    # never a guess: a local number of an unknown country and a number invalid for its country
    assert phones["xx1"] == "" and found.frame.loc["xx1", "phone_problem"] == "unknown_country"
    assert phones["bad"] == "" and found.frame.loc["bad", "phone_problem"] == "invalid"
    assert found.unknown_countries == {"Narnia": 2}
    assert found.frame.loc["xx1", "country"] == ""  # an unknown country is never the default one


def test_an_unknown_country_is_named_with_what_it_costs_and_how_to_fix_it(details) -> None:
    table, found = details
    everyone = Segmentation(pd.Series(0, index=table.frame.index, dtype="int64"), ("All",), "all")
    messages = build_audience(table, everyone, contacts=found).messages()
    (line,) = [m for m in messages if m.startswith("Countries we do not recognise")]
    assert "'Narnia' (2)" in line
    assert "only when written with a country code" in line and "two-letter code" in line


def test_defects_of_the_hand_made_normaliser_are_gone() -> None:
    assert country_code("UK") == "GB"  # not a country code of its own
    assert parse_phone("011 15-2345-6789", "AR")[0] == "+5491123456789"  # not a +44 number
    assert parse_phone("+44 07400 123456", "GB")[0] == "+447400123456"  # trunk 0 dropped
    assert parse_phone("65 6123 4567", "SG")[0] == "+6561234567"  # no second 65
    assert parse_phone("07400 123456", None) == (None, "no_country")
    assert parse_phone("0044 7400 123456", None)[0] == "+447400123456"
    assert parse_phone(7400123456.0, "GB")[0] == "+447400123456"  # a number read from a spreadsheet
    assert parse_phone("call me", "GB") == (None, "invalid")
    assert parse_phone(None, "GB") == (None, None)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United Kingdom", "GB"), ("uk", "GB"), ("England", "GB"), ("Great Britain", "GB"),
        ("USA", "US"), ("America", "US"), ("Deutschland", "DE"), ("中国", "CN"), ("中國", "CN"),
        ("香港", "HK"), ("台灣", "TW"), ("France", "FR"), ("DEU", "DE"), ("Viet Nam", "VN"),
        ("Narnia", None), ("XX", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_country_names_and_codes(name: str | None, code: str | None) -> None:
    assert country_code(name) == code


def test_unknown_default_country_is_refused() -> None:
    with pytest.raises(ValueError, match="not a country we know"):
        contact_details(pd.DataFrame({"phone": ["1"]}), default_country="Atlantis")


def test_emails_and_googles_rule() -> None:
    assert normalise_email("  John.Doe@Example.COM ") == "john.doe@example.com"
    assert normalise_email("not an email") is None
    assert google_email("j.o.e+news@gmail.com") == "joe@gmail.com"
    assert google_email("j.o.e+news@googlemail.com") == "joe@googlemail.com"
    assert google_email("j.o.e+news@example.com") == "j.o.e+news@example.com"  # other domains untouched


def test_consent_vocabulary_in_english_and_chinese(details) -> None:
    table, _ = details
    flags, unknown, blank = read_consent(table.frame["consent"])
    given = dict(zip(table.frame.index, flags, strict=True))
    for cid in ("gb1", "gb2", "gb3", "gb4", "fr1", "fr2", "de1", "de2", "it1", "it2", "us1", "tw1"):
        assert given[cid], cid
    for cid in ("sg1", "sg2", "ar1", "ar2", "us2", "cn1", "cn2", "hk1"):
        assert not given[cid], cid
    assert unknown == {"pending": 2, "maybe": 1} and blank == 1
    flags, unknown, blank = read_consent(pd.Series([True, False, None], dtype="boolean"))
    assert flags.tolist() == [True, False, False] and unknown == {} and blank == 1


def _full_parse(text: str) -> tuple[str | None, str | None]:
    """libphonenumber on an international number, nothing skipped: the reference for the fast path."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None, "invalid"
    if not phonenumbers.is_valid_number(number):
        return None, "invalid"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def test_compact_e164_numbers_read_exactly_as_a_full_parse_reads_them() -> None:
    rng = np.random.default_rng(11)
    codes = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
    texts = [
        f"+{code}{lead}{''.join(map(str, rng.integers(0, 10, length)))}"
        for code in codes
        for lead in ("", "0", "1", "7", "8", "9")  # trunk 0s and national prefixes (8 in Russia, 1 in the US)
        for length in (5, 7, 8, 9, 10, 12)
    ]
    texts += ["+999123456789", "+2421234567", "+1" + "9" * 14]  # no such calling code; short; too long
    texts += [" ".join((t[:3], t[3:6], t[6:])) for t in texts[::3]]  # spaced: "+44 740 0123456"
    texts += [f"{t[:4]}-{t[4:7]}.{t[7:]}" for t in texts[1::5]] + [
        "+44 (0)7400 123456",
        "+44 7400 123456 ext 12",
    ]
    got = [parse_phone(t, region) for t in texts for region in ("GB", None)]
    want = [_full_parse(t) for t in texts for _ in ("GB", None)]
    assert got == want
    assert sum(p is not None for p, _ in got) > 500  # valid numbers among them, not only refusals


def test_the_usual_country_is_the_customers_most_common_recognised_one() -> None:
    from segmentation.outputs import usual_country

    countries = pd.Series(["Germany", "DE", "deutschland", "France", None, "Atlantis", "Atlantis", "Atlantis"])
    assert usual_country(countries) == "DE"  # three spellings of Germany; Atlantis is no country
    assert usual_country(pd.Series([None, "Atlantis"])) == "GB"
    assert usual_country(None, fallback="US") == "US"
