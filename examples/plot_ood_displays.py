"""
Diagnostic plots of the OOD score on handwritten digits
=======================================================

An :class:`~mcdd_sklearn.MCDDClassifier` is trained on the digits 0 to 8 of
scikit-learn's handwritten digits (8x8 images, 64 features). The digit 9 is
never seen in training and plays the out-of-distribution (OOD) data. The
three Display objects of :mod:`mcdd_sklearn.plotting` show how well the OOD
score separates test rows of the known digits (in-distribution, ID) from the
unseen digit.

Run as a script, ``python examples/plot_ood_displays.py --save-dir DIR``
also saves the three figures as PNG files in ``DIR``.
"""

# %%
# Hold one class out and train
# ----------------------------
# The test rows of the digits 0 to 8 are the ID rows of the evaluation, and
# all rows of the digit 9 its OOD rows. ``y_ood`` marks them with 1, the
# convention of :mod:`mcdd_sklearn.metrics`.
import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier
from mcdd_sklearn.metrics import ood_report
from mcdd_sklearn.plotting import (
    LatentSpaceDisplay,
    OODRocCurveDisplay,
    OODScoreDisplay,
)

HELD_OUT_DIGIT = 9

parser = argparse.ArgumentParser(description="Draw the OOD Displays on digits.")
parser.add_argument("--save-dir", type=Path, default=None,
                    help="folder to save the figures in as PNG files (default: do not save)")
args, _ = parser.parse_known_args()

X, y = load_digits(return_X_y=True)
is_held_out = y == HELD_OUT_DIGIT
X_train, X_test, y_train, y_test = train_test_split(
    X[~is_held_out],
    y[~is_held_out],
    test_size=0.3,
    stratify=y[~is_held_out],
    random_state=0,
)
X_eval = np.vstack([X_test, X[is_held_out]])
y_ood = np.r_[np.zeros(len(X_test), dtype=int), np.ones(is_held_out.sum(), dtype=int)]

clf = make_pipeline(
    StandardScaler(), MCDDClassifier(max_epochs=60, random_state=0)
).fit(X_train, y_train)
print(f"accuracy on the known digits: {clf.score(X_test, y_test):.3f}")

ood_scores = clf.decision_function(X_eval)
report = ood_report(ood_scores[y_ood == 0], ood_scores[y_ood == 1])
for name, value in report.items():
    print(f"{name:>20}: {value:.3f}")

# %%
# Score distribution
# ------------------
# The OOD score ``min_k D_k(x)`` of the ID test rows and of the unseen
# digit. The dashed line is the fitted ``threshold_``: rows to its right are
# rejected as OOD by ``predict_ood``. The scores of the two groups span
# several orders of magnitude, so the score axis is logarithmic.
score_display = OODScoreDisplay.from_estimator(clf, X_eval, y_ood, log_scale=True)
plt.show()

# %%
# ROC curve
# ---------
# With ID as the positive class (the Deep-MCDD convention), the curve shows
# the fraction of OOD rows accepted (FPR) against the fraction of ID rows
# accepted (TPR). The red point is the operating point at TPR 95%: its FPR
# is :func:`~mcdd_sklearn.metrics.fpr_at_tpr`, and one minus it the
# "TNR@TPR95" of the report above.
roc_display = OODRocCurveDisplay.from_estimator(clf, X_eval, y_ood)
plt.show()

# %%
# Latent space
# ------------
# A PCA fitted on the latent vectors f(x) of the ID rows projects the rows
# and the class centers to two dimensions. With ``radius="threshold"`` each
# circle is the acceptance ball of its class: a latent vector inside it has
# ``D_k(x) <= threshold_``, so rows outside every ball are rejected as OOD.
# ID rows take the color of their predicted class, and rows of the unseen
# digit are black crosses. Two components keep only part of the latent
# variance (see the axis labels), so an OOD row can look closer to a center
# than it is.
fig, ax = plt.subplots(figsize=(7, 7))
latent_display = LatentSpaceDisplay.from_estimator(
    clf, X_eval, y_ood, radius="threshold", ax=ax
)
plt.show()

# %%
# Save the figures
# ----------------
# Each Display keeps its figure as ``figure_``, so saving needs no access to
# matplotlib's current figure.
if args.save_dir is not None:
    args.save_dir.mkdir(parents=True, exist_ok=True)
    figures = {
        "ood_score_distribution.png": score_display.figure_,
        "ood_roc_curve.png": roc_display.figure_,
        "latent_space.png": latent_display.figure_,
    }
    for file_name, figure in figures.items():
        figure.savefig(args.save_dir / file_name, dpi=100, bbox_inches="tight")
        print(f"saved {args.save_dir / file_name}")
