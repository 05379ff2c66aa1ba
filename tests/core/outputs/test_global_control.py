"""The global control: the same customers every month, in no send list or platform file on any path."""

from __future__ import annotations

import io
import math
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable
from segmentation.explain import refit_changes
from segmentation.outputs import (
    GLOBAL_CONTROL,
    PLATFORMS,
    GlobalControl,
    build_audience,
    campaign_files,
    campaign_zip,
    detectable_difference,
    global_control_list,
    global_control_mask,
    measure,
    platform_file,
    platform_needs,
    size_messages,
    to_csv_bytes,
    to_xlsx_bytes,
)
from segmentation.segments import Segmentation


def _shop(n: int = 3000, seed: int = 0) -> tuple[CustomerTable, Segmentation]:
    rng = np.random.default_rng(seed)
    ids = [f"C{i:05d}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "email": [f"buyer.{i}@example.com" for i in range(n)],
            "phone": [f"+33 6 12 {i // 10000:02d} {i // 100 % 100:02d} {i % 100:02d}" for i in range(n)],
            "first_name": ["Ann"] * n,
            "last_name": ["Li"] * n,
            "city": ["Paris"] * n,
            "country": ["France"] * n,
            "postcode": ["75001"] * n,
        },
        index=pd.Index(ids, name="customer_id"),
    )
    codes = rng.choice(3, size=n)
    seg = Segmentation(pd.Series(codes, index=frame.index), ("Champions", "Loyal", "Lost"), "test")
    return CustomerTable(frame, ()), seg


def _ids(table: CustomerTable, data: bytes, platform: str) -> set[str]:
    """Customer ids whose e-mail address (clear or hashed, in the platform's first column) is in a file."""
    import hashlib

    out = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    by_email = {e: i for i, e in table.frame["email"].items()}
    if platform in ("meta", "google"):
        by_email = {hashlib.sha256(e.encode()).hexdigest(): i for e, i in by_email.items()}
    return {by_email[e] for e in out[PLATFORMS[platform][0]] if e}


def test_same_seed_same_members_and_a_share_of_everyone() -> None:
    ids = [f"C{i:05d}" for i in range(20_000)]
    a = global_control_mask(ids, GlobalControl(0.05, 7))
    assert np.array_equal(a, global_control_mask(ids, GlobalControl(0.05, 7)))
    assert not np.array_equal(a, global_control_mask(ids, GlobalControl(0.05, 8)))
    assert abs(a.mean() - 0.05) < 3 * math.sqrt(0.05 * 0.95 / len(ids))  # binomial, 3 standard errors
    assert not global_control_mask(ids, GlobalControl(0.0, 7)).any()


