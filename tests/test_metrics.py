"""Tests for mcdd_sklearn.metrics, pinned to values computed by hand."""

import doctest

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

from mcdd_sklearn import metrics
from mcdd_sklearn.metrics import (
    aupr_in,
    aupr_out,
    auroc,
    detection_accuracy,
    fpr_at_tpr,
    ood_report,
    tnr_at_tpr,
)

# Reference data: 4 ID rows and 3 OOD rows. Scores rise with OOD-ness, and
# the ID row and the OOD row at 0.6 are tied.
#
#   score  0.1  0.2  0.3  0.4  0.6  0.6  0.8
#   class  ID   ID   OOD  ID   ID   OOD  OOD
#
# AUROC: OOD 0.3 beats 2 ID rows, OOD 0.6 beats 3 and ties 1 (3.5), OOD 0.8
# beats 4. (2 + 3.5 + 4) / (3 * 4) = 9.5 / 12.
#
# AUPR-Out (OOD positive, thresholds from the top):
#   >= 0.8: TP 1 FP 0, P 1,   R 1/3 -> 1/3 * 1
#   >= 0.6: TP 2 FP 1, P 2/3, R 2/3 -> 1/3 * 2/3
#   >= 0.4: recall unchanged         -> 0
#   >= 0.3: TP 3 FP 2, P 3/5, R 1   -> 1/3 * 3/5
#   sum = 1/3 + 2/9 + 1/5 = 34/45.
#
# AUPR-In (ID positive, thresholds from the bottom):
#   <= 0.1: P 1,   R 1/4 -> 1/4
#   <= 0.2: P 1,   R 2/4 -> 1/4
#   <= 0.3: recall unchanged
#   <= 0.4: P 3/4, R 3/4 -> 1/4 * 3/4
#   <= 0.6: P 4/6, R 1   -> 1/4 * 2/3
#   sum = 1/4 + 1/4 + 3/16 + 1/6 = 41/48.
#
# ROC points with positive="in" (accept a row as ID when score <= t):
#   t:       none  0.1   0.2  0.3  0.4  0.6  0.8
#   TPR(ID)  0     1/4   1/2  1/2  3/4  1    1
#   FPR(OOD) 0     0     0    1/3  1/3  2/3  1
#
# ROC points with positive="out" (flag a row as OOD when score >= t):
#   t:        none  0.8  0.6  0.4  0.3  0.2  0.1
#   TPR(OOD)  0     1/3  2/3  2/3  1    1    1
#   FPR(ID)   0     0    1/4  1/2  1/2  3/4  1
#
# Detection accuracy: the best (TPR + 1 - FPR) / 2 is 0.75, at t = 0.2 for
# positive="in" (1/2 + 1) / 2 and at t = 0.3 for positive="out" (1 + 1/2) / 2.
Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 1])
Y_SCORE = np.array([0.1, 0.2, 0.4, 0.6, 0.3, 0.6, 0.8])

AUROC = 9.5 / 12
AUPR_OUT = 34 / 45
AUPR_IN = 41 / 48


@pytest.fixture
def random_scores():
    """Seeded labels and scores rounded to one decimal, so many ties occur."""
    rng = np.random.default_rng(0)
    y_true = np.r_[np.zeros(60, dtype=int), np.ones(40, dtype=int)]
    y_score = np.round(rng.normal(loc=y_true, scale=1.0), 1)
    return y_true, y_score


# --------------------------------------------------------------------------
# Hand-computed values
# --------------------------------------------------------------------------


@pytest.mark.parametrize("higher_is_ood", [True, False])
def test_auroc_hand_computed(higher_is_ood):
    """AUROC counts ties as one half, in either score direction."""
    y_score = Y_SCORE if higher_is_ood else -Y_SCORE

    value = auroc(Y_TRUE, y_score, higher_is_ood=higher_is_ood)

    assert value == pytest.approx(AUROC)


@pytest.mark.parametrize("higher_is_ood", [True, False])
def test_aupr_hand_computed(higher_is_ood):
    """AUPR-In and AUPR-Out are the average precisions worked out above."""
    y_score = Y_SCORE if higher_is_ood else -Y_SCORE

    value_in = aupr_in(Y_TRUE, y_score, higher_is_ood=higher_is_ood)
    value_out = aupr_out(Y_TRUE, y_score, higher_is_ood=higher_is_ood)

    assert value_in == pytest.approx(AUPR_IN)
    assert value_out == pytest.approx(AUPR_OUT)


