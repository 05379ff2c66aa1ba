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
