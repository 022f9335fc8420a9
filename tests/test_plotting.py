"""Display objects: the drawn data, not the pixels, on the Agg backend."""

import copy
import sys

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.decomposition import PCA
from sklearn.metrics import roc_curve

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mcdd_sklearn import metrics  # noqa: E402
from mcdd_sklearn.plotting import (  # noqa: E402
    LatentSpaceDisplay,
    OODRocCurveDisplay,
    OODScoreDisplay,
)

# Scores with a known overlap: ID rows score 0..19, OOD rows 10..29.
ID_SCORES = np.arange(20, dtype=float)
OOD_SCORES = np.arange(10, 30, dtype=float)
Y_TRUE = np.r_[np.zeros(20, dtype=int), np.ones(20, dtype=int)]
Y_SCORE = np.r_[ID_SCORES, OOD_SCORES]


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure after each test so they do not pile up."""
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def wine_with_ood(wine):
    """Standardised wine rows (ID) followed by 30 of them shifted by +8 (OOD)."""
    X, y = wine
    X_all = np.vstack([X, X[:30] + 8.0])
    y_true = np.r_[np.zeros(len(X), dtype=int), np.ones(30, dtype=int)]
    return X_all, y_true


def test_score_display_histograms():
    """Both histograms share the bins and hold the normalised counts."""
    display = OODScoreDisplay.from_predictions(Y_TRUE, Y_SCORE, bins=6)
    expected_edges = np.linspace(0.0, 29.0, 7)
    assert_allclose(display.bin_edges_, expected_edges)
    assert len(display.id_patches_) == 6
    assert len(display.ood_patches_) == 6

    id_heights = [patch.get_height() for patch in display.id_patches_]
    ood_heights = [patch.get_height() for patch in display.ood_patches_]
    expected_id, _ = np.histogram(ID_SCORES, bins=expected_edges, density=True)
    expected_ood, _ = np.histogram(OOD_SCORES, bins=expected_edges, density=True)
    assert_allclose(id_heights, expected_id)
    assert_allclose(ood_heights, expected_ood)
    assert display.threshold_line_ is None
    assert display.ax_.get_xlabel() == "OOD score (higher = more OOD)"
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["ID (n=20)", "OOD (n=20)"]


def test_score_display_counts_and_threshold():
    """density=False draws counts, and the threshold is a vertical line at its value."""
    display = OODScoreDisplay.from_predictions(
        Y_TRUE, Y_SCORE, bins=[0, 10, 20, 30], density=False, threshold=14.5
    )
    assert_allclose([p.get_height() for p in display.id_patches_], [10, 10, 0])
    assert_allclose([p.get_height() for p in display.ood_patches_], [0, 10, 10])
    assert_allclose(display.threshold_line_.get_xdata(), [14.5, 14.5])
    assert display.ax_.get_ylabel() == "count"
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert "threshold = 14.5" in legend


def test_score_display_uses_fitted_threshold(fitted_wine, wine_with_ood):
    """from_estimator marks threshold_ unless a threshold is passed."""
    X, y_true = wine_with_ood
    clf = copy.copy(fitted_wine)
    clf.threshold_ = 123.0
    display = OODScoreDisplay.from_estimator(clf, X, y_true)
    assert_allclose(display.threshold_line_.get_xdata(), [123.0, 123.0])
    assert display.ax_.get_title() == "Score distribution: MCDDClassifier"
    assert_allclose(display.id_scores, clf.decision_function(X[y_true == 0]))
    assert_allclose(display.ood_scores, clf.decision_function(X[y_true == 1]))

    display = OODScoreDisplay.from_estimator(clf, X, y_true, threshold=7.0)
    assert_allclose(display.threshold_line_.get_xdata(), [7.0, 7.0])


def test_score_display_log_scale(fitted_wine, wine_with_ood):
    """log_scale spaces the bins geometrically and sets a log axis."""
    X, y_true = wine_with_ood
    display = OODScoreDisplay.from_estimator(
        fitted_wine, X, y_true, bins=10, log_scale=True
    )
    ratios = display.bin_edges_[1:] / display.bin_edges_[:-1]
    assert_allclose(ratios, ratios[0])
    assert display.ax_.get_xscale() == "log"


def test_score_display_log_scale_rejects_zero():
    """log_scale with a score of 0 raises and names the smallest score."""
    with pytest.raises(ValueError, match="smallest score is 0"):
        OODScoreDisplay.from_predictions(Y_TRUE, Y_SCORE, log_scale=True)


def test_score_display_draws_on_given_axes():
    """A Display draws on the axes passed in and stores its figure."""
    fig, (left, right) = plt.subplots(1, 2)
    display = OODScoreDisplay.from_predictions(Y_TRUE, Y_SCORE, ax=right)
    assert display.ax_ is right
    assert display.figure_ is fig
    assert len(left.patches) == 0
    assert len(right.patches) == 60


def test_roc_display_matches_metrics():
    """Curve, AUROC and the TPR 95% point agree with mcdd_sklearn.metrics."""
    display = OODRocCurveDisplay.from_predictions(Y_TRUE, Y_SCORE)
    fpr, tpr, _ = roc_curve(Y_TRUE == 0, -Y_SCORE, drop_intermediate=False)
    assert_allclose(display.line_.get_xdata(), fpr)
    assert_allclose(display.line_.get_ydata(), tpr)

    expected_auroc = metrics.auroc(Y_TRUE, Y_SCORE)
    assert display.roc_auc == pytest.approx(expected_auroc)
    # 45 of the 400 (ID, OOD) pairs are inverted and 10 tied: 1 - 50 / 400.
    assert expected_auroc == pytest.approx(0.875)
    assert f"AUROC = {expected_auroc:.3f}" in display.line_.get_label()

    point_fpr, point_tpr = display.operating_point
    assert point_fpr == pytest.approx(metrics.fpr_at_tpr(Y_TRUE, Y_SCORE, tpr=0.95))
    assert point_tpr == pytest.approx(0.95)
    assert_allclose(display.operating_point_.get_xdata(), [point_fpr])
    assert_allclose(display.operating_point_.get_ydata(), [point_tpr])
    assert_allclose(display.chance_level_.get_xdata(), [0, 1])
    assert display.ax_.get_ylabel() == "TPR (fraction of ID rows accepted)"


def test_roc_display_typicality_and_positive_out():
    """score_samples direction and OOD as positive give the matching curve."""
    display = OODRocCurveDisplay.from_predictions(
        Y_TRUE,
        -Y_SCORE,
        higher_is_ood=False,
        positive="out",
        tpr=0.85,
        rule="at_least",
        plot_chance_level=False,
    )
    fpr, tpr, _ = roc_curve(Y_TRUE, Y_SCORE, drop_intermediate=False)
    assert_allclose(display.line_.get_xdata(), fpr)
    assert_allclose(display.line_.get_ydata(), tpr)
    expected_fpr = metrics.fpr_at_tpr(
        Y_TRUE, -Y_SCORE, tpr=0.85, higher_is_ood=False, positive="out", rule="at_least"
    )
    assert display.operating_point[0] == pytest.approx(expected_fpr)
    assert display.chance_level_ is None
    assert display.ax_.get_ylabel() == "TPR (fraction of OOD rows detected)"


def test_roc_display_from_estimator(fitted_wine, wine_with_ood):
    """Shifted rows are found: AUROC near 1 and the name in the legend."""
    X, y_true = wine_with_ood
    display = OODRocCurveDisplay.from_estimator(fitted_wine, X, y_true)
    scores = fitted_wine.decision_function(X)
    assert display.roc_auc == pytest.approx(metrics.auroc(y_true, scores))
    assert display.roc_auc > 0.99
    assert display.line_.get_label().startswith("MCDDClassifier (AUROC = ")
    assert display.operating_point[0] == pytest.approx(
        metrics.fpr_at_tpr(y_true, scores, tpr=0.95)
    )


def test_roc_display_rejects_bad_tpr():
    """An out-of-range TPR raises the metrics module's message."""
    with pytest.raises(ValueError, match="tpr must be a number in"):
        OODRocCurveDisplay.from_predictions(Y_TRUE, Y_SCORE, tpr=95)


