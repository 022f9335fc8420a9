"""Metrics for out-of-distribution (OOD) detection.

Every function takes ``(y_true, y_score)`` like the metrics in
:mod:`sklearn.metrics` and returns a Python float. Three conventions apply
throughout:

- ``y_true`` is binary: 1 (or True) marks an OOD row, 0 (or False) an
  in-distribution (ID) row.
- ``higher_is_ood`` gives the score direction. ``True`` fits
  ``MCDDClassifier.decision_function`` (higher = more OOD), ``False`` fits
  ``score_samples`` and softmax confidences (higher = more typical).
- ``positive`` names the positive class for the threshold metrics
  (:func:`tnr_at_tpr`, :func:`fpr_at_tpr`). The Deep-MCDD paper and the
  Mahalanobis and ODIN papers before it treat ID as positive
  (``positive="in"``): "TNR at TPR 95%" is the fraction of OOD rows rejected
  when 95% of ID rows are accepted. pytorch-ood's ``OODMetrics`` treats OOD as
  positive (``positive="out"``): its "FPR95TPR" is the fraction of ID rows
  flagged as OOD when 95% of OOD rows are detected.

AUROC and detection accuracy do not depend on which class is positive, and
AUPR-In and AUPR-Out fix the positive class in their names, so those
functions have no ``positive`` argument.
"""

import math
from numbers import Real

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

__all__ = [
    "auroc",
    "aupr_in",
    "aupr_out",
    "tnr_at_tpr",
    "fpr_at_tpr",
    "detection_accuracy",
    "ood_report",
]

_POSITIVE_CLASSES = ("in", "out")
_ROC_POINT_RULES = ("nearest", "at_least")

# Distances to the target TPR that differ by less than this count as equal.
# Two TPR values on opposite sides of the target, such as 0.9 and 1.0 around
# 0.95, are equally far in exact arithmetic but not in floating point. For a
# target with d decimal places, distinct distances differ by at least
# 1 / (10**d * n_positive), so for 0.85 or 0.95 only truly equal distances
# merge while there are fewer than 10**7 positive rows.
_TPR_DISTANCE_ATOL = 1e-9


# --------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------


def _validate_labels_and_scores(y_true, y_score):
    """Validate the inputs and return ``(is_ood, scores)`` as 1-D arrays."""
    y_true = np.asarray(y_true)
    if y_true.ndim != 1:
        raise ValueError(
            f"y_true must be 1-D, got an array of shape {y_true.shape}. "
            f"Flatten it with np.ravel(y_true) if it holds one label per row."
        )
    scores = _validate_scores(y_score, name="y_score")
    if y_true.shape[0] != scores.shape[0]:
        raise ValueError(
            f"y_true and y_score must have the same length, got "
            f"{y_true.shape[0]} labels and {scores.shape[0]} scores."
        )

    is_ood = _labels_to_is_ood(y_true)
    return is_ood, scores


def _validate_scores(values, *, name):
    """Return ``values`` as a 1-D float array, raising unless all are finite."""
    try:
        scores = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must contain numbers, but converting it to float "
            f"failed with: {exc}. Pass the output of decision_function or "
            f"score_samples."
        ) from exc
    if scores.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D, got an array of shape {scores.shape}. "
            f"Flatten it with np.ravel({name}) if it holds one score per row."
        )

    not_finite = ~np.isfinite(scores)
    if not_finite.any():
        first = int(np.flatnonzero(not_finite)[0])
        raise ValueError(
            f"{name} must be finite, got {int(not_finite.sum())} NaN or "
            f"infinite values, the first at index {first} "
            f"({scores[first]}). Drop those rows or replace them with "
            f"finite scores."
        )
    return scores