@pytest.mark.parametrize(
    "positive, tpr, rule, expected",
    [
        # ID positive. TPR 1 is nearest to 0.95. Its lowest FPR is 2/3.
        ("in", 0.95, "nearest", 1 / 3),
        ("in", 0.95, "at_least", 1 / 3),
        # 0.85 lies between TPR 3/4 (distance 0.10) and TPR 1 (0.15).
        # nearest picks 3/4 with FPR 1/3, at_least picks 1 with FPR 2/3.
        ("in", 0.85, "nearest", 2 / 3),
        ("in", 0.85, "at_least", 1 / 3),
        ("in", 1.0, "nearest", 1 / 3),
        # OOD positive. TPR 1 is nearest to 0.95. Its lowest FPR is 1/2.
        ("out", 0.95, "nearest", 1 / 2),
        ("out", 0.95, "at_least", 1 / 2),
        # 0.7 lies between TPR 2/3 (distance 0.033) and TPR 1 (0.3).
        # nearest picks 2/3 with FPR 1/4, at_least picks 1 with FPR 1/2.
        ("out", 0.7, "nearest", 3 / 4),
        ("out", 0.7, "at_least", 1 / 2),
    ],
)
@pytest.mark.parametrize("higher_is_ood", [True, False])
def test_tnr_at_tpr_hand_computed(positive, tpr, rule, expected, higher_is_ood):
    """TNR at TPR follows the ROC tables above for every setting."""
    y_score = Y_SCORE if higher_is_ood else -Y_SCORE

    value = tnr_at_tpr(
        Y_TRUE,
        y_score,
        tpr=tpr,
        higher_is_ood=higher_is_ood,
        positive=positive,
        rule=rule,
    )

    assert value == pytest.approx(expected)


def test_tnr_at_tpr_defaults():
    """Defaults are tpr=0.95, higher_is_ood=True, positive='in', nearest."""
    assert tnr_at_tpr(Y_TRUE, Y_SCORE) == pytest.approx(1 / 3)
    assert fpr_at_tpr(Y_TRUE, Y_SCORE) == pytest.approx(2 / 3)


def test_same_tpr_takes_lowest_fpr():
    """Among thresholds that share a TPR, the one with the lowest FPR wins.

    With ID positive, TPR 1/2 is reached at t = 0.2 (FPR 0) and at t = 0.3
    (FPR 1/3). The threshold at the ID score 0.2 gives TNR 1.
    """
    value = tnr_at_tpr(Y_TRUE, Y_SCORE, tpr=0.5)

    assert value == pytest.approx(1.0)


def test_equidistant_tpr_takes_higher():
    """When two TPR values are equally near, the nearest rule takes the higher.

    10 ID rows score 0..9 and 3 OOD rows score 8.5, 9.5 and 20. With ID
    positive, TPR 0.9 (t = 8, FPR 0) and TPR 1.0 (t = 9, FPR 1/3) are both
    0.05 from 0.95. In floating point |0.9 - 0.95| is the smaller, so a
    plain argmin would pick TPR 0.9 and TNR 1. The rule picks TPR 1.0 and
    TNR 2/3.
    """
    y_true = np.r_[np.zeros(10, dtype=int), np.ones(3, dtype=int)]
    y_score = np.r_[np.arange(10.0), 8.5, 9.5, 20.0]

    value = tnr_at_tpr(y_true, y_score, tpr=0.95)

    assert value == pytest.approx(2 / 3)


def test_tied_scores_form_one_threshold():
    """An ID row and an OOD row with the same score are split by no threshold.

    ID scores 0 and 1, OOD scores 1 and 2. With ID positive, accepting both
    ID rows (t = 1) also accepts the OOD row at 1, so TNR at TPR 1 is 1/2.
    The ROC points are (TPR, FPR) = (0, 0), (1/2, 0), (1, 1/2), (1, 1),
    which makes the detection accuracy max((1/2 + 1) / 2, (1 + 1/2) / 2) =
    0.75. Splitting the tie with the ID row first would give the point
    (1, 0), TNR 1 and detection accuracy 1.
    """
    y_true = np.array([0, 0, 1, 1])
    y_score = np.array([0.0, 1.0, 1.0, 2.0])

    tnr = tnr_at_tpr(y_true, y_score, tpr=1.0)
    accuracy = detection_accuracy(y_true, y_score)

    assert tnr == pytest.approx(0.5)
    assert accuracy == pytest.approx(0.75)