def _latent_float64(clf, X):
    module = copy.deepcopy(clf.net_.module_).double().eval()
    with torch.no_grad():
        X32 = torch.as_tensor(X, dtype=torch.float32).double()
        return module.embed(X32).numpy()


def test_latent_display_geometry(fitted_wine, wine, wine_with_ood):
    """Points and centers are the PCA of f(x) and mu_k, and the radii 2 sigma_k."""
    X, y_true = wine_with_ood
    display = LatentSpaceDisplay.from_estimator(fitted_wine, X, y_true, y=None)

    layer = fitted_wine.net_.module_.distance_layer
    centers = layer.centers.detach().double().numpy()
    sigmas = layer.sigmas().detach().double().numpy()
    latent = _latent_float64(fitted_wine, X)
    pca = PCA(n_components=2).fit(latent[y_true == 0])
    assert_allclose(display.embedding, pca.transform(latent), atol=1e-8)
    assert_allclose(display.centers, pca.transform(centers), atol=1e-8)
    assert_allclose(display.radii, 2.0 * sigmas)

    assert len(display.circles_) == 3
    for k, circle in enumerate(display.circles_):
        assert_allclose(circle.center, display.centers[k])
        assert circle.radius == pytest.approx(2.0 * sigmas[k])
    assert display.id_scatter_.get_offsets().shape == (178, 2)
    assert display.ood_scatter_.get_offsets().shape == (30, 2)
    assert_allclose(display.centers_scatter_.get_offsets(), display.centers)
    texts = [text.get_text() for text in display.ax_.texts]
    assert texts == ["0", "1", "2"]
    assert display.ax_.get_xlabel().startswith("PC 1 (")


