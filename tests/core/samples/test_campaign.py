"""The sample store's past campaign: a randomized send whose planted effects the measurement recovers."""

from __future__ import annotations

from pathlib import Path

import pytest

from segmentation.outputs import OVERALL, measure, read_results
from segmentation.samples import PLANTED, generate, true_effects, write_campaign


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_campaign(tmp_path_factory.mktemp("campaign"), generate())


def test_same_seed_same_bytes(written: Path, tmp_path: Path) -> None:
    again = write_campaign(tmp_path, generate())
    assert again.read_bytes() == written.read_bytes()


def test_the_planted_effects_are_recovered(written: Path) -> None:
    results = read_results(written, written.name)
    assert results["group"].value_counts(normalize=True).round(1).to_dict() == {
        "E-mail A": 0.4, "E-mail B": 0.4, "holdout": 0.2,
    }  # fmt: skip
    assert (results.loc[results["group"] == "holdout", "opened"] == "0").all()  # the holdout got nothing
    m = measure(
        results, group_column="group", control="holdout", outcomes=["converted", "revenue"],
        segment_column="segment", id_column="customer_id",
    )  # fmt: skip
    assert m.rows.used == m.rows.read == len(results) and set(m.segments) == set(PLANTED)
    lifts = m.lifts[m.lifts["segment"] != OVERALL]
    truth = true_effects().melt(["segment", "arm"], var_name="outcome", value_name="truth")
    both = lifts.merge(truth, on=["segment", "arm", "outcome"], validate="one_to_one")
    inside = (both["low"] <= both["truth"]) & (both["truth"] <= both["high"])
    assert len(both) == 28 and inside.sum() >= 26  # 95% intervals: about 1 miss in 28 expected
    # No planted effect, no significant effect on conversion
    zero = both[(both["outcome"] == "converted") & (both["truth"] == 0)]
    assert set(zero["label"]) <= {"not_significant", "promising"}
    # E-mail B's largest planted lift (Bargain hunters, +9 points) is named first
    verdict_b = m.verdicts()[1]
    assert (
        verdict_b.startswith("E-mail B raised the converted rate")
        and "clearest among Bargain hunters" in verdict_b
    )
