"""A wrapper that hides the OOD score from tools that expect class scores."""

from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.validation import check_is_fitted

__all__ = ["PredictProbaOnly"]


class PredictProbaOnly(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Expose a classifier's ``predict_proba`` but not its ``decision_function``.

    scikit-learn's binary ``"roc_auc"`` and ``"average_precision"`` scorers
    and ``CalibratedClassifierCV`` use ``decision_function`` whenever a
    classifier has one. For :class:`~mcdd_sklearn.MCDDClassifier` that is the
    OOD score, not a class score, so they would compute wrong values. Wrapped
    in this class, the classifier has no ``decision_function`` and those
    tools use ``predict_proba`` instead.

    Parameters
    ----------
    estimator : classifier
        The classifier to wrap; it is cloned and fitted in ``fit``.

    Attributes
    ----------
    estimator_ : classifier
        The fitted clone of ``estimator``.
    classes_ : ndarray of shape (n_classes,)
        Class labels of the fitted classifier.

    Examples
    --------
    >>> from sklearn.calibration import CalibratedClassifierCV
    >>> from mcdd_sklearn import MCDDClassifier, PredictProbaOnly
    >>> calibrated = CalibratedClassifierCV(PredictProbaOnly(MCDDClassifier()))
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y, **fit_params):
        """Fit a clone of ``estimator`` on (X, y).

        Returns
        -------
        self : PredictProbaOnly
            The fitted wrapper.
        """
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = self.estimator_.classes_
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    def predict(self, X):
        """Predict class labels with the wrapped classifier."""
        check_is_fitted(self)
        return self.estimator_.predict(X)

    def predict_proba(self, X):
        """Predict class probabilities with the wrapped classifier."""
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