def _labels_to_is_ood(y_true):
    """Return the OOD mask, raising unless y_true is 0/1 with both classes."""
    if y_true.dtype == bool:
        is_ood = y_true
    else:
        try:
            values = np.unique(y_true)
            is_binary = np.isin(values, [0, 1]).all()
        except TypeError:
            is_binary = False
            values = np.unique(y_true.astype(str))
        if not is_binary:
            raise ValueError(
                f"y_true must contain only 0 (ID) and 1 (OOD), got the "
                f"values {values.tolist()[:10]}. Encode your labels first, "
                f"for example y_true = (labels == ood_label).astype(int)."
            )
        is_ood = y_true == 1

    n_ood = int(is_ood.sum())
    n_id = is_ood.shape[0] - n_ood
    if n_ood == 0 or n_id == 0:
        raise ValueError(
            f"y_true must contain both ID (0) and OOD (1) rows, got "
            f"{n_id} ID and {n_ood} OOD rows. OOD metrics compare the "
            f"two groups, so pass scores for both."
        )
    return is_ood


def _check_higher_is_ood(higher_is_ood):
    if not isinstance(higher_is_ood, (bool, np.bool_)):
        raise ValueError(
            f"higher_is_ood must be True or False, got {higher_is_ood!r}. "
            f"Use True for decision_function (higher = more OOD) and False "
            f"for score_samples (higher = more typical)."
        )


def _check_positive(positive):
    if not isinstance(positive, str) or positive not in _POSITIVE_CLASSES:
        raise ValueError(
            f"positive must be 'in' or 'out', got {positive!r}. Use 'in' for "
            f"the Deep-MCDD convention (ID is positive) and 'out' for the "
            f"pytorch-ood convention (OOD is positive)."
        )


def _check_rule(rule):
    if not isinstance(rule, str) or rule not in _ROC_POINT_RULES:
        raise ValueError(
            f"rule must be 'nearest' or 'at_least', got {rule!r}. Use "
            f"'nearest' to match the Deep-MCDD evaluation code and "
            f"'at_least' to match pytorch-ood."
        )


def _check_tpr(tpr, *, name="tpr"):
    is_number = isinstance(tpr, Real) and not isinstance(tpr, (bool, np.bool_))
    if not is_number or math.isnan(tpr) or not 0.0 < tpr <= 1.0:
        raise ValueError(
            f"{name} must be a number in (0, 1], got {tpr!r}. Give the TPR "
            f"as a fraction, for example 0.95 for TPR 95%."
        )


# --------------------------------------------------------------------------
# ROC helpers
# --------------------------------------------------------------------------


def _orient(is_ood, scores, *, higher_is_ood, positive):
    """Return the positive-class mask and scores oriented toward that class."""
    if positive == "in":
        is_positive = ~is_ood
        higher_is_positive = not higher_is_ood
    else:
        is_positive = is_ood
        higher_is_positive = bool(higher_is_ood)
    oriented = scores if higher_is_positive else -scores
    return is_positive, oriented


def _full_roc(is_positive, oriented):
    """Return ``(fpr, tpr)`` at every distinct threshold, starting at (0, 0).

    ``drop_intermediate=False`` keeps one point per distinct score, so tied
    scores form one threshold and no point is missing for the TPR search.
    """
    fpr, tpr, _ = roc_curve(is_positive, oriented, drop_intermediate=False)
    return fpr, tpr


def _select_roc_point(fpr, tpr, target, rule):
    """Return the index of the ROC point used for the target TPR."""
    if rule == "nearest":
        distance = np.abs(tpr - target)
        is_candidate = distance <= distance.min() + _TPR_DISTANCE_ATOL
        chosen_tpr = tpr[is_candidate].max()
    else:
        # roc_curve ends at TPR 1 and target <= 1, so a candidate exists.
        chosen_tpr = tpr[tpr >= target].min()

    # Thresholds with the same TPR differ only in how many negatives they
    # accept. The one with the lowest FPR sits right at a positive score.
    same_tpr = np.flatnonzero(tpr == chosen_tpr)
    return same_tpr[np.argmin(fpr[same_tpr])]


# --------------------------------------------------------------------------
# Public metrics
# --------------------------------------------------------------------------


