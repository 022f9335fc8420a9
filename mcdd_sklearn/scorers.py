"""Scorers for model selection that optimises OOD detection.

Each scorer is a callable ``scorer(estimator, X, y)``, so it can be passed as
``scoring=`` to :class:`~sklearn.model_selection.GridSearchCV`,
:func:`~sklearn.model_selection.cross_val_score` or
:func:`~sklearn.model_selection.cross_validate`. It reads the OOD score from
``estimator.decision_function(X)`` (higher = more OOD), which is
``min_k D_k(x)`` for :class:`~mcdd_sklearn.MCDDClassifier` and for a
:class:`~sklearn.pipeline.Pipeline` that ends with one.

There are two routes:

- **With known OOD rows** (:func:`make_ood_scorer`): rows whose label in ``y``
  equals ``ood_label`` are OOD, and the scorer compares their OOD scores with
  those of the other (ID) rows of the validation fold. ``MCDDClassifier``
  never trains on those rows as a class. Every validation fold must contain
  both ID and OOD rows. For a classifier, ``GridSearchCV(cv=k)`` and
  ``cross_val_score(cv=k)`` split with ``StratifiedKFold`` on ``y``, which
  keeps both. It treats ``ood_label`` as one more class, so every fold gets
  about the same share of OOD rows when there are at least ``k`` of them.
- **With ID rows only** (:func:`make_synthetic_ood_scorer`): the scorer draws
  synthetic outliers from the ID rows of the validation fold and compares
  their OOD scores with those of the ID rows.

Both raise a ``ValueError`` on a fold they cannot score. ``GridSearchCV`` and
``cross_val_score`` catch it under their default ``error_score=np.nan``,
record NaN for that fold and warn with the message. Pass
``error_score="raise"`` to stop at the first such fold instead.
"""

import math
import numbers

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from . import metrics

__all__ = [
    "make_ood_scorer",
    "make_synthetic_ood_scorer",
    "synthetic_outliers",
    "ood_auroc_scorer",
    "ood_tnr_at_tpr95_scorer",
    "synthetic_ood_auroc_scorer",
]

# Metrics of mcdd_sklearn.metrics that the scorers accept by name, with
# whether a higher value is better.
_METRICS = {
    "auroc": (metrics.auroc, True),
    "aupr_in": (metrics.aupr_in, True),
    "aupr_out": (metrics.aupr_out, True),
    "tnr_at_tpr": (metrics.tnr_at_tpr, True),
    "fpr_at_tpr": (metrics.fpr_at_tpr, False),
    "detection_accuracy": (metrics.detection_accuracy, True),
}

_SYNTHETIC_KINDS = ("permute", "uniform")


def _ood_mask(y, ood_label):
    """Return a boolean mask of the entries of y equal to ``ood_label``.

    ``ood_label=None`` marks no entry. A float NaN ``ood_label`` marks the
    NaN entries. A label of another type than y's entries (the string "-1"
    for integer labels, for example) marks none.
    """
    y = np.asarray(y)
    if ood_label is None:
        return np.zeros(y.shape[0], dtype=bool)
    if isinstance(ood_label, numbers.Real) and math.isnan(ood_label):
        return np.asarray(pd.isna(y), dtype=bool).reshape(y.shape[0])
    if y.dtype == object:
        return np.fromiter((value == ood_label for value in y), dtype=bool, count=len(y))
    mask = np.asarray(y == ood_label)
    if mask.shape != y.shape:
        # numpy returns a scalar False when the types cannot be compared.
        return np.zeros(y.shape[0], dtype=bool)
    return mask


def _final_estimator(estimator):
    """Return the last step of a Pipeline (recursively), or the estimator itself."""
    while hasattr(estimator, "steps"):
        estimator = estimator.steps[-1][1]
    return estimator


def _resolve_metric(metric, greater_is_better):
    if callable(metric):
        return metric, True if greater_is_better is None else greater_is_better
    if metric not in _METRICS:
        raise ValueError(
            f"metric must be a callable or one of {sorted(_METRICS)}, got {metric!r}."
        )
    function, default_sign = _METRICS[metric]
    return function, default_sign if greater_is_better is None else greater_is_better


