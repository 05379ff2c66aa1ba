"""``python -m segmentation inspect`` output and exit codes; the sample command's wiring."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from segmentation import cli


def test_inspect_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(b"customer;date;amount\na;2024-01-01;5,5\nb;2024-01-02;6\n;2024-01-02;6\n")
    assert cli.main(["inspect", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"format", "encoding", "separator", "kind", "roles", "ledger", "customers"} <= set(report)
    assert report["separator"] == ";" and report["kind"] == "transactions"
    assert report["ledger"] == {"read": 3, "kept": 2, "set_aside": {"no_customer_id": 1}}
    assert report["customers"] == 2 and report["roles"]["customer"] == "customer_id"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"customer,date,amount\n,2024-01-01,5\n", "No usable row"),
        (b"date,amount\n2024-01-01,5\n", "customer id"),
    ],
)
def test_inspect_exit_2_with_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, words: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    assert cli.main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_module_entry_point(shared_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "segmentation", "inspect", str(shared_data / "mall_customers.csv")],
        capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["customers"] == 200


def test_sample_calls_sample_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from segmentation import samples as store

    calls: list[Path] = []
    monkeypatch.setattr(store, "write", lambda out: calls.append(Path(out)))
    assert cli.main(["sample", "--out", str(tmp_path)]) == 0
    assert calls == [tmp_path]


def test_registry_lists_commands() -> None:
    assert {"inspect", "sample"} <= set(cli.COMMANDS)


ORDERS = "customer_id,order_id,date,amount\n" + "".join(
    f"c{i:03d},o{i:03d}-{j},2024-0{1 + (i + j) % 9}-1{j},{10 + (i * 7) % 90}.5\n"
    for i in range(60)
    for j in range(1 + i % 3)
)
CUSTOMERS = "customer_id,email,phone,country,consent\n" + "".join(
    f"c{i:03d},{'' if i % 7 == 0 else f'buyer.{i}@example.com'},"
    f"{f'06 12 34 56 {i:02d}' if i % 2 else ''},{'France' if i % 5 else 'Narnia'},"
    f"{['yes', 'subscribed', 'pending', '同意', 'no'][i % 5]}\n"
    for i in range(60)
)


@pytest.fixture
def shop_files(tmp_path: Path) -> list[str]:
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    return [str(tmp_path / "orders.csv"), str(tmp_path / "customers.csv")]


def _written_emails(path: Path, platform: str) -> set[str]:
    import hashlib

    import pandas as pd

    from segmentation.outputs import PLATFORMS

    if platform == "xlsx":
        frame = pd.read_excel(path, dtype=str, engine="openpyxl")
        return set(frame["email"].dropna())
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if platform == "csv":
        return set(frame["email"]) - {""}
    column = frame[PLATFORMS[platform][0]]
    if platform in ("meta", "google"):
        known = {
            hashlib.sha256(f"buyer.{i}@example.com".encode()).hexdigest(): f"buyer.{i}@example.com"
            for i in range(60)
        }
        return {known[h] for h in column if h}
    return set(column) - {""}


@pytest.mark.parametrize("platform", ["csv", "xlsx", "mailchimp", "klaviyo", "hubspot", "meta", "google"])
def test_export_keeps_the_holdout_out_of_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shop_files: list[str], platform: str
) -> None:
    import pandas as pd

    out = tmp_path / f"out.{'xlsx' if platform == 'xlsx' else 'csv'}"
    args = ["export", *shop_files, "--platform", platform, "--holdout", "0.3", "--seed", "5", "-o", str(out)]
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    assert f"Wrote {out}." in printed and "held out as a control group" in printed
    assert "customers have consent 'pending': treated as no consent." in printed
    groups = pd.read_csv(tmp_path / "out_groups.csv", encoding="utf-8-sig")
    assert list(groups.columns) == ["customer_id", "segment", "group"]
    held = set(groups.loc[groups.group == "holdout", "customer_id"])
    assert held
    held_emails = {f"buyer.{int(c[1:])}@example.com" for c in held}
    written = _written_emails(out, platform)
    assert written and written.isdisjoint(held_emails)
    # the same seed gives the same holdout, another seed another one
    assert cli.main([*args[:-3], "5", "-o", str(tmp_path / "again.csv")]) == 0
    again = pd.read_csv(tmp_path / "again_groups.csv", encoding="utf-8-sig")
    assert set(again.loc[again.group == "holdout", "customer_id"]) == held
    assert cli.main([*args[:-3], "6", "-o", str(tmp_path / "other.csv")]) == 0
    other = pd.read_csv(tmp_path / "other_groups.csv", encoding="utf-8-sig")
    assert set(other.loc[other.group == "holdout", "customer_id"]) != held


def test_export_with_a_recipe_and_segments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shop_files: list[str]
) -> None:
    import pandas as pd

    from segmentation import recipe

    rec_path = tmp_path / "recipe.json"
    rec_path.write_text(recipe.Recipe("value", holdout_seed=3).to_json(), encoding="utf-8")
    out = tmp_path / "top.csv"
    common = ["export", *shop_files, "--recipe", str(rec_path), "--platform", "csv", "--ignore-consent"]
    assert cli.main([*common, "--segment", "Other 80%", "--holdout", "10%", "-o", str(out)]) == 0
    rows = pd.read_csv(out, encoding="utf-8-sig")
    assert set(rows["segment"]) == {"Other 80%"}
    groups = pd.read_csv(tmp_path / "top_groups.csv", encoding="utf-8-sig")
    assert len(groups) == 48 and (groups.group == "holdout").sum() == 5  # 10% of 48, rounded
    seeded = set(groups.loc[groups.group == "holdout", "customer_id"])
    assert (
        cli.main([*common, "--segment", "Other 80%", "--holdout", "10%", "--seed", "3", "-o", str(out)]) == 0
    )
    groups = pd.read_csv(tmp_path / "top_groups.csv", encoding="utf-8-sig")
    assert set(groups.loc[groups.group == "holdout", "customer_id"]) == seeded  # the recipe's seed
    capsys.readouterr()
    assert cli.main([*common, "--segment", "Nope", "-o", str(out)]) == 2
    assert "no segment called" in capsys.readouterr().err
    assert cli.main([*common, "--default-country", "Atlantis", "-o", str(out)]) == 2


@pytest.mark.parametrize("platform", ["csv", "mailchimp", "google"])
def test_export_keeps_the_recipes_global_control_out_and_lists_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shop_files: list[str], platform: str
) -> None:
    import pandas as pd

    from segmentation import recipe

    rec_path = tmp_path / "recipe.json"
    rec_path.write_text(recipe.Recipe("value", global_control={"share": 0.2, "seed": 4}).to_json())
    out = tmp_path / "out.csv"
    common = ["export", *shop_files, "--recipe", str(rec_path), "--platform", platform, "--ignore-consent"]
    assert cli.main([*common, "-o", str(out)]) == 0
    assert "in the global control (20% of all customers, seed 4)" in capsys.readouterr().out
    members = pd.read_csv(tmp_path / "out_global_control.csv", encoding="utf-8-sig")
    assert set(members["group"]) == {"global control"} and 0 < len(members) < 60
    member_emails = {f"buyer.{int(c[1:])}@example.com" for c in members["customer_id"]}
    written = _written_emails(out, platform)
    assert written and written.isdisjoint(member_emails)
    groups = pd.read_csv(tmp_path / "out_groups.csv", encoding="utf-8-sig")
    in_groups = set(groups.loc[groups.group == "global control", "customer_id"])
    assert in_groups and in_groups <= set(members["customer_id"])
    # --global-control overrides the recipe's share, keeping its seed: a larger share keeps every member
    assert cli.main([*common, "--global-control", "40%", "-o", str(tmp_path / "more.csv")]) == 0
    more = pd.read_csv(tmp_path / "more_global_control.csv", encoding="utf-8-sig")
    assert set(members["customer_id"]) < set(more["customer_id"])
    assert cli.main([*common, "--global-control", "0", "-o", str(tmp_path / "none.csv")]) == 0
    assert not (tmp_path / "none_global_control.csv").exists()
    assert "No global control: --global-control 0 replaces the recipe's 20%." in capsys.readouterr().out


def _members(path: Path) -> set[str]:
    import pandas as pd

    return set(pd.read_csv(path, encoding="utf-8-sig", dtype=str)["customer_id"])


def test_global_control_seed_overrides_the_recipes_and_picks_the_apps_members(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shop_files: list[str]
) -> None:
    import pandas as pd

    from segmentation import recipe
    from segmentation.dataset import SourceFile
    from segmentation.outputs import GlobalControl, global_control_list

    rec = recipe.Recipe("value", global_control={"share": 0.3, "seed": 4})
    (tmp_path / "recipe.json").write_text(rec.to_json())
    _, seg = recipe.apply(rec, [SourceFile(Path(f).name, Path(f)) for f in shop_files])
    common = ["export", *shop_files, "--recipe", str(tmp_path / "recipe.json"), "--platform", "csv"]
    app = {s: set(global_control_list(seg, GlobalControl(0.3, s))["customer_id"]) for s in (4, 9)}
    assert app[4] != app[9]  # the two seeds pick different customers here
    for argv, seed, said in [
        ([], 4, "Global control from the recipe: 30% of all customers, seed 4."),
        (
            ["--global-control-seed", "9"],
            9,
            "Global control: 30% of all customers (the recipe), seed 9 (--global-control-seed); the "
            "recipe keeps 30% with seed 4 out: measure against the same global control each month.",
        ),
    ]:
        out = tmp_path / f"seed{seed}.csv"
        assert cli.main([*common, *argv, "--ignore-consent", "-o", str(out)]) == 0
        assert said in capsys.readouterr().out
        members = _members(tmp_path / f"seed{seed}_global_control.csv")
        assert members == app[seed]  # the app's members for the same share and seed
        assert _members(out).isdisjoint(members) and len(_members(out)) + len(members) == 60
        groups = pd.read_csv(tmp_path / f"seed{seed}_groups.csv", encoding="utf-8-sig", dtype=str)
        assert set(groups.loc[groups["group"] == "global control", "customer_id"]) == members
        assert set(groups.loc[groups["group"] != "global control", "customer_id"]).isdisjoint(members)


def test_global_control_flags_without_a_recipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shop_files: list[str]
) -> None:
    from segmentation.outputs import GlobalControl, global_control_mask

    ids = [f"c{i:03d}" for i in range(60)]
    expected = {i for i, m in zip(ids, global_control_mask(ids, GlobalControl(0.25, 12)), strict=True) if m}
    common = ["export", *shop_files, "--platform", "mailchimp", "--ignore-consent"]
    out = tmp_path / "mc.csv"
    argv = [*common, "--global-control", "25%", "--global-control-seed", "12", "-o", str(out)]
    assert cli.main(argv) == 0
    assert "Global control: 25% of all customers (--global-control), seed 12 (--global-control-seed)." in (
        capsys.readouterr().out
    )
    assert _members(tmp_path / "mc_global_control.csv") == expected
    written = _written_emails(out, "mailchimp")
    assert written and written.isdisjoint({f"buyer.{int(c[1:])}@example.com" for c in expected})
    # a seed alone keeps no one out: said plainly, nothing written
    assert cli.main([*common, "--global-control-seed", "12", "-o", str(tmp_path / "seed.csv")]) == 2
    assert "give a share too with --global-control" in capsys.readouterr().err
    assert not (tmp_path / "seed.csv").exists()


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--global-control", "60%"), ("--global-control", "lots"), ("--global-control-seed", "-1")],
)
def test_bad_global_control_flags_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shop_files: list[str], flag: str, value: str
) -> None:
    argv = ["export", *shop_files, "--platform", "csv", flag, value, "-o", str(tmp_path / "x.csv")]
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2 and flag in capsys.readouterr().err


def test_export_without_a_recipe_writes_everyone_in_one_list(tmp_path: Path, shop_files: list[str]) -> None:
    import pandas as pd

    out = tmp_path / "all.csv"
    assert cli.main(["export", *shop_files, "--platform", "csv", "--ignore-consent", "-o", str(out)]) == 0
    rows = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(rows) == 60 and set(rows["segment"]) == {"All customers"}
    assert not (tmp_path / "all_groups.csv").exists()


def test_inspect_settings_fix_a_file_in_one_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(b"report\ncustomer|when|amount\na|03.04.2024|5\na|05.04.2024|6\nb|06.04.2024|7\n")
    assert cli.main(["inspect", str(path)]) == 0
    detected = json.loads(capsys.readouterr().out)
    assert detected["separator"] == "|" and detected["kind"] == "transactions"
    assert detected["why"] and set(detected["confidence"]) == {"customer", "when", "amount"}
    argv = ["inspect", str(path), "--separator", "|", "--header-row", "2", "--date-format", "when=%m.%d.%Y"]
    assert cli.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["date_formats"]["when"] == "%m.%d.%Y" and report["ledger"]["kept"] == 3


def test_inspect_says_which_setting_to_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(b"customer,date,amount\na,2024-01-01,5\nb,2024-01-02,6\n")
    assert cli.main(["inspect", str(path), "--date-format", "date=%d/%m/%Y"]) == 2
    err = capsys.readouterr().err
    assert "--date-format" in err and "Traceback" not in err
    assert cli.main(["inspect", str(path), "--date-format", "nope=%d"]) == 2
    assert "not a column" in capsys.readouterr().err


def test_measure_prints_the_documented_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 70 sent (56 bought), 80 held out (48 bought): Newcombe (1998) table II, example (a).
    lines = ["customer_id;group;segment;converted;revenue"]
    lines += [
        f"t{i};target;{'A' if i % 2 else 'B'};{int(i < 56)};{'12,5' if i < 56 else ''}" for i in range(70)
    ]
    lines += [
        f"h{i};holdout;{'A' if i % 2 else 'B'};{int(i < 48)};{'10' if i < 48 else '0'}" for i in range(80)
    ]
    path = tmp_path / "results.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["measure", str(path), "--group-column", "group", "--control", "holdout"]
    code = cli.main([*argv, "--segment-column", "segment", "--outcome", "converted", "--outcome", "revenue"])
    assert code == 0
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert set(doc) == {"overall", "by_segment"} and set(doc["by_segment"]) == {"A", "B"}
    conv = doc["overall"]["converted"]
    assert conv["arms"] == {"holdout": {"n": 80, "mean": 0.6}, "target": {"n": 70, "mean": 0.8}}
    lift = conv["lift"]["target"]
    assert (round(lift["diff"], 4), round(lift["low"], 4), round(lift["high"], 4)) == (0.2, 0.0524, 0.3339)
    assert doc["overall"]["revenue"]["arms"]["target"]["mean"] == pytest.approx(56 * 12.5 / 70)
    assert "150 rows read, 150 used" in out.err and "raised the converted rate by 20.0 points" in out.err


def test_measure_bad_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "results.csv"
    path.write_text(
        "customer_id,group,converted\na,target,1\nb,target,yes\nc,target,lots\n", encoding="utf-8"
    )
    argv = ["measure", str(path), "--group-column", "group", "--outcome", "converted"]
    assert cli.main([*argv, "--control", "holdout"]) == 2
    assert "No customer is in the control group 'holdout'" in capsys.readouterr().err
    path.write_text(
        "customer_id,group,converted\na,holdout,1\nb,target,yes\nc,target,lots\n", encoding="utf-8"
    )
    assert cli.main([*argv, "--control", "holdout"]) == 2
    err = capsys.readouterr().err
    assert "1 values that are not numbers (line 4: 'lots')" in err and "Traceback" not in err