def auroc(y_true, y_score, *, higher_is_ood=True):
    """Compute the area under the ROC curve (AUROC) for OOD detection.

    AUROC is the probability that a random OOD row scores as more OOD than a
    random ID row, with ties counted as one half. It is the same whichever
    class is called positive, so there is no ``positive`` argument. The
    Deep-MCDD paper treats ID as positive, which gives the same AUROC.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels: 1 (or True) marks an OOD row, 0 (or False) an ID row.
    y_score : array-like of shape (n_samples,)
        Finite OOD scores, in the direction given by ``higher_is_ood``.
    higher_is_ood : bool, default=True
        True when the score rises with OOD-ness (``decision_function``),
        False when it rises with typicality (``score_samples``).

    Returns
    -------
    float
        AUROC in [0, 1]. 0.5 is chance and 1.0 a perfect separation.

    Raises
    ------
    ValueError
        If ``y_true`` is not binary 0/1 or lacks one of the classes, if
        ``y_score`` contains NaN or infinite values, if the lengths differ,
        or if ``higher_is_ood`` is not a bool.

    See Also
    --------
    sklearn.metrics.roc_auc_score : The function used for the computation.
    """
    is_ood, scores = _validate_labels_and_scores(y_true, y_score)
    _check_higher_is_ood(higher_is_ood)

    ood_scores = scores if higher_is_ood else -scores
    return float(roc_auc_score(is_ood, ood_scores))


def aupr_in(y_true, y_score, *, higher_is_ood=True):
    """Compute AUPR-In, the area under the precision-recall curve for ID rows.

    ID rows are the positive class, by the definition of AUPR-In in every
    convention (the Deep-MCDD paper included), so there is no ``positive``
    argument. The area is the average precision of
    :func:`sklearn.metrics.average_precision_score`: a step-wise sum of
    precision weighted by the recall gained at each threshold, with tied
    scores forming one threshold. It is not the trapezoidal area. The
    evaluation code published with Deep-MCDD integrates with the
    trapezoidal rule, so its AUPR values can differ slightly.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels: 1 (or True) marks an OOD row, 0 (or False) an ID row.
    y_score : array-like of shape (n_samples,)
        Finite OOD scores, in the direction given by ``higher_is_ood``.
    higher_is_ood : bool, default=True
        True when the score rises with OOD-ness (``decision_function``),
        False when it rises with typicality (``score_samples``).

    Returns
    -------
    float
        Average precision with ID as positive, in [0, 1]. Chance level is
        the fraction of ID rows.

    Raises
    ------
    ValueError
        If ``y_true`` is not binary 0/1 or lacks one of the classes, if
        ``y_score`` contains NaN or infinite values, if the lengths differ,
        or if ``higher_is_ood`` is not a bool.

    See Also
    --------
    aupr_out : The same area with OOD rows as the positive class.
    """
    is_ood, scores = _validate_labels_and_scores(y_true, y_score)
    _check_higher_is_ood(higher_is_ood)

    id_scores = -scores if higher_is_ood else scores
    return float(average_precision_score(~is_ood, id_scores))


def aupr_out(y_true, y_score, *, higher_is_ood=True):
    """Compute AUPR-Out, the area under the precision-recall curve for OOD rows.

    OOD rows are the positive class, by the definition of AUPR-Out in every
    convention (the Deep-MCDD paper included), so there is no ``positive``
    argument. The area is the average precision of
    :func:`sklearn.metrics.average_precision_score`, not the trapezoidal
    area. :func:`aupr_in` explains the difference.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels: 1 (or True) marks an OOD row, 0 (or False) an ID row.
    y_score : array-like of shape (n_samples,)
        Finite OOD scores, in the direction given by ``higher_is_ood``.
    higher_is_ood : bool, default=True
        True when the score rises with OOD-ness (``decision_function``),
        False when it rises with typicality (``score_samples``).

    Returns
    -------
    float
        Average precision with OOD as positive, in [0, 1]. Chance level is
        the fraction of OOD rows.

    Raises
    ------
    ValueError
        If ``y_true`` is not binary 0/1 or lacks one of the classes, if
        ``y_score`` contains NaN or infinite values, if the lengths differ,
        or if ``higher_is_ood`` is not a bool.

    See Also
    --------
    aupr_in : The same area with ID rows as the positive class.
    """
    is_ood, scores = _validate_labels_and_scores(y_true, y_score)
    _check_higher_is_ood(higher_is_ood)

    ood_scores = scores if higher_is_ood else -scores
    return float(average_precision_score(is_ood, ood_scores))