class _OODScorerBase:
    """Shared parts of the two scorers: the metric call and the repr."""

    def __init__(self, metric, greater_is_better, metric_kwargs):
        self.metric = metric
        self.greater_is_better = greater_is_better
        self.metric_kwargs = metric_kwargs
        self._function, self._greater = _resolve_metric(metric, greater_is_better)

    def _score(self, id_scores, ood_scores):
        id_scores = np.asarray(id_scores, dtype=np.float64)
        ood_scores = np.asarray(ood_scores, dtype=np.float64)
        y_true = np.r_[np.zeros(id_scores.size, dtype=int), np.ones(ood_scores.size, dtype=int)]
        value = self._function(
            y_true, np.r_[id_scores, ood_scores], higher_is_ood=True, **self.metric_kwargs
        )
        return float(value) if self._greater else -float(value)

    def _describe(self):
        name = self.metric if isinstance(self.metric, str) else getattr(
            self.metric, "__name__", repr(self.metric)
        )
        extra = "".join(f", {key}={value!r}" for key, value in self.metric_kwargs.items())
        return f"{name!r}{extra}"


class _KnownOODScorer(_OODScorerBase):
    """Scorer that compares the OOD scores of the ``ood_label`` rows with the other rows."""

    def __init__(self, metric, *, ood_label, greater_is_better, metric_kwargs):
        super().__init__(metric, greater_is_better, metric_kwargs)
        self.ood_label = ood_label

    def __call__(self, estimator, X, y, sample_weight=None):
        """Score the estimator on the ID and OOD rows of one validation fold.

        Parameters
        ----------
        estimator : fitted estimator
            Has ``decision_function`` returning the OOD score (higher = more
            OOD), such as a fitted ``MCDDClassifier`` or a Pipeline ending
            with one.
        X : array-like of shape (n_samples, n_features)
            Validation rows.
        y : array-like of shape (n_samples,)
            Their labels; rows labelled ``ood_label`` are the OOD rows.
        sample_weight : None
            Accepted for scikit-learn's scorer signature; weights are not
            supported and must be None.

        Returns
        -------
        score : float
            The metric; negated when lower values of it are better, so that
            a higher score is always better.

        Raises
        ------
        ValueError
            If ``ood_label`` is unknown, or if the fold lacks ID or OOD rows.
        """
        _reject_sample_weight(sample_weight)
        ood_label = self.ood_label
        if ood_label is None:
            ood_label = getattr(_final_estimator(estimator), "ood_label", None)
        if ood_label is None:
            raise ValueError(
                "The OOD scorer needs to know which label marks OOD rows, but "
                "ood_label is None both on the scorer and on the estimator. "
                "Set MCDDClassifier(ood_label=...) or pass ood_label to "
                "make_ood_scorer."
            )

        is_ood = _ood_mask(y, ood_label)
        n_ood = int(is_ood.sum())
        n_id = is_ood.size - n_ood
        if n_ood == 0 or n_id == 0:
            raise ValueError(
                f"This validation fold has {n_id} ID rows and {n_ood} OOD rows "
                f"(label {ood_label!r}), but the OOD scorer needs both. Split "
                "with StratifiedKFold on y (the default of GridSearchCV and "
                "cross_val_score with an integer cv for a classifier), which "
                "treats ood_label as one more class, and give y at least as "
                "many OOD rows as there are folds."
            )
        ood_score = np.asarray(estimator.decision_function(X), dtype=np.float64)
        return self._score(ood_score[~is_ood], ood_score[is_ood])

    def __repr__(self):
        return f"make_ood_scorer({self._describe()}, ood_label={self.ood_label!r})"


