"""On binary tasks, scorers that prefer decision_function must be steered to predict_proba."""

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import average_precision_score, make_scorer, roc_auc_score
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier, PredictProbaOnly


@pytest.fixture(scope="module")
def binary_split():
    X, y = load_breast_cancer(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def fitted_binary(binary_split):
    X_train, _, y_train, _ = binary_split
    model = make_pipeline(StandardScaler(), MCDDClassifier(max_epochs=30, random_state=0))
    return model.fit(X_train, y_train)


def test_builtin_roc_auc_scorer_gets_ood_score(fitted_binary, binary_split):
    """The 'roc_auc' string scorer uses decision_function, i.e. the OOD score."""
    from sklearn.metrics import get_scorer

    _, X_test, _, y_test = binary_split
    true_auc = roc_auc_score(y_test, fitted_binary.predict_proba(X_test)[:, 1])
    builtin = get_scorer("roc_auc")(fitted_binary, X_test, y_test)
    ood_auc = roc_auc_score(y_test, fitted_binary.decision_function(X_test))
    assert true_auc > 0.97
    assert builtin == pytest.approx(ood_auc)
    assert abs(builtin - true_auc) > 0.05


def test_predict_proba_scorers_give_class_auc(fitted_binary, binary_split):
    """make_scorer(..., response_method='predict_proba') gives the class AUC and AP."""
    _, X_test, _, y_test = binary_split
    positive_proba = fitted_binary.predict_proba(X_test)[:, 1]
    auc_scorer = make_scorer(roc_auc_score, response_method="predict_proba")
    ap_scorer = make_scorer(average_precision_score, response_method="predict_proba")
    assert auc_scorer(fitted_binary, X_test, y_test) == pytest.approx(
        roc_auc_score(y_test, positive_proba)
    )
    assert ap_scorer(fitted_binary, X_test, y_test) == pytest.approx(
        average_precision_score(y_test, positive_proba)
    )


def test_class_scores_give_class_auc(fitted_binary, binary_split):
    """The difference of the two class logits ranks like predict_proba."""
    _, X_test, _, y_test = binary_split
    logits = fitted_binary[-1].class_scores(fitted_binary[0].transform(X_test))
    proba_auc = roc_auc_score(y_test, fitted_binary.predict_proba(X_test)[:, 1])
    assert roc_auc_score(y_test, logits[:, 1] - logits[:, 0]) == pytest.approx(proba_auc)


def test_wrapper_makes_builtin_scorers_correct(binary_split):
    """Inside PredictProbaOnly, the 'roc_auc' string scorer uses predict_proba."""
    X_train, _, y_train, _ = binary_split
    model = make_pipeline(
        StandardScaler(), PredictProbaOnly(MCDDClassifier(max_epochs=30, random_state=0))
    )
    scores = cross_val_score(model, X_train, y_train, cv=3, scoring="roc_auc")
    assert not hasattr(model, "decision_function")
    assert scores.mean() > 0.97


def test_calibration_through_wrapper(binary_split):
    """CalibratedClassifierCV on the wrapper calibrates class probabilities."""
    X_train, X_test, y_train, y_test = binary_split
    scaler = StandardScaler().fit(X_train)
    calibrated = CalibratedClassifierCV(
        PredictProbaOnly(MCDDClassifier(max_epochs=30, random_state=0)), cv=3
    ).fit(scaler.transform(X_train), y_train)
    proba = calibrated.predict_proba(scaler.transform(X_test))[:, 1]
    assert roc_auc_score(y_test, proba) > 0.97
    assert np.mean((proba > 0.5) == y_test) > 0.93
