"""Quality bar on real data: leave-one-class-out on scikit-learn's digits."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier


@pytest.fixture(scope="module")
def leave_one_class_out_results():
    """ID accuracy and OOD AUROC with each digit held out in turn, default parameters."""
    X, y = load_digits(return_X_y=True)
    results = []
    for held_out in range(10):
        is_id = y != held_out
        X_train, X_test, y_train, y_test = train_test_split(
            X[is_id], y[is_id], test_size=0.25, random_state=0, stratify=y[is_id]
        )
        model = make_pipeline(StandardScaler(), MCDDClassifier(random_state=0))
        model.fit(X_train, y_train)
        id_scores = model.decision_function(X_test)
        ood_scores = model.decision_function(X[~is_id])
        is_ood = np.r_[np.zeros(len(id_scores)), np.ones(len(ood_scores))]
        auroc = roc_auc_score(is_ood, np.r_[id_scores, ood_scores])
        results.append((model.score(X_test, y_test), auroc))
    return np.array(results)


def test_digits_id_accuracy(leave_one_class_out_results):
    """ID accuracy is at least 0.95 with every digit held out."""
    accuracy = leave_one_class_out_results[:, 0]
    assert accuracy.min() >= 0.95, accuracy


def test_digits_mean_ood_auroc(leave_one_class_out_results):
    """Mean OOD AUROC over the ten held-out digits is at least 0.92."""
    auroc = leave_one_class_out_results[:, 1]
    assert auroc.mean() >= 0.92, auroc
    assert auroc.min() > 0.75, auroc
