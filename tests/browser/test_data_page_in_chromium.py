"""The Data page in real Chromium with files laid out unlike the Online Retail one: each is read right
with no help (whitespace-aligned, Chinese headers, month-name dates), and a date format can be
changed in one place with a live preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import screenshot

pytestmark = pytest.mark.browser


def see(page, text: str, timeout: float = 120_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def upload(page, path: Path) -> None:
    see(page, "Your customer data")
    page.get_by_text("Upload my files", exact=True).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))


def _whitespace_file(folder: Path) -> Path:
    rows = [(i % 40 + 1, 19970101 + (i % 27), i % 4 + 1, 10 + i % 17 + 0.77) for i in range(400)]
    text = "".join(f"  {c:05d} {d}   {q}  {a:6.2f}\r\n" for c, d, q, a in rows)
    path = folder / "cdnow_like.txt"
    path.write_bytes(text.encode())
    return path


def _chinese_file(folder: Path) -> Path:
    header = "订单编号,商品编码,商品名称,数量,订单日期,单价,客户ID,国家\n"
    lines = [
        f"5{i // 3:05d},2{i % 9:04d},商品{i % 9},{i % 5 + 1},2010年12月{i % 28 + 1:02d}日 08:{i % 60:02d},"
        f"{i % 7 + 1}.5,1{i % 50:04d},英国\n"
        for i in range(300)
    ]
    path = folder / "订单.csv"
    path.write_bytes((header + "".join(lines)).encode("gb18030"))
    return path


def _month_name_file(folder: Path) -> Path:
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    lines = [
        f"{i % 28 + 1:02d}-{months[i % 12]}-16,SO{i // 2},{100 + i % 60},{i % 3 + 1},{5 + i % 9}\r\n"
        for i in range(300)
    ]
    path = folder / "sales_2016.csv"
    path.write_bytes(("OrderDate,OrderNumber,CustomerKey,OrderQuantity,Sales\r\n" + "".join(lines)).encode())
    return path


def test_three_unusual_files_read_right_without_help(page, tmp_path):
    upload(page, _whitespace_file(tmp_path))
    see(page, "ids repeat")
    see(page, "200 of 200 read", timeout=60_000)  # the 19970101 dates, first rows previewed
    screenshot(page, "10_data_whitespace")
    page.get_by_role("button", name="Use these columns").click()
    see(page, "What we kept, and what we set aside")
    see(page, "40 customers")
    screenshot(page, "11_data_whitespace_loaded")

    page.reload()
    upload(page, _chinese_file(tmp_path))
    see(page, "ids repeat")
    see(page, "200 of 200 read", timeout=60_000)
    screenshot(page, "12_data_chinese")

    page.reload()
    upload(page, _month_name_file(tmp_path))
    see(page, "ids repeat")
    see(page, "200 of 200 read", timeout=60_000)
    screenshot(page, "13_data_month_names")


def test_a_date_format_changed_in_one_place_previews_what_fails(page, tmp_path):
    upload(page, _month_name_file(tmp_path))
    see(page, "200 of 200 read")
    box = page.get_by_label("Dates in 'OrderDate' are written as", exact=False)
    box.click()
    page.get_by_role("option", name="ISO", exact=False).first.click()
    see(page, "200 fail")
    screenshot(page, "14_data_wrong_date_format")