@pytest.mark.parametrize("higher_is_ood", [True, False])
def test_detection_accuracy_hand_computed(higher_is_ood):
    """Detection accuracy is 0.75 on the reference data."""
    y_score = Y_SCORE if higher_is_ood else -Y_SCORE

    value = detection_accuracy(Y_TRUE, y_score, higher_is_ood=higher_is_ood)

    assert value == pytest.approx(0.75)


def test_detection_accuracy_perfect_and_reversed():
    """A perfect split gives 1. A reversed one falls back to the trivial 0.5."""
    y_true = np.array([0, 0, 1, 1])
    y_score = np.array([0.0, 1.0, 2.0, 3.0])

    assert detection_accuracy(y_true, y_score) == pytest.approx(1.0)
    assert detection_accuracy(y_true, -y_score) == pytest.approx(0.5)


# --------------------------------------------------------------------------
# Relations between metrics and agreement with scikit-learn
# --------------------------------------------------------------------------


@pytest.mark.parametrize("positive", ["in", "out"])
@pytest.mark.parametrize("rule", ["nearest", "at_least"])
@pytest.mark.parametrize("tpr", [0.5, 0.85, 0.95])
def test_fpr_at_tpr_is_one_minus_tnr(random_scores, positive, rule, tpr):
    """fpr_at_tpr and tnr_at_tpr read the same ROC point."""
    y_true, y_score = random_scores
    kwargs = {"tpr": tpr, "positive": positive, "rule": rule}

    fpr = fpr_at_tpr(y_true, y_score, **kwargs)
    tnr = tnr_at_tpr(y_true, y_score, **kwargs)

    assert fpr + tnr == pytest.approx(1.0)


def test_aupr_in_out_swap_symmetry(random_scores):
    """Swapping the class labels and the score direction swaps In and Out."""
    y_true, y_score = random_scores

    value_in = aupr_in(y_true, y_score, higher_is_ood=True)
    value_out = aupr_out(1 - y_true, y_score, higher_is_ood=False)

    assert value_in == pytest.approx(value_out)


def test_tnr_positive_swap_symmetry(random_scores):
    """positive='in' on labels y equals positive='out' on labels 1 - y."""
    y_true, y_score = random_scores

    for rule in ("nearest", "at_least"):
        value_in = tnr_at_tpr(y_true, y_score, positive="in", rule=rule)
        value_out = tnr_at_tpr(
            1 - y_true,
            y_score,
            higher_is_ood=False,
            positive="out",
            rule=rule,
        )
        assert value_in == pytest.approx(value_out), rule


def test_auroc_symmetries(random_scores):
    """Reversing the direction gives 1 - AUROC. Swapping classes too restores it."""
    y_true, y_score = random_scores

    value = auroc(y_true, y_score)
    reversed_direction = auroc(y_true, y_score, higher_is_ood=False)
    swapped_classes = auroc(1 - y_true, y_score, higher_is_ood=False)

    assert reversed_direction == pytest.approx(1.0 - value)
    assert swapped_classes == pytest.approx(value)


def test_detection_accuracy_swap_symmetry(random_scores):
    """Detection accuracy does not depend on which class is positive."""
    y_true, y_score = random_scores

    value = detection_accuracy(y_true, y_score)
    swapped = detection_accuracy(1 - y_true, y_score, higher_is_ood=False)

    assert value == pytest.approx(swapped)


@pytest.mark.parametrize("higher_is_ood", [True, False])
def test_auroc_matches_roc_auc_score(random_scores, higher_is_ood):
    """auroc equals roc_auc_score with OOD as label 1, ties included."""
    y_true, ood_scores = random_scores
    y_score = ood_scores if higher_is_ood else -ood_scores

    value = auroc(y_true, y_score, higher_is_ood=higher_is_ood)

    assert value == pytest.approx(roc_auc_score(y_true, ood_scores))
    assert 0.65 < value < 0.9  # Phi(1 / sqrt(2)) = 0.76 for N(1, 1) vs N(0, 1).


def test_aupr_matches_average_precision_score(random_scores):
    """AUPR-In and AUPR-Out are scikit-learn's average precision."""
    y_true, y_score = random_scores

    assert aupr_out(y_true, y_score) == pytest.approx(
        average_precision_score(y_true, y_score)
    )
    assert aupr_in(y_true, y_score) == pytest.approx(
        average_precision_score(1 - y_true, -y_score)
    )


