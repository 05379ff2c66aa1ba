"""Every estimator of the core keeps scikit-learn's contract, so ``clone``, ``get_params`` and pipelines work.

The contract: ``__init__`` only stores its parameters unchanged; ``fit`` returns ``self`` and everything
it learns ends in ``_``; ``clone`` gives an unfitted copy with equal parameters; ``get_params`` round-trips
through ``set_params``; the same parameters (and ``random_state``) give the same result.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

import segmentation
from segmentation.catalog import CustomerTable, Feature
from segmentation.explain import MapLayout
from segmentation.features import BetaGeoGamma, NextProduct, ValueModel, history_features, history_outcomes
from segmentation.segmenters import CriteriaEncoder, CriteriaSpec, KPrototypes, MixedEncoder, SegmentClusterer
from segmentation.segmenters.encoders import FamilyBalancer, TagEncoder

N = 240


def _blobs(seed: int = 0) -> np.ndarray:
    """Three well-separated groups of customers on five criteria (float32, as the encoder gives)."""
    rng = np.random.default_rng(seed)
    centres = np.repeat(np.array([[0.0] * 5, [4.0] * 5, [-4.0, 4.0, -4.0, 4.0, -4.0]]), N // 3, axis=0)
    return (centres + rng.normal(0, 0.6, centres.shape)).astype(np.float32)


def _mixed() -> np.ndarray:
    """Three numeric columns and one column of category codes (for k-prototypes)."""
    X = _blobs()[:, :4].copy()
    X[:, 3] = np.repeat([0, 1, 2], N // 3)
    return X


def _table() -> CustomerTable:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "monetary": rng.lognormal(4, 1, N),
            "frequency": rng.poisson(3, N).astype(float),
            "preferred_channel": rng.choice(["Web", "Store", "App"], N),
            "interests": rng.choice(["yoga|travel", "travel", "cooking", None], N),
        },
        index=pd.Index([f"C{i:05d}" for i in range(N)], name="customer_id"),
    )
    catalog = (
        Feature("monetary", "value", "Revenue", skewed=True),
        Feature("frequency", "behavioural", "Orders", skewed=True),
        Feature("preferred_channel", "channel", "Channel", kind="categorical"),
        Feature("interests", "psychographic", "Interests", kind="tags"),
    )
    return CustomerTable(frame, catalog)


def _rfm() -> tuple[pd.DataFrame]:
    rng = np.random.default_rng(2)
    big_t = rng.uniform(30, 365, N)
    freq = rng.poisson(2, N).astype(float)
    recency = np.where(freq > 0, big_t * rng.uniform(0, 1, N), 0.0)
    money = np.where(freq > 0, rng.gamma(3, 20, N), 0.0)
    ids = [f"C{i:05d}" for i in range(N)]
    frame = pd.DataFrame({"customer_id": ids, "frequency": freq, "recency": recency, "T": big_t,
                          "monetary_value": money})  # fmt: skip
    return (frame,)


def _bought() -> tuple[pd.DataFrame]:
    rng = np.random.default_rng(3)
    items = rng.choice(["tea", "cups", "bread", "jam", "milk"], 3 * N)
    customers = [f"C{i % N:05d}" for i in range(3 * N)]
    frame = pd.DataFrame({"customer_id": customers, "item": items, "orders": rng.integers(1, 4, 3 * N)})
    return (frame.groupby(["customer_id", "item"], as_index=False)["orders"].sum(),)


def _history() -> tuple[pd.DataFrame, pd.DataFrame, float]:
    import duckdb

    rng = np.random.default_rng(4)
    n = 6 * N
    orders = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in rng.integers(0, N, n)], "order_id": [f"o{i}" for i in range(n)],
        "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.uniform(0, 360, n), unit="D"),
        "amount": rng.gamma(3, 20, n), "is_return": False})  # fmt: skip
    con = duckdb.connect()
    con.register("orders_df", orders)
    con.execute("CREATE TABLE tx AS SELECT * FROM orders_df")
    cut = pd.Timestamp("2024-09-01")
    return (
        history_features(con, "tx", cut, 90),
        history_outcomes(con, "tx", cut, cut + pd.Timedelta(days=90)),
        90.0,
    )


SPEC = CriteriaSpec(("behavioural", "value", "channel", "psychographic"), weights={"value": 2})


@dataclass(frozen=True)
class Case:
    """One estimator as the app configures it, the data it is fitted on, and what its result is."""

    make: Callable[[], BaseEstimator]
    data: Callable[[], tuple[Any, ...]]
    result: Callable[[Any, tuple[Any, ...]], Any]


def _labels(est: Any, data: tuple[Any, ...]) -> Any:
    return est.labels_


def _transformed(est: Any, data: tuple[Any, ...]) -> Any:
    return est.transform(data[0])


CASES = {
    **{
        f"SegmentClusterer-{method}": Case(
            lambda method=method: SegmentClusterer(method, 3, random_state=4, sample_size=200),
            lambda: (_blobs(), np.arange(N, dtype=float)),
            _labels,
        )
        for method in ("kmeans", "gmm", "ward", "hdbscan")
    },
    "SegmentClusterer-kprototypes": Case(
        lambda: SegmentClusterer("kprototypes", 3, random_state=4, categorical=[3]),
        lambda: (_mixed(),),
        _labels,
    ),
    "KPrototypes": Case(
        lambda: KPrototypes(3, categorical=[3], random_state=4), lambda: (_mixed(),), _labels
    ),
    "MapLayout": Case(
        lambda: MapLayout(sample_size=150, n_neighbors=10, n_epochs=20, random_state=4),
        lambda: (_blobs(), np.repeat([0, 1, 2], N // 3)),
        lambda est, data: est.embedding_,
    ),
    "CriteriaEncoder": Case(
        lambda: CriteriaEncoder(SPEC, _table().catalog, fit_size=200, random_state=4),
        lambda: (_table().frame,),
        _transformed,
    ),
    "MixedEncoder": Case(
        lambda: MixedEncoder(SPEC, _table().catalog), lambda: (_table().frame,), _transformed
    ),
    "TagEncoder": Case(
        lambda: TagEncoder(min_frequency=0.2), lambda: (_table().frame[["interests"]],), _transformed
    ),
    "BetaGeoGamma": Case(
        lambda: BetaGeoGamma(max_fit=200, random_state=4),
        _rfm,
        lambda est, data: [est.r_, est.alpha_, est.a_, est.b_, est.p_, est.q_, est.v_],
    ),
    "NextProduct": Case(
        lambda: NextProduct(n=2), _bought, lambda est, data: est.recommend(data[0]).to_numpy()
    ),
    "ValueModel": Case(
        lambda: ValueModel(max_train=200, random_state=4),
        _history,
        lambda est, data: est.predict_frame(data[0]).to_numpy(),
    ),
    "FamilyBalancer": Case(
        lambda: FamilyBalancer([("one", [0, 1], 1.0), ("two", [2, 3, 4], 2.0)]),
        lambda: (_blobs(),),
        _transformed,
    ),
}


def _same(a: Any, b: Any) -> bool:
    """Equal parameter values (numbers, strings, specs, catalogs, lists of tuples)."""
    return bool(a == b) if not isinstance(a, np.ndarray) else bool(np.array_equal(a, b))


@pytest.mark.parametrize("name", list(CASES))
def test_estimator_keeps_the_scikit_learn_contract(name: str) -> None:
    case = CASES[name]
    est = case.make()
    params = est.get_params()
    # __init__ stores its parameters and nothing else; clone checks it stores them unchanged.
    assert set(vars(est)) == set(params)
    assert isinstance(est, ClusterMixin | TransformerMixin) or name in PREDICTORS

    data = case.data()
    before = set(vars(est))
    assert est.fit(*data) is est
    learnt = set(vars(est)) - before
    assert learnt and all(attr.endswith("_") for attr in learnt), sorted(learnt)
    assert all(_same(v, params[k]) for k, v in est.get_params().items())  # fit changed no parameter
    check_is_fitted(est)

    copy = clone(est)
    assert not any(attr.endswith("_") for attr in vars(copy))
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    assert copy.get_params().keys() == params.keys()
    assert all(_same(copy.get_params()[k], v) for k, v in params.items())

    again = clone(case.make()).set_params(**params)
    assert all(_same(again.get_params()[k], v) for k, v in params.items())

    # Same parameters, same random_state: the same result, from the original and from its clone.
    np.testing.assert_array_equal(case.result(copy.fit(*data), data), case.result(est, data))


def _core_estimators() -> set[str]:
    """Names of the classes in ``segmentation`` that can be fitted."""
    found = set()
    for info in pkgutil.walk_packages(segmentation.__path__, "segmentation."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and callable(getattr(cls, "fit", None)):
                found.add(cls_name)
    return found


#: Predictors of value and next products: they return frames per customer, so no mixin of
#: scikit-learn's fits them (RegressorMixin's score would need a predict of one target).
PREDICTORS = {"BetaGeoGamma", "NextProduct", "ValueModel"}

#: Estimators that need an optional extra (TextbookCLV: pymc-marketing, the ``clv`` extra).
OPTIONAL = {"TextbookCLV"}


def test_every_estimator_of_the_core_is_checked() -> None:
    assert _core_estimators() - OPTIONAL == {name.split("-")[0] for name in CASES}