class _SyntheticOODScorer(_OODScorerBase):
    """Scorer that compares the OOD scores of ID rows and of synthetic outliers."""

    def __init__(self, metric, *, kind, margin, random_state, greater_is_better, metric_kwargs):
        super().__init__(metric, greater_is_better, metric_kwargs)
        if kind not in _SYNTHETIC_KINDS:
            raise ValueError(f"kind must be one of {list(_SYNTHETIC_KINDS)}, got {kind!r}.")
        if not isinstance(margin, numbers.Real) or margin < 0:
            raise ValueError(f"margin must be a float >= 0, got {margin!r}.")
        self.kind = kind
        self.margin = margin
        self.random_state = random_state

    def __call__(self, estimator, X, y=None, sample_weight=None):
        """Score the estimator on the ID rows of one fold against synthetic outliers.

        Parameters
        ----------
        estimator : fitted estimator
            Has ``decision_function`` returning the OOD score (higher = more
            OOD), such as a fitted ``MCDDClassifier`` or a Pipeline ending
            with one.
        X : array-like of shape (n_samples, n_features)
            Validation rows.
        y : array-like of shape (n_samples,) or None
            Their labels. Rows labelled with the estimator's ``ood_label``
            are dropped, so only ID rows are used. None uses every row.
        sample_weight : None
            Accepted for scikit-learn's scorer signature; weights are not
            supported and must be None.

        Returns
        -------
        score : float
            The metric; negated when lower values of it are better.

        Raises
        ------
        ValueError
            If the fold has fewer than 2 ID rows, or if ``kind="uniform"``
            meets a non-numeric column.
        """
        _reject_sample_weight(sample_weight)
        if y is not None:
            ood_label = getattr(_final_estimator(estimator), "ood_label", None)
            is_id = ~_ood_mask(y, ood_label)
            X = X.iloc[is_id] if hasattr(X, "iloc") else np.asarray(X)[is_id]
        if len(X) < 2:
            raise ValueError(
                f"The synthetic OOD scorer needs at least 2 ID rows in the "
                f"validation fold, got {len(X)}. Use fewer folds."
            )

        rng = check_random_state(self.random_state)
        outliers = synthetic_outliers(X, kind=self.kind, margin=self.margin, random_state=rng)
        return self._score(estimator.decision_function(X), estimator.decision_function(outliers))

    def __repr__(self):
        return (
            f"make_synthetic_ood_scorer({self._describe()}, kind={self.kind!r}, "
            f"margin={self.margin!r}, random_state={self.random_state!r})"
        )


def _reject_sample_weight(sample_weight):
    if sample_weight is not None:
        raise ValueError(
            "The OOD scorers do not support sample_weight; got an array. Drop "
            "it from the scoring parameters."
        )


def synthetic_outliers(X, *, kind="permute", margin=0.5, random_state=None):
    """Draw one synthetic outlier per row of X from the distribution of X.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        ID rows that the outliers are drawn from.
    kind : {"permute", "uniform"}, default="permute"
        ``"permute"`` shuffles each column independently, which keeps every
        feature's marginal distribution but breaks the dependence between
        features. ``"uniform"`` draws each feature uniformly from its range in
        X widened by ``margin`` times the range on each side.
    margin : float, default=0.5
        Widening of each feature's range for ``kind="uniform"``, as a
        fraction of the range. Ignored for ``"permute"``.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw.

    Returns
    -------
    outliers : ndarray or DataFrame of shape (n_samples, n_features)
        Of the same type as X; a DataFrame keeps the column names.

    Raises
    ------
    ValueError
        If ``kind`` is unknown, or if ``kind="uniform"`` meets a
        non-numeric column.
    """
    rng = check_random_state(random_state)
    is_frame = isinstance(X, pd.DataFrame)
    values = X.to_numpy() if is_frame else np.asarray(X)
    n_samples = values.shape[0]

    if kind == "permute":
        columns = [values[rng.permutation(n_samples), j] for j in range(values.shape[1])]
        outliers = np.column_stack(columns) if columns else values.copy()
    elif kind == "uniform":
        try:
            values = values.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "kind='uniform' needs numeric features; converting X to float "
                f"failed with: {exc}. Use kind='permute' for other columns."
            ) from exc
        low, high = values.min(axis=0), values.max(axis=0)
        spread = (high - low) * margin
        outliers = rng.uniform(low - spread, high + spread, size=values.shape)
    else:
        raise ValueError(f"kind must be one of {list(_SYNTHETIC_KINDS)}, got {kind!r}.")

    if is_frame:
        frame = pd.DataFrame(outliers, columns=X.columns)
        return frame.astype(X.dtypes.to_dict()) if kind == "permute" else frame
    return outliers