def test_at_least_rule_first_point(random_scores):
    """rule='at_least' with OOD positive is the first ROC point with TPR >= 0.95.

    This is how pytorch-ood computes its FPR95TPR.
    """
    y_true, y_score = random_scores
    fpr, tpr, _ = roc_curve(y_true, y_score)
    expected = fpr[np.argmax(tpr >= 0.95)]

    value = fpr_at_tpr(y_true, y_score, positive="out", rule="at_least")

    assert value == pytest.approx(expected)


def test_boolean_labels_match_integer_labels(random_scores):
    """True/False labels give the same values as 1/0 labels."""
    y_true, y_score = random_scores
    y_bool = y_true.astype(bool)

    for metric in (auroc, aupr_in, aupr_out, tnr_at_tpr, detection_accuracy):
        assert metric(y_bool, y_score) == metric(y_true, y_score), metric


def test_metrics_return_python_floats():
    """Every metric returns a built-in float, not a NumPy scalar."""
    for metric in (auroc, aupr_in, aupr_out, tnr_at_tpr, fpr_at_tpr, detection_accuracy):
        value = metric(list(Y_TRUE), list(Y_SCORE))
        assert type(value) is float, metric


# --------------------------------------------------------------------------
# ood_report
# --------------------------------------------------------------------------


def test_ood_report_hand_computed():
    """ood_report returns the hand-computed values under stable keys."""
    report = ood_report(Y_SCORE[:4], Y_SCORE[4:])

    assert list(report) == [
        "AUROC",
        "AUPR-In",
        "AUPR-Out",
        "TNR@TPR85",
        "TNR@TPR95",
        "FPR@TPR85",
        "FPR@TPR95",
        "detection_accuracy",
    ]
    assert report["AUROC"] == pytest.approx(AUROC)
    assert report["AUPR-In"] == pytest.approx(AUPR_IN)
    assert report["AUPR-Out"] == pytest.approx(AUPR_OUT)
    assert report["TNR@TPR85"] == pytest.approx(2 / 3)
    assert report["TNR@TPR95"] == pytest.approx(1 / 3)
    assert report["FPR@TPR85"] == pytest.approx(1 / 3)
    assert report["FPR@TPR95"] == pytest.approx(2 / 3)
    assert report["detection_accuracy"] == pytest.approx(0.75)
    assert all(type(value) is float for value in report.values())


def test_ood_report_positive_out_and_direction():
    """positive, higher_is_ood, rule and tpr_levels reach every entry."""
    report = ood_report(
        -Y_SCORE[:4],
        -Y_SCORE[4:],
        higher_is_ood=False,
        positive="out",
        tpr_levels=(0.7, 0.995),
        rule="at_least",
    )

    assert list(report)[3:7] == ["TNR@TPR70", "TNR@TPR99.5", "FPR@TPR70", "FPR@TPR99.5"]
    assert report["AUROC"] == pytest.approx(AUROC)
    assert report["AUPR-In"] == pytest.approx(AUPR_IN)
    assert report["TNR@TPR70"] == pytest.approx(1 / 2)
    assert report["FPR@TPR99.5"] == pytest.approx(1 / 2)
    assert report["detection_accuracy"] == pytest.approx(0.75)


def test_ood_report_as_frame():
    """as_frame=True gives a one-row DataFrame with the same columns and values."""
    report = ood_report(Y_SCORE[:4], Y_SCORE[4:])
    frame = ood_report(Y_SCORE[:4], Y_SCORE[4:], as_frame=True)

    assert frame.shape == (1, len(report))
    assert list(frame.columns) == list(report)
    assert_allclose(frame.iloc[0].to_numpy(), list(report.values()))


def test_module_doctests_pass():
    """The examples in the module docstrings run and print what they show."""
    result = doctest.testmod(metrics)

    assert result.attempted > 0
    assert result.failed == 0


def test_all_lists_public_functions():
    """__all__ names exactly the public metrics and the report."""
    assert sorted(metrics.__all__) == sorted(
        [
            "auroc",
            "aupr_in",
            "aupr_out",
            "tnr_at_tpr",
            "fpr_at_tpr",
            "detection_accuracy",
            "ood_report",
        ]
    )


