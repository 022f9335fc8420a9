"""Thresholds on the OOD score and the ID/OOD decisions built on them.

:class:`~mcdd_sklearn.MCDDClassifier` stores ``threshold_``, a value on the
scale of ``decision_function`` (the OOD score ``min_k D_k(x)``, higher = more
OOD). A row is accepted as in-distribution (ID) when its OOD score is at most
``threshold_`` and rejected as OOD otherwise. The threshold is the
split-conformal quantile of the OOD scores of ID rows held out from training,
so that about ``id_acceptance`` of new ID rows are accepted.
"""

import math
import numbers

import numpy as np
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_is_fitted

from .scorers import _ood_mask

__all__ = ["ood_threshold", "split_training_rows", "OODDecisionMixin"]

# Encoded target of the rows labelled ``ood_label`` inside ``fit``; class
# indices are 0..n_classes-1, so a negative value cannot be taken for a class.
OOD_TARGET = -1

# Labels of ``predict_ood``, as returned by scikit-learn's outlier detectors.
INLIER, OUTLIER = 1, -1


def ood_threshold(id_scores, id_acceptance=0.95):
    """Compute the OOD-score threshold that accepts a target fraction of ID rows.

    With the n held-out ID scores sorted in ascending order, the threshold is
    the k-th smallest, with ``k = ceil((n + 1) * id_acceptance)`` capped at
    n. This is the split-conformal quantile. Suppose a new ID row and the
    held-out rows are exchangeable (drawn from the same distribution,
    independently of training). Then the new row's score is at most the
    threshold with probability at least ``id_acceptance``, and at most
    ``id_acceptance + 1 / (n + 1)`` when the scores have no ties. When ``(n + 1) * id_acceptance > n``, for
    example fewer than 19 rows for 0.95, the cap makes the threshold the
    largest score, and the guaranteed acceptance drops to ``n / (n + 1)``.

    Parameters
    ----------
    id_scores : array-like of shape (n_samples,)
        OOD scores (higher = more OOD) of ID rows that were not used for
        training, for example ``clf.decision_function(X_holdout)``.
    id_acceptance : float, default=0.95
        Target fraction of ID rows to accept, in (0, 1).

    Returns
    -------
    threshold : float
        Rows with an OOD score at most this value are accepted as ID.

    Raises
    ------
    ValueError
        If ``id_scores`` is empty, not 1-D or not finite, or if
        ``id_acceptance`` is outside (0, 1).

    Examples
    --------
    >>> from mcdd_sklearn.thresholds import ood_threshold
    >>> ood_threshold([0.4, 0.1, 0.3, 0.2], id_acceptance=0.5)
    0.3
    """
    if not isinstance(id_acceptance, numbers.Real) or not 0 < id_acceptance < 1:
        raise ValueError(
            f"id_acceptance must be a float in (0, 1), got {id_acceptance!r}. "
            "Use for example 0.95 to accept 95% of ID rows."
        )
    scores = np.asarray(id_scores, dtype=np.float64)
    if scores.ndim != 1 or scores.size == 0:
        raise ValueError(
            "id_scores must be a non-empty 1-D array of OOD scores, got shape "
            f"{scores.shape}."
        )
    if not np.isfinite(scores).all():
        raise ValueError(
            f"id_scores must be finite, got {int((~np.isfinite(scores)).sum())} "
            "NaN or infinite values."
        )

    n_samples = scores.size
    rank = min(n_samples, math.ceil((n_samples + 1) * id_acceptance))
    return float(np.partition(scores, rank - 1)[rank - 1])


