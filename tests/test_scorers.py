"""OOD scorers: label masks, synthetic outliers and values against the metrics."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier, metrics
from mcdd_sklearn.scorers import (
    _ood_mask,
    make_ood_scorer,
    make_synthetic_ood_scorer,
    ood_auroc_scorer,
    ood_tnr_at_tpr95_scorer,
    synthetic_ood_auroc_scorer,
    synthetic_outliers,
)

OOD = -1


@pytest.fixture(scope="module")
def wine_with_ood(wine):
    """Standardised wine with class 2 relabelled as the OOD label -1."""
    X, y = wine
    return X, np.where(y == 2, OOD, y)


@pytest.fixture(scope="module")
def fitted_with_ood(wine_with_ood):
    X, y = wine_with_ood
    return MCDDClassifier(ood_label=OOD, max_epochs=20, random_state=0).fit(X, y)


@pytest.mark.parametrize(
    "y, ood_label, expected",
    [
        ([1, -1, 2, -1], -1, [0, 1, 0, 1]),
        ([1, -1, 2], None, [0, 0, 0]),
        (["a", "ood", "b"], "ood", [0, 1, 0]),
        (np.array(["a", 3, None], dtype=object), 3, [0, 1, 0]),
        ([1.0, np.nan, 2.0], np.nan, [0, 1, 0]),
        ([1, 2, 3], "1", [0, 0, 0]),
        (["1", "2"], 1, [0, 0]),
    ],
)
def test_ood_mask_cases(y, ood_label, expected):
    """_ood_mask marks exactly the entries equal to ood_label."""
    assert_array_equal(_ood_mask(y, ood_label), np.array(expected, dtype=bool))


def test_known_ood_scorer_matches_metric(fitted_with_ood, wine_with_ood):
    """The AUROC and TNR@TPR95 scorers equal the metrics on decision_function."""
    X, y = wine_with_ood
    is_ood = (y == OOD).astype(int)
    ood_score = fitted_with_ood.decision_function(X)

    assert ood_auroc_scorer(fitted_with_ood, X, y) == pytest.approx(
        metrics.auroc(is_ood, ood_score)
    )
    assert ood_tnr_at_tpr95_scorer(fitted_with_ood, X, y) == pytest.approx(
        metrics.tnr_at_tpr(is_ood, ood_score, tpr=0.95)
    )


def test_lower_is_better_metric_negated(fitted_with_ood, wine_with_ood):
    """fpr_at_tpr is returned negated, as scikit-learn's neg_* scorers are."""
    X, y = wine_with_ood
    is_ood = (y == OOD).astype(int)
    expected = metrics.fpr_at_tpr(is_ood, fitted_with_ood.decision_function(X))
    scorer = make_ood_scorer("fpr_at_tpr")
    assert scorer(fitted_with_ood, X, y) == pytest.approx(-expected)
    assert expected > 0


def test_scorer_reads_ood_label_from_pipeline(wine_with_ood):
    """A Pipeline's last step provides ood_label; an explicit one overrides it."""
    X, y = wine_with_ood
    pipe = make_pipeline(
        StandardScaler(), MCDDClassifier(ood_label=OOD, max_epochs=5, random_state=0)
    ).fit(X, y)
    from_pipeline = ood_auroc_scorer(pipe, X, y)
    explicit = make_ood_scorer("auroc", ood_label=OOD)(pipe, X, y)
    assert from_pipeline == explicit
    assert 0.5 < from_pipeline <= 1.0


def test_scorer_needs_ood_label(fitted_wine, wine):
    """Without ood_label anywhere the scorer raises and names where to set it."""
    X, y = wine
    with pytest.raises(ValueError, match="ood_label is None both on the scorer"):
        ood_auroc_scorer(fitted_wine, X, y)


@pytest.mark.parametrize("keep", ["id_only", "ood_only"])
def test_fold_without_both_kinds_raises(fitted_with_ood, wine_with_ood, keep):
    """A fold with only ID or only OOD rows raises and names StratifiedKFold."""
    X, y = wine_with_ood
    rows = y != OOD if keep == "id_only" else y == OOD
    with pytest.raises(ValueError, match="needs both.*StratifiedKFold"):
        ood_auroc_scorer(fitted_with_ood, X[rows], y[rows])


def test_scorer_rejects_sample_weight(fitted_with_ood, wine_with_ood):
    """Weights are not supported, and passing them raises."""
    X, y = wine_with_ood
    with pytest.raises(ValueError, match="sample_weight"):
        ood_auroc_scorer(fitted_with_ood, X, y, sample_weight=np.ones(len(y)))


