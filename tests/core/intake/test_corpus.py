"""Every file of the real-file corpus through ``inspect`` with no help, against its manifest.

The manifest (``../shared/data/corpus/MANIFEST.json``) holds the truth established by hand: kind,
distinct customers, data lines and the role of each column (``a|b``: either is right; ``ignore`` and
``other_*`` roles are not checked); ``expect_exit: 2`` marks a file to refuse with a plain message;
``no_header`` compares roles by column position. The test fails, not skips, without the corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from segmentation import cli
from tests.conftest import SHARED_DATA

CORPUS = SHARED_DATA / "corpus"
UNCHECKED = {"ignore", "other_number", "other_category"}


def _manifest() -> list[dict[str, Any]]:
    path = CORPUS / "MANIFEST.json"
    if not path.is_file():  # collected as a failing case, never skipped
        return [{"file": "MANIFEST.json missing", "missing": True}]
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", _manifest(), ids=lambda e: e["file"])
def test_corpus_file_understood_without_help(
    entry: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert not entry.get("missing"), f"the real-file corpus is expected at {CORPUS}"
    path: Path = CORPUS / "files" / entry["file"]
    argv = ["inspect", str(path)] + (["--sheet", entry["sheet"]] if entry.get("sheet") else [])
    code = cli.main(argv)
    out, err = capsys.readouterr()
    if entry.get("expect_exit") is not None:
        assert code == entry["expect_exit"] and err.strip() and "Traceback" not in err
        return
    assert code == 0, err
    report = json.loads(out)
    assert report["kind"] == entry["kind"], report["why"]
    if entry.get("customers"):
        assert report["customers"] == entry["customers"]
    ledger = report["ledger"]
    assert ledger["read"] == entry["lines"]
    assert ledger["kept"] + sum(ledger["set_aside"].values()) == ledger["read"]
    names = list(report["roles"])
    for column, truth in entry["columns"].items():
        accepted = set(truth.split("|"))
        if accepted <= UNCHECKED:
            continue
        name = names[int(column)] if entry.get("no_header") else column
        assert report["roles"].get(name) in accepted, f"{name}: {report['roles'].get(name)} not {truth}"
    assert report["why"], "the kind comes with its reason"


def test_corpus_why_states_the_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    """The kind's reason quotes the counts it rests on."""
    cli.main(["inspect", str(CORPUS / "files" / "15_groceries_dataset.csv")])
    report = json.loads(capsys.readouterr().out)
    assert report["why"] == ["ids repeat: 38,765 rows, 3,898 customers ('Member_number')"]