def tnr_at_tpr(
    y_true,
    y_score,
    *,
    tpr=0.95,
    higher_is_ood=True,
    positive="in",
    rule="nearest",
):
    """Compute the true negative rate (TNR) at a given true positive rate (TPR).

    With the defaults ``positive="in"`` and ``tpr=0.95`` this is the
    Deep-MCDD "TNR at TPR 95%": the fraction of OOD rows rejected when the
    threshold accepts 95% of ID rows. With ``positive="out"`` it is the
    fraction of ID rows accepted when 95% of OOD rows are detected.

    The ROC curve has one point per distinct score, so tied scores form one
    threshold, as in :func:`sklearn.metrics.roc_curve`. When no point has
    exactly the requested TPR, ``rule`` picks one:

    - ``"nearest"`` takes the point whose TPR is closest to ``tpr``, as the
      evaluation code published with Deep-MCDD does. When two TPR values
      are equally close, for example 0.9 and 1.0 around 0.95, the higher
      one wins.
    - ``"at_least"`` takes the lowest TPR that is at least ``tpr``, as
      pytorch-ood's ``fpr_at_tpr`` does.

    Several thresholds can share the chosen TPR. The one with the lowest
    false positive rate is used, which puts the threshold at the score of a
    positive row.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels: 1 (or True) marks an OOD row, 0 (or False) an ID row.
    y_score : array-like of shape (n_samples,)
        Finite OOD scores, in the direction given by ``higher_is_ood``.
    tpr : float, default=0.95
        Target TPR in (0, 1]. The field reports 0.95 and 0.85.
    higher_is_ood : bool, default=True
        True when the score rises with OOD-ness (``decision_function``),
        False when it rises with typicality (``score_samples``).
    positive : {"in", "out"}, default="in"
        Positive class. ``"in"`` (Deep-MCDD, Mahalanobis and ODIN papers):
        TPR is the fraction of ID rows accepted and TNR the fraction of OOD
        rows rejected. ``"out"`` (pytorch-ood): TPR is the fraction of OOD
        rows detected and TNR the fraction of ID rows accepted.
    rule : {"nearest", "at_least"}, default="nearest"
        How to choose the ROC point for ``tpr``, as described above.

    Returns
    -------
    float
        TNR in [0, 1], higher is better.

    Raises
    ------
    ValueError
        If ``y_true`` is not binary 0/1 or lacks one of the classes, if
        ``y_score`` contains NaN or infinite values, if the lengths differ,
        if ``tpr`` is outside (0, 1], or if ``higher_is_ood``, ``positive``
        or ``rule`` is invalid.

    See Also
    --------
    fpr_at_tpr : One minus this value.

    Notes
    -----
    The evaluation code published with Deep-MCDD takes the first minimum of
    ``|TPR - tpr|`` along a curve that starts at the lowest threshold. Among
    thresholds that share a TPR it therefore takes the highest FPR, and
    floating-point rounding decides between two equally near TPR values. It
    also steps through tied scores one row at a time. Its values can differ
    from these on small test sets.
    """
    is_ood, scores = _validate_labels_and_scores(y_true, y_score)
    _check_tpr(tpr)
    _check_higher_is_ood(higher_is_ood)
    _check_positive(positive)
    _check_rule(rule)

    is_positive, oriented = _orient(
        is_ood, scores, higher_is_ood=higher_is_ood, positive=positive
    )
    fpr_values, tpr_values = _full_roc(is_positive, oriented)
    index = _select_roc_point(fpr_values, tpr_values, tpr, rule)
    return float(1.0 - fpr_values[index])