def _holdout_split(y_encoded, fraction, seed):
    """Split row indices into training rows and held-out ID rows.

    Rows with the target ``OOD_TARGET`` and the rows of classes with fewer
    than 2 members always stay in training, so every class keeps at least
    one training row. The other rows are split with ``train_test_split``,
    stratified by class when each part can hold every class.

    Parameters
    ----------
    y_encoded : ndarray of shape (n_samples,)
        Class indices, or ``OOD_TARGET`` for rows labelled ``ood_label``.
    fraction : float
        Fraction of the eligible rows to hold out, in (0, 1).
    seed : int
        Seed of the split.

    Returns
    -------
    train_rows : ndarray of int
        Indices of the training rows: the split's training part in the
        order ``train_test_split`` returns it, then the rows that always
        stay in training.
    holdout_rows : ndarray of int
        Indices of the held-out rows; empty when fewer than 2 rows are
        eligible.
    stratified : bool
        Whether the split was stratified by class.
    """
    is_id = y_encoded != OOD_TARGET
    counts = np.bincount(y_encoded[is_id])
    eligible = is_id & (counts[np.where(is_id, y_encoded, 0)] >= 2)
    eligible_rows = np.flatnonzero(eligible)
    if eligible_rows.size < 2:
        return np.arange(len(y_encoded)), eligible_rows[:0], False

    n_classes = np.count_nonzero(counts >= 2)
    n_holdout = min(math.ceil(fraction * eligible_rows.size), eligible_rows.size - 1)
    n_train = eligible_rows.size - n_holdout
    stratified = min(n_holdout, n_train) >= n_classes
    train_part, holdout_rows = train_test_split(
        eligible_rows,
        test_size=n_holdout,
        stratify=y_encoded[eligible_rows] if stratified else None,
        random_state=seed,
    )
    train_rows = np.concatenate([train_part, np.flatnonzero(~eligible)])
    return train_rows, holdout_rows, stratified


def split_training_rows(y_encoded, *, fraction, hold_out, train_on_ood, seed):
    """Choose the rows that ``fit`` trains on and the ID rows it holds out.

    Parameters
    ----------
    y_encoded : ndarray of shape (n_samples,)
        Class indices, or ``OOD_TARGET`` for rows labelled ``ood_label``.
    fraction : float
        Fraction of the ID rows to hold out, as in :func:`_holdout_split`.
    hold_out : bool
        Whether to hold rows out at all.
    train_on_ood : bool
        Whether the ``OOD_TARGET`` rows stay among the training rows.
    seed : int
        Seed of the split.

    Returns
    -------
    train_rows : ndarray of int or None
        Indices of the training rows; None when every row trains, so that
        the caller can skip a copy of X.
    holdout_rows : ndarray of int
        Indices of the held-out ID rows, empty when ``hold_out`` is False.
    stratified : bool
        Whether the hold-out split was stratified by class.
    """
    train_rows, holdout_rows, stratified = None, np.arange(0), False
    if hold_out:
        train_rows, holdout_rows, stratified = _holdout_split(y_encoded, fraction, seed)
    if not train_on_ood and (y_encoded == OOD_TARGET).any():
        if train_rows is None:
            train_rows = np.arange(len(y_encoded))
        train_rows = train_rows[y_encoded[train_rows] != OOD_TARGET]
    return train_rows, holdout_rows, stratified


def _common_label_dtype(labels_dtype, reject_label):
    """Return a dtype that can store both the class labels and ``reject_label``."""
    reject_dtype = np.asarray(reject_label).dtype
    numeric = "biuf"
    if labels_dtype.kind in numeric and reject_dtype.kind in numeric:
        return np.result_type(labels_dtype, reject_dtype)
    if labels_dtype.kind in "US" and reject_dtype.kind == labels_dtype.kind:
        return np.result_type(labels_dtype, reject_dtype)
    return np.dtype(object)