def test_new_customers_and_another_row_order_do_not_move_existing_members() -> None:
    ids = [f"C{i:05d}" for i in range(5_000)]
    control = GlobalControl(0.1, 3)
    before = dict(zip(ids, global_control_mask(ids, control), strict=True))
    next_month = [f"N{i:04d}" for i in range(2_000)] + ids[::-1]  # new customers first, order reversed
    after = dict(zip(next_month, global_control_mask(next_month, control), strict=True))
    assert all(after[i] == member for i, member in before.items())
    new = [after[i] for i in next_month[:2_000]]
    assert 0 < sum(new) < 2_000  # new customers join at the same rate, not all or none
    # a larger share keeps everyone who was in (the hash is compared with a higher bar)
    larger = dict(zip(ids, global_control_mask(ids, GlobalControl(0.2, 3)), strict=True))
    assert all(larger[i] for i, member in before.items() if member)


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_no_global_control_customer_in_any_send_list_or_platform_file(platform: str) -> None:
    table, seg = _shop()
    control = GlobalControl(0.1, 5)
    members = set(global_control_list(seg, control)["customer_id"])
    assert members
    audience = build_audience(
        table, seg, **platform_needs(platform), holdout_share=0.2, global_control=control
    )
    assert set(audience.in_global_control()["customer_id"]) == members  # everyone is reachable here
    held = set(audience.held_out()["customer_id"])
    assert held and held.isdisjoint(members)  # the holdout is drawn among the others
    data, summary = platform_file(audience, platform)
    written = _ids(table, data, platform)
    assert written and written.isdisjoint(members) and written.isdisjoint(held)
    assert len(written) == summary.rows_written == len(table.frame) - len(members) - len(held)
    send = audience.send()
    assert set(send["customer_id"]).isdisjoint(members)
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(send)), encoding="utf-8-sig")
    assert set(csv["customer_id"]).isdisjoint(members)
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(send))).active
    assert {r[0].value for r in ws.iter_rows(min_row=2)}.isdisjoint(members)
    zf = zipfile.ZipFile(io.BytesIO(campaign_zip(audience)))
    folders: dict[str, set[str]] = {}
    for name in zf.namelist():
        if "/" in name:
            ids = set(pd.read_csv(zf.open(name), encoding="utf-8-sig")["customer_id"])
            folders.setdefault(name.split("/")[0], set()).update(ids)
    assert folders["send"].isdisjoint(members) and folders["global_control"] == members
    groups = pd.read_csv(zf.open("groups.csv"), encoding="utf-8-sig")
    assert set(groups.loc[groups.group == GLOBAL_CONTROL, "customer_id"]) == members
    assert "in the global control (10% of all customers, seed 5)" in " ".join(audience.messages())


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "mailchimp", "meta"])
def test_campaign_files_keep_the_global_control_out_and_list_it(fmt: str) -> None:
    table, seg = _shop(800)
    control = GlobalControl(0.1, 1)
    files = campaign_files(table, seg, fmt, control=control)
    members = set(global_control_list(seg, control)["customer_id"])
    if fmt == "xlsx":
        ws = openpyxl.load_workbook(io.BytesIO(files.main)).active
        written = {r[0].value for r in ws.iter_rows(min_row=2)}
    elif fmt == "csv":
        written = set(pd.read_csv(io.BytesIO(files.main), encoding="utf-8-sig")["customer_id"])
    else:
        written = _ids(table, files.main, fmt)
    assert len(written) == len(table.frame) - len(members)
    assert written.isdisjoint(members)
    listed = pd.read_csv(io.BytesIO(files.global_control), encoding="utf-8-sig")
    assert list(listed.columns) == ["customer_id", "segment", "group"]
    assert set(listed["customer_id"]) == members and set(listed["group"]) == {GLOBAL_CONTROL}
    assert [s for s, _, _ in files.measurement_files()] == ["groups", "global_control"]
    none = campaign_files(table, seg, fmt)
    assert none.groups is None and none.global_control is None


def test_the_groups_file_is_measured_against_the_global_control() -> None:
    table, seg = _shop(4000, seed=2)
    audience = build_audience(table, seg, global_control=GlobalControl(0.25, 9))
    groups = audience.groups()
    rng = np.random.default_rng(0)
    marketed = groups["group"].ne(GLOBAL_CONTROL).to_numpy()
    groups["bought"] = (rng.random(len(groups)) < np.where(marketed, 0.30, 0.20)).astype(int)
    result = measure(groups, group_column="group", control=GLOBAL_CONTROL, outcomes=["bought"])
    lift = result.to_dict()["overall"]["bought"]["lift"]["target"]
    assert lift["low"] < 0.10 < lift["high"] and lift["low"] > 0  # the planted 10 points, found


def test_size_messages_say_plainly_what_a_small_shop_can_measure() -> None:
    small = size_messages(1000, 50, GlobalControl(0.05, 0), 0.2)
    assert "50 of your 1,000 customers are in the global control" in small[0]
    assert "too few to measure anything" in small[1] and "a shop of at least 2,000 customers" in small[1]
    change = 2.80 * math.sqrt(0.2 * 0.8 * (1 / 50 + 1 / 950))  # hand formula: 95%, 80% power
    assert f"a change of {change * 100:.1f} points or more" in small[2] and "(20% now)" in small[2]
    big = size_messages(100_000, 5_000, GlobalControl(0.05, 0), 0.2)
    assert len(big) == 2 and "too few" not in " ".join(big)
    assert detectable_difference(5_000, 95_000, 0.2) < detectable_difference(50, 950, 0.2)