def make_ood_scorer(metric="auroc", *, ood_label=None, greater_is_better=None, **metric_kwargs):
    """Make a scorer of OOD detection on validation rows labelled ``ood_label``.

    The scorer splits the validation fold into OOD rows (label
    ``ood_label``) and ID rows (every other label), takes the OOD score
    ``estimator.decision_function(X)`` of each and returns
    ``metric(y_true, y_score, higher_is_ood=True, **metric_kwargs)`` with
    ``y_true`` = 1 for OOD rows.

    Parameters
    ----------
    metric : str or callable, default="auroc"
        A name of :mod:`mcdd_sklearn.metrics` (``"auroc"``, ``"aupr_in"``,
        ``"aupr_out"``, ``"tnr_at_tpr"``, ``"fpr_at_tpr"``,
        ``"detection_accuracy"``) or a callable with the same signature.
    ood_label : object, default=None
        Label of the OOD rows in ``y``. None reads ``ood_label`` from the
        estimator (the last step of a Pipeline) at each call.
    greater_is_better : bool or None, default=None
        Whether a higher metric is better. None means True, except for
        ``"fpr_at_tpr"``. When False, the scorer returns the negated metric,
        as scikit-learn's ``neg_*`` scorers do, so that higher is always
        better for ``GridSearchCV``.
    **metric_kwargs
        Passed to the metric, for example ``tpr=0.95`` or ``positive="out"``.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)`` returning a float.

    See Also
    --------
    make_synthetic_ood_scorer : The route without OOD rows.

    Notes
    -----
    The scorer raises a ``ValueError`` on a fold without ID rows or without
    OOD rows. Use ``StratifiedKFold`` on y, the default for an integer
    ``cv`` with a classifier, and have at least as many OOD rows as folds.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_wine
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from mcdd_sklearn import MCDDClassifier
    >>> from mcdd_sklearn.scorers import make_ood_scorer
    >>> X, y = load_wine(return_X_y=True)
    >>> y = np.where(y == 2, -1, y)  # treat class 2 as known OOD
    >>> model = make_pipeline(
    ...     StandardScaler(), MCDDClassifier(ood_label=-1, max_epochs=20, random_state=0)
    ... )
    >>> scores = cross_val_score(model, X, y, cv=3, scoring=make_ood_scorer("auroc"))
    >>> scores.shape
    (3,)
    """
    return _KnownOODScorer(
        metric, ood_label=ood_label, greater_is_better=greater_is_better, metric_kwargs=metric_kwargs
    )


def make_synthetic_ood_scorer(
    metric="auroc", *, kind="permute", margin=0.5, random_state=0, greater_is_better=None, **metric_kwargs
):
    """Make a scorer of OOD detection against synthetic outliers, from ID rows only.

    For each validation fold the scorer draws one synthetic outlier per ID
    row with :func:`synthetic_outliers` and returns the metric of the OOD
    scores of the ID rows (label 0) against those of the outliers (label 1).
    Rows labelled with the estimator's ``ood_label`` are dropped first.

    Parameters
    ----------
    metric : str or callable, default="auroc"
        As in :func:`make_ood_scorer`.
    kind : {"permute", "uniform"}, default="permute"
        How outliers are drawn; see :func:`synthetic_outliers`.
    margin : float, default=0.5
        Widening of the feature ranges for ``kind="uniform"``.
    random_state : int, RandomState instance or None, default=0
        Seeds the draw. An integer gives the same draw for the same fold at
        every call, so that all candidates of a search face the same
        outliers.
    greater_is_better : bool or None, default=None
        As in :func:`make_ood_scorer`.
    **metric_kwargs
        Passed to the metric.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None)`` returning a float.

    See Also
    --------
    make_ood_scorer : The route with known OOD rows.

    Notes
    -----
    The outliers are drawn in the input space of the estimator, before any
    preprocessing in a Pipeline. Permuted rows resemble ID rows feature by
    feature, so they test whether the model learned how features vary
    together. Uniform rows mostly lie far from the data and are easy to
    detect. Neither is a real OOD class: the reg_lambda this route selects
    is compared with the one selected with held-out real classes in the
    project's ``docs/model_selection.md``.
    """
    return _SyntheticOODScorer(
        metric,
        kind=kind,
        margin=margin,
        random_state=random_state,
        greater_is_better=greater_is_better,
        metric_kwargs=metric_kwargs,
    )


ood_auroc_scorer = make_ood_scorer("auroc")
ood_tnr_at_tpr95_scorer = make_ood_scorer("tnr_at_tpr", tpr=0.95)
synthetic_ood_auroc_scorer = make_synthetic_ood_scorer("auroc", kind="permute")