def test_latent_display_latent_matches_distances(fitted_wine, wine):
    """The latent vectors used reproduce the estimator's class distances."""
    X, _ = wine
    latent = _latent_float64(fitted_wine, X)
    layer = fitted_wine.net_.module_.distance_layer
    centers = layer.centers.detach().double().numpy()
    sigmas = layer.sigmas().detach().double().numpy()
    squared = ((latent[:, None, :] - centers[None]) ** 2).sum(axis=2)
    distances = squared / (2 * sigmas**2) + latent.shape[1] * np.log(sigmas)
    assert_allclose(distances, fitted_wine.class_distances(X), rtol=1e-8)


def test_latent_display_colors_by_true_class(fitted_wine, wine):
    """With y given, ID rows take their class color, and n_sigma scales radii."""
    X, y = wine
    display = LatentSpaceDisplay.from_estimator(fitted_wine, X, y=y, n_sigma=1.0)
    assert_array_equal(display.labels, y)
    assert display.ood_scatter_ is None
    colors = display.id_scatter_.get_facecolors()[:, :3]
    expected = np.array([matplotlib.colors.to_rgb(f"C{k}") for k in y])
    assert_allclose(colors, expected)
    sigmas = fitted_wine.net_.module_.distance_layer.sigmas().detach().numpy()
    assert_allclose(display.radii, sigmas, rtol=1e-6)


def test_latent_display_acceptance_radius(fitted_wine, wine):
    """With radius='threshold', a latent vector on the circle has D_k = threshold."""
    X, _ = wine
    display = LatentSpaceDisplay.from_estimator(
        fitted_wine, X, radius="threshold", threshold=70.0
    )
    layer = copy.deepcopy(fitted_wine.net_.module_.distance_layer).double()
    on_circle = layer.centers.detach().clone()
    on_circle[:, 0] += torch.as_tensor(display.radii)
    with torch.no_grad():
        distances = layer(on_circle).numpy()
    assert_allclose(np.diag(distances), 70.0, rtol=1e-10)
    for circle, radius in zip(display.circles_, display.radii):
        assert circle.radius == pytest.approx(radius)


def test_latent_display_threshold_radius_needs_threshold(fitted_wine, wine):
    """radius='threshold' without any threshold raises and names the fix."""
    X, _ = wine
    clf = copy.copy(fitted_wine)
    clf.threshold_ = None
    with pytest.raises(ValueError, match="radius='threshold' needs a threshold"):
        LatentSpaceDisplay.from_estimator(clf, X, radius="threshold")


def test_latent_display_pipeline(scaled_mcdd, iris):
    """A Pipeline is preprocessed before f(x), and its ID rows center the PCA."""
    X, y = iris
    pipe = scaled_mcdd.fit(X, y)
    display = LatentSpaceDisplay.from_estimator(pipe, X)
    assert display.embedding.shape == (150, 2)
    assert_allclose(display.embedding.mean(axis=0), 0.0, atol=1e-8)
    assert_array_equal(display.labels, pipe.predict(X))


def test_latent_display_rejects_unknown_labels(fitted_wine, wine):
    """A label that was not in training raises and names it."""
    X, y = wine
    with pytest.raises(ValueError, match=r"not trained on: \['7'\]"):
        LatentSpaceDisplay.from_estimator(fitted_wine, X[:5], y=[0, 1, 2, 7, 0])


def test_missing_matplotlib_message(monkeypatch):
    """Without matplotlib, drawing raises an ImportError naming the extra."""
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"mcdd-sklearn\[plot\]"):
        OODScoreDisplay.from_predictions(Y_TRUE, Y_SCORE)