@pytest.mark.parametrize("share", [-0.1, 0.6, "5%", True])
def test_a_bad_share_is_refused_plainly(share: object) -> None:
    with pytest.raises(ValueError, match="global control share"):
        GlobalControl(share, 0)  # type: ignore[arg-type]


def test_mailchimp_leaves_out_addresses_with_non_ascii_letters_before_the_at() -> None:
    ids = pd.Index(list("abcd"), name="customer_id")
    frame = pd.DataFrame(
        {"email": ["zoë@example.com", "ann@exämple.com", "张伟@example.cn", "bob@example.com"]}, index=ids
    )
    table = CustomerTable(frame, ())
    seg = Segmentation(pd.Series([0, 0, 0, 0], index=ids), ("All",), "test")
    audience = build_audience(table, seg, **platform_needs("mailchimp"))
    data, summary = platform_file(audience, "mailchimp")
    written = pd.read_csv(io.BytesIO(data), dtype=str)["Email Address"].tolist()
    assert written == ["ann@exämple.com", "bob@example.com"]  # international letters after the @ are fine
    assert audience.left_out["non_ascii_email"] == 2 and summary.rows_written == 2
    assert any("2 customers have an e-mail address with letters" in m for m in summary.messages())
    hubspot = platform_file(build_audience(table, seg, **platform_needs("hubspot")), "hubspot")[1]
    assert hubspot.rows_written == 4  # only Mailchimp refuses them
    with pytest.raises(ValueError, match="prepared for"):
        platform_file(build_audience(table, seg, reach="email"), "mailchimp")


def test_refit_changes_match_segments_by_their_customers_not_their_numbers() -> None:
    ids = pd.Index([f"c{i}" for i in range(10)])
    before = Segmentation(pd.Series([0] * 5 + [1] * 5, index=ids), ("A", "B"), "test")
    swapped = Segmentation(pd.Series([1] * 5 + [0] * 5, index=ids), ("B", "A"), "test")
    assert refit_changes(before, swapped).changed == 0
    moved = Segmentation(pd.Series([1] * 4 + [0] * 4 + [2] * 2, index=ids), ("X", "Y", "Z"), "test")
    changes = refit_changes(before, moved)
    # A (c0-c4) best matches Y (c0-c3), B (c5-c9) matches X (c4-c7): c4, c8 and c9 changed
    assert (changes.changed, changes.customers, changes.segments_after) == (3, 10, 3)
    assert "3 segments instead of 2; 3 of 10 customers (30.0%)" in changes.message()


@pytest.mark.parametrize("platform", ["mailchimp", "klaviyo", "meta"])
def test_an_address_shared_with_a_member_is_never_mailed(platform: str) -> None:
    table, seg = _shop(1000)
    control = GlobalControl(0.1, 5)
    members = global_control_list(seg, control)["customer_id"].tolist()
    others = [i for i in table.frame.index if i not in set(members)]
    frame = table.frame.copy()
    # the first 30 non-members share a member's address (a household), listed before or after them
    frame.loc[others[:30], "email"] = frame.loc[members[:30], "email"].to_numpy()
    frame.loc[others[:30], "phone"] = frame.loc[members[:30], "phone"].to_numpy()
    shared = CustomerTable(frame, ())
    audience = build_audience(shared, seg, **platform_needs(platform), global_control=control)
    data, _ = platform_file(audience, platform)
    member_emails = set(frame.loc[members, "email"])
    written = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)[PLATFORMS[platform][0]]
    if platform == "meta":
        import hashlib

        member_emails = {hashlib.sha256(e.encode()).hexdigest() for e in member_emails}
    assert set(written).isdisjoint(member_emails)
    assert audience.left_out["global_control_contact"] == 30
    assert "share an e-mail address or phone number with a customer in the global control" in " ".join(
        audience.messages()
    )