def test_unknown_metric_raises():
    """An unknown metric name raises with the accepted names."""
    with pytest.raises(ValueError, match="'auroc'"):
        make_ood_scorer("roc")


def test_permuted_outliers_keep_marginals():
    """kind='permute' keeps each column's values and breaks the rows apart."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 4))
    outliers = synthetic_outliers(X, kind="permute", random_state=0)

    assert outliers.shape == X.shape
    assert_array_equal(np.sort(outliers, axis=0), np.sort(X, axis=0))
    same_rows = (outliers[:, None, :] == X[None, :, :]).all(axis=2).any(axis=1)
    assert same_rows.sum() == 0


def test_uniform_outliers_fill_widened_range():
    """kind='uniform' draws inside the range widened by margin on each side."""
    X = np.array([[0.0, 10.0], [1.0, 20.0], [0.5, 15.0]] * 20)
    outliers = synthetic_outliers(X, kind="uniform", margin=0.5, random_state=0)

    assert outliers[:, 0].min() >= -0.5
    assert outliers[:, 0].max() <= 1.5
    assert outliers[:, 1].min() >= 5.0
    assert outliers[:, 1].max() <= 25.0
    # Some draws fall outside the original range, in the widened part.
    assert (outliers[:, 0] < 0).any()
    assert (outliers[:, 0] > 1).any()


def test_synthetic_outliers_keep_frame():
    """A DataFrame input gives a DataFrame with the same columns and dtypes."""
    X = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10, dtype=np.int64)})
    outliers = synthetic_outliers(X, kind="permute", random_state=0)
    assert list(outliers.columns) == ["a", "b"]
    assert outliers["b"].dtype == np.int64
    assert sorted(outliers["b"]) == list(range(10))


def test_uniform_needs_numeric_columns():
    """kind='uniform' raises on a column that is not numeric."""
    X = np.array([["a", "b"], ["c", "d"]], dtype=object)
    with pytest.raises(ValueError, match="numeric features"):
        synthetic_outliers(X, kind="uniform")


def test_synthetic_scorer_matches_manual(fitted_with_ood, wine_with_ood):
    """The synthetic scorer drops OOD rows and scores ID rows against the draw."""
    X, y = wine_with_ood
    X_id = X[y != OOD]
    outliers = synthetic_outliers(X_id, kind="permute", random_state=0)
    id_scores = fitted_with_ood.decision_function(X_id)
    outlier_scores = fitted_with_ood.decision_function(outliers)
    expected = metrics.auroc(
        np.r_[np.zeros(len(id_scores)), np.ones(len(outlier_scores))],
        np.r_[id_scores, outlier_scores],
    )

    first = synthetic_ood_auroc_scorer(fitted_with_ood, X, y)
    second = synthetic_ood_auroc_scorer(fitted_with_ood, X, y)
    assert first == pytest.approx(expected)
    assert first == second


def test_uniform_outliers_easier_than_permuted(fitted_with_ood, wine_with_ood):
    """Wide uniform outliers are detected at least as well as permuted rows."""
    X, y = wine_with_ood
    uniform = make_synthetic_ood_scorer(kind="uniform", margin=0.5)(fitted_with_ood, X, y)
    permuted = synthetic_ood_auroc_scorer(fitted_with_ood, X, y)
    assert uniform >= permuted
    assert uniform > 0.95


def test_synthetic_scorer_checks_arguments():
    """An unknown kind or a negative margin raises at construction."""
    with pytest.raises(ValueError, match="kind must be one of"):
        make_synthetic_ood_scorer(kind="gaussian")
    with pytest.raises(ValueError, match="margin must be"):
        make_synthetic_ood_scorer(kind="uniform", margin=-1.0)


def test_scorer_repr_names_metric():
    """The repr names the factory, the metric and its arguments."""
    assert repr(ood_tnr_at_tpr95_scorer) == (
        "make_ood_scorer('tnr_at_tpr', tpr=0.95, ood_label=None)"
    )
    assert "kind='permute'" in repr(synthetic_ood_auroc_scorer)


def test_synthetic_scorer_drops_ood_rows_before_draw(fitted_with_ood, wine_with_ood):
    """Scoring (X, y) with OOD rows equals scoring the ID rows alone."""
    X, y = wine_with_ood
    id_rows = y != OOD
    with_ood = synthetic_ood_auroc_scorer(fitted_with_ood, X, y)
    id_only = synthetic_ood_auroc_scorer(fitted_with_ood, X[id_rows], y[id_rows])
    assert_allclose(with_ood, id_only)