# --------------------------------------------------------------------------
# Input errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "y_true, y_score, match",
    [
        ([0, 2, 1], [0.1, 0.2, 0.3], r"only 0 \(ID\) and 1 \(OOD\), got the values \[0, 1, 2\]"),
        ([-1, 1, 1], [0.1, 0.2, 0.3], r"got the values \[-1, 1\]"),
        (["in", "out"], [0.1, 0.2], r"got the values \['in', 'out'\]"),
        ([0, 0, 0], [0.1, 0.2, 0.3], r"both ID \(0\) and OOD \(1\) rows, got 3 ID and 0 OOD"),
        ([1, 1], [0.1, 0.2], r"got 0 ID and 2 OOD"),
        ([], [], r"got 0 ID and 0 OOD"),
        ([0, 1, 1], [0.1, np.nan, 0.3], r"y_score must be finite, got 1 NaN .* index 1"),
        ([0, 1, 1], [0.1, 0.2, -np.inf], r"got 1 NaN or infinite values, the first at index 2"),
        ([0, 1, 1], [0.1, 0.2], r"same length, got 3 labels and 2 scores"),
        ([0, 1], [[0.1], [0.2]], r"y_score must be 1-D, got an array of shape \(2, 1\)"),
        ([[0], [1]], [0.1, 0.2], r"y_true must be 1-D, got an array of shape \(2, 1\)"),
        ([0, 1], ["low", "high"], r"y_score must contain numbers"),
    ],
)
def test_invalid_labels_or_scores_raise(y_true, y_score, match):
    """Bad labels or scores raise a ValueError that names the problem."""
    for metric in (auroc, aupr_in, aupr_out, tnr_at_tpr, fpr_at_tpr, detection_accuracy):
        with pytest.raises(ValueError, match=match):
            metric(y_true, y_score)


@pytest.mark.parametrize("tpr", [0, 0.0, -0.1, 1.5, np.nan, True, "0.95", None])
def test_tpr_outside_unit_interval_raises(tpr):
    """tpr must be a number in (0, 1]."""
    with pytest.raises(ValueError, match=r"tpr must be a number in \(0, 1\], got"):
        tnr_at_tpr(Y_TRUE, Y_SCORE, tpr=tpr)
    with pytest.raises(ValueError, match=r"tpr must be a number in \(0, 1\], got"):
        fpr_at_tpr(Y_TRUE, Y_SCORE, tpr=tpr)


@pytest.mark.parametrize("positive", ["ood", "IN", 1, None])
def test_unknown_positive_raises(positive):
    """positive accepts only 'in' and 'out'."""
    match = r"positive must be 'in' or 'out', got"
    with pytest.raises(ValueError, match=match):
        tnr_at_tpr(Y_TRUE, Y_SCORE, positive=positive)
    with pytest.raises(ValueError, match=match):
        ood_report(Y_SCORE[:4], Y_SCORE[4:], positive=positive)


def test_unknown_rule_raises():
    """rule accepts only 'nearest' and 'at_least'."""
    with pytest.raises(ValueError, match=r"rule must be 'nearest' or 'at_least', got 'linear'"):
        tnr_at_tpr(Y_TRUE, Y_SCORE, rule="linear")


@pytest.mark.parametrize("higher_is_ood", ["False", 0, None])
def test_non_bool_higher_is_ood_raises(higher_is_ood):
    """higher_is_ood must be a bool, so the string 'False' is not read as True."""
    match = r"higher_is_ood must be True or False, got"
    for metric in (auroc, aupr_in, aupr_out, tnr_at_tpr, detection_accuracy):
        with pytest.raises(ValueError, match=match):
            metric(Y_TRUE, Y_SCORE, higher_is_ood=higher_is_ood)


@pytest.mark.parametrize(
    "id_scores, ood_scores, match",
    [
        ([], [0.3], r"id_scores must not be empty"),
        ([0.1], [], r"ood_scores must not be empty"),
        ([0.1, np.inf], [0.3], r"id_scores must be finite"),
        ([0.1], [[0.3]], r"ood_scores must be 1-D"),
    ],
)
def test_ood_report_invalid_scores(id_scores, ood_scores, match):
    """ood_report names the score array that is wrong."""
    with pytest.raises(ValueError, match=match):
        ood_report(id_scores, ood_scores)


@pytest.mark.parametrize(
    "tpr_levels, match",
    [
        ((0.95, 0.95), r"must not repeat a level"),
        ((0.85, 1.2), r"each value in tpr_levels must be a number in \(0, 1\], got 1.2"),
        (0.95, r"tpr_levels must be a sequence of numbers"),
        ("0.95", r"tpr_levels must be a sequence of numbers"),
    ],
)
def test_invalid_tpr_levels_raise(tpr_levels, match):
    """tpr_levels must be a sequence of distinct levels in (0, 1]."""
    with pytest.raises(ValueError, match=match):
        ood_report(Y_SCORE[:4], Y_SCORE[4:], tpr_levels=tpr_levels)
