"""scikit-learn's estimator contract, run with ``parametrize_with_checks``."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mcdd_sklearn import MCDDClassifier

# decision_function is the OOD score min_k D_k(x), not a class score, so the
# checks that compare it with predict or predict_proba cannot pass.
CLASS_SCORE_REASON = (
    "decision_function returns the OOD score min_k D_k(x), not a class score"
)
EXPECTED_FAILED_CHECKS = {
    "check_classifiers_train": CLASS_SCORE_REASON,
    "check_classifiers_classes": CLASS_SCORE_REASON,
    "check_decision_proba_consistency": CLASS_SCORE_REASON,
}


@parametrize_with_checks(
    [MCDDClassifier(random_state=0)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_estimator_checks(estimator, check):
    """The estimator passes scikit-learn's checks, apart from the declared ones."""
    check(estimator)