def fpr_at_tpr(
    y_true,
    y_score,
    *,
    tpr=0.95,
    higher_is_ood=True,
    positive="in",
    rule="nearest",
):
    """Compute the false positive rate (FPR) at a given true positive rate (TPR).

    This is ``1 - tnr_at_tpr(...)`` with the same arguments, at the same ROC
    point. With ``positive="in"`` (the Deep-MCDD convention) it is the
    fraction of OOD rows accepted when 95% of ID rows are accepted. With
    ``positive="out"`` and ``rule="at_least"`` it is the "FPR95TPR" of
    pytorch-ood: the fraction of ID rows flagged as OOD when 95% of OOD rows
    are detected.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels: 1 (or True) marks an OOD row, 0 (or False) an ID row.
    y_score : array-like of shape (n_samples,)
        Finite OOD scores, in the direction given by ``higher_is_ood``.
    tpr : float, default=0.95
        Target TPR in (0, 1].
    higher_is_ood : bool, default=True
        True when the score rises with OOD-ness (``decision_function``),
        False when it rises with typicality (``score_samples``).
    positive : {"in", "out"}, default="in"
        Positive class, as in :func:`tnr_at_tpr`.
    rule : {"nearest", "at_least"}, default="nearest"
        How to choose the ROC point for ``tpr``, as in :func:`tnr_at_tpr`.

    Returns
    -------
    float
        FPR in [0, 1], lower is better.

    Raises
    ------
    ValueError
        For the same inputs as :func:`tnr_at_tpr`.
    """
    tnr = tnr_at_tpr(
        y_true,
        y_score,
        tpr=tpr,
        higher_is_ood=higher_is_ood,
        positive=positive,
        rule=rule,
    )
    return float(1.0 - tnr)


def detection_accuracy(y_true, y_score, *, higher_is_ood=True):
    """Compute the detection accuracy, the best balanced accuracy over thresholds.

    Detection accuracy is ``max over thresholds of (TPR + TNR) / 2``, taken
    over every distinct score (tied scores form one threshold) and the two
    trivial thresholds that accept all or no rows. Swapping the positive
    class swaps TPR and TNR and leaves the sum unchanged, so there is no
    ``positive`` argument. The Deep-MCDD paper treats ID as positive, which
    gives the same value.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels: 1 (or True) marks an OOD row, 0 (or False) an ID row.
    y_score : array-like of shape (n_samples,)
        Finite OOD scores, in the direction given by ``higher_is_ood``.
    higher_is_ood : bool, default=True
        True when the score rises with OOD-ness (``decision_function``),
        False when it rises with typicality (``score_samples``).

    Returns
    -------
    float
        Detection accuracy in [0.5, 1]. The trivial thresholds give 0.5.

    Raises
    ------
    ValueError
        If ``y_true`` is not binary 0/1 or lacks one of the classes, if
        ``y_score`` contains NaN or infinite values, if the lengths differ,
        or if ``higher_is_ood`` is not a bool.
    """
    is_ood, scores = _validate_labels_and_scores(y_true, y_score)
    _check_higher_is_ood(higher_is_ood)

    ood_scores = scores if higher_is_ood else -scores
    fpr_values, tpr_values = _full_roc(is_ood, ood_scores)
    return float(np.max(tpr_values + 1.0 - fpr_values) / 2.0)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def _format_tpr_level(level):
    """Return the percent label of a TPR level: 0.95 -> '95', 0.995 -> '99.5'."""
    return f"{round(100.0 * level, 6):g}"