class OODDecisionMixin:
    """ID/OOD decisions of a fitted classifier with an OOD score and a threshold.

    The host class provides ``classes_``, ``ood_label``, ``id_acceptance``,
    ``_forward_reduce(X, reduce)``, which applies ``reduce(distances, logits)``
    to each batch of rows after validating X, and ``_forward_validated(X,
    reduce)``, which skips the validation, as
    :class:`~mcdd_sklearn.MCDDClassifier` does.
    """

    def _fit_threshold(self, X_holdout):
        """Set ``threshold_`` from the OOD scores of validated held-out ID rows."""
        self.threshold_ = None
        if self.id_acceptance is not None and len(X_holdout):
            holdout_scores = self._forward_validated(
                X_holdout, lambda d, logits: d.min(dim=1).values
            )
            self.threshold_ = ood_threshold(holdout_scores, self.id_acceptance)

    def _check_threshold(self):
        check_is_fitted(self)
        if getattr(self, "threshold_", None) is None:
            raise AttributeError(
                f"This {type(self).__name__} has no threshold_, because it was "
                "fitted with id_acceptance=None or with too few rows to hold "
                "any out. Refit with a target fraction such as "
                "id_acceptance=0.95 on more rows, or threshold "
                "decision_function yourself."
            )

    def score(self, X, y, sample_weight=None):
        """Return the accuracy of ``predict`` on the ID rows of (X, y).

        Rows labelled ``ood_label`` are left out, because ``predict`` never
        returns that label. With ``ood_label=None`` this is the plain mean
        accuracy of scikit-learn's classifiers. It is the default score of
        ``GridSearchCV`` and ``cross_val_score``; to select for OOD
        detection, pass a scorer of :mod:`mcdd_sklearn.scorers` instead.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test rows.
        y : array-like of shape (n_samples,)
            Their labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows.

        Returns
        -------
        score : float
            Fraction of ID rows whose class is predicted correctly.
        """
        is_id = ~_ood_mask(y, self.ood_label)
        if not is_id.all():
            X = _safe_indexing(X, np.flatnonzero(is_id))
            y = np.asarray(y)[is_id]
            if sample_weight is not None:
                sample_weight = np.asarray(sample_weight)[is_id]
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    def predict_ood(self, X):
        """Decide for each row whether it is in-distribution or OOD.

        A row is ID when its OOD score ``decision_function(x)`` is at most
        ``threshold_``. The labels follow scikit-learn's outlier detectors
        such as ``IsolationForest.predict``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to decide on.

        Returns
        -------
        is_inlier : ndarray of shape (n_samples,)
            +1 for rows accepted as ID, -1 for rows rejected as OOD.

        Raises
        ------
        AttributeError
            If the estimator was fitted with ``id_acceptance=None``.
        """
        self._check_threshold()
        ood_scores = self._forward_reduce(X, lambda d, logits: d.min(dim=1).values)
        return np.where(ood_scores <= self.threshold_, INLIER, OUTLIER)

    def predict_with_reject(self, X, *, reject_label=None):
        """Predict the class of each row, or ``reject_label`` for rows rejected as OOD.

        The class is the one ``predict`` returns, and a row is rejected when
        ``predict_ood`` returns -1 for it. One forward pass computes both.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.
        reject_label : object, default=None
            Label given to rejected rows. None uses ``ood_label`` when it is
            set, else -1 for numeric class labels and ``"OOD"`` for string
            labels. It must not be one of ``classes_``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Class labels, with ``reject_label`` for rows rejected as OOD.
            The dtype is one that can store both the class labels and
            ``reject_label``, or object when they are of different kinds
            (e.g. integer classes with a string ``reject_label``).

        Raises
        ------
        AttributeError
            If the estimator was fitted with ``id_acceptance=None``.
        ValueError
            If ``reject_label`` is one of the classes.
        """
        self._check_threshold()
        reject_label = self._resolve_reject_label(reject_label)
        indices, ood_scores = self._forward_reduce(
            X, lambda d, logits: (logits.argmax(dim=1), d.min(dim=1).values)
        )

        y_pred = self.classes_[indices].astype(
            _common_label_dtype(self.classes_.dtype, reject_label)
        )
        y_pred[ood_scores > self.threshold_] = reject_label
        return y_pred

    def _resolve_reject_label(self, reject_label):
        if reject_label is None:
            if self.ood_label is not None:
                reject_label = self.ood_label
            elif self.classes_.dtype.kind in "biuf":
                reject_label = -1
            else:
                reject_label = "OOD"
        if any(reject_label == label for label in self.classes_.tolist()):
            raise ValueError(
                f"reject_label={reject_label!r} is one of the classes "
                f"{self.classes_.tolist()}, so rejected rows could not be told "
                "apart from that class. Pass a label that is not a class, "
                "for example reject_label=-1 or reject_label='OOD'."
            )
        return reject_label