def ood_report(
    id_scores,
    ood_scores,
    *,
    higher_is_ood=True,
    positive="in",
    tpr_levels=(0.85, 0.95),
    rule="nearest",
    as_frame=False,
):
    """Compute all OOD metrics for one pair of ID and OOD score arrays.

    The keys, in this order, are ``"AUROC"``, ``"AUPR-In"``, ``"AUPR-Out"``,
    then ``"TNR@TPR<p>"`` for each level in ``tpr_levels``, then
    ``"FPR@TPR<p>"`` for each level, then ``"detection_accuracy"``. ``<p>``
    is the level in percent, so the defaults give ``"TNR@TPR85"``,
    ``"TNR@TPR95"``, ``"FPR@TPR85"`` and ``"FPR@TPR95"``. The TNR and FPR
    keys follow ``positive``. The default ``"in"`` gives the Deep-MCDD
    table (TNR at TPR 85% and 95% with ID as positive). ``"out"`` gives the
    pytorch-ood FPR95TPR under ``"FPR@TPR95"`` when ``rule="at_least"``.

    Parameters
    ----------
    id_scores : array-like of shape (n_id,)
        Finite scores of the ID rows, in the direction given by
        ``higher_is_ood``.
    ood_scores : array-like of shape (n_ood,)
        Finite scores of the OOD rows, in the same direction.
    higher_is_ood : bool, default=True
        True when the score rises with OOD-ness (``decision_function``),
        False when it rises with typicality (``score_samples``).
    positive : {"in", "out"}, default="in"
        Positive class for the TNR and FPR entries, as in :func:`tnr_at_tpr`.
    tpr_levels : sequence of float, default=(0.85, 0.95)
        Distinct TPR levels in (0, 1] for the TNR and FPR entries.
    rule : {"nearest", "at_least"}, default="nearest"
        How to choose the ROC point for each level, as in :func:`tnr_at_tpr`.
    as_frame : bool, default=False
        If True, return a one-row :class:`pandas.DataFrame` with the keys as
        columns instead of a dict.

    Returns
    -------
    dict of str to float, or pandas.DataFrame
        The metrics, each in [0, 1].

    Raises
    ------
    ValueError
        If either score array is empty, not 1-D or not finite, if a level
        in ``tpr_levels`` is outside (0, 1] or repeated, or if
        ``higher_is_ood``, ``positive`` or ``rule`` is invalid.

    Examples
    --------
    >>> from mcdd_sklearn.metrics import ood_report
    >>> report = ood_report([0.1, 0.2, 0.4], [0.3, 0.9])
    >>> report["AUROC"]
    0.8333333333333334
    >>> report["TNR@TPR95"]
    0.5
    """
    id_scores = _validate_scores(id_scores, name="id_scores")
    ood_scores = _validate_scores(ood_scores, name="ood_scores")
    for name, array in (("id_scores", id_scores), ("ood_scores", ood_scores)):
        if array.shape[0] == 0:
            raise ValueError(
                f"{name} must not be empty. OOD metrics compare ID and OOD "
                f"rows, so pass at least one score of each."
            )
    _check_higher_is_ood(higher_is_ood)
    _check_positive(positive)
    _check_rule(rule)
    tpr_levels = _validate_tpr_levels(tpr_levels)

    n_id, n_ood = id_scores.shape[0], ood_scores.shape[0]
    y_true = np.concatenate([np.zeros(n_id, dtype=int), np.ones(n_ood, dtype=int)])
    y_score = np.concatenate([id_scores, ood_scores])
    threshold_kwargs = {
        "higher_is_ood": higher_is_ood,
        "positive": positive,
        "rule": rule,
    }

    report = {
        "AUROC": auroc(y_true, y_score, higher_is_ood=higher_is_ood),
        "AUPR-In": aupr_in(y_true, y_score, higher_is_ood=higher_is_ood),
        "AUPR-Out": aupr_out(y_true, y_score, higher_is_ood=higher_is_ood),
    }
    tnr_values = [
        tnr_at_tpr(y_true, y_score, tpr=level, **threshold_kwargs)
        for level in tpr_levels
    ]
    for level, tnr in zip(tpr_levels, tnr_values):
        report[f"TNR@TPR{_format_tpr_level(level)}"] = tnr
    for level, tnr in zip(tpr_levels, tnr_values):
        report[f"FPR@TPR{_format_tpr_level(level)}"] = float(1.0 - tnr)
    report["detection_accuracy"] = detection_accuracy(
        y_true, y_score, higher_is_ood=higher_is_ood
    )

    if as_frame:
        import pandas as pd

        return pd.DataFrame([report])
    return report


def _validate_tpr_levels(tpr_levels):
    """Return ``tpr_levels`` as a tuple, raising on bad or repeated levels."""
    if isinstance(tpr_levels, (str, bytes)) or not np.iterable(tpr_levels):
        raise ValueError(
            f"tpr_levels must be a sequence of numbers in (0, 1], got "
            f"{tpr_levels!r}. Use for example tpr_levels=(0.85, 0.95)."
        )
    tpr_levels = tuple(tpr_levels)
    for level in tpr_levels:
        _check_tpr(level, name="each value in tpr_levels")

    labels = [_format_tpr_level(level) for level in tpr_levels]
    if len(set(labels)) != len(labels):
        raise ValueError(
            f"tpr_levels must not repeat a level, got {tpr_levels!r}, which "
            f"would give duplicate report keys. Remove the repeated level."
        )
    return tpr_levels
