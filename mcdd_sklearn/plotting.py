"""Display objects for out-of-distribution (OOD) detection with Deep-MCDD.

Each Display follows scikit-learn's plotting API: ``from_estimator`` or
``from_predictions`` computes what to draw, ``plot(ax=None, ...)`` draws it,
stores the axes as ``ax_``, the figure as ``figure_`` and the matplotlib
artists as attributes ending in ``_``, and returns the Display.

matplotlib is an optional dependency (``pip install "mcdd-sklearn[plot]"``).
It is imported when a Display draws, not when this module is imported.

Labels follow :mod:`mcdd_sklearn.metrics`: in ``y_true``, 1 (or True) marks
an OOD row and 0 (or False) an in-distribution (ID) row.
"""

import copy

import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_array, check_is_fitted

from . import metrics
from .metrics import (
    _check_higher_is_ood,
    _check_positive,
    _check_rule,
    _check_tpr,
    _full_roc,
    _orient,
    _select_roc_point,
    _validate_labels_and_scores,
)

__all__ = ["OODScoreDisplay", "OODRocCurveDisplay", "LatentSpaceDisplay"]

# Fraction of the rows of a 2-D isotropic Gaussian that fall within k standard
# deviations of its mean is 1 - exp(-k**2 / 2): 86% for the default k = 2.
DEFAULT_N_SIGMA = 2.0


def _import_pyplot():
    """Import matplotlib.pyplot, raising an ImportError that names the extra."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "Plotting needs matplotlib, which is not installed. Install it "
            'with pip install "mcdd-sklearn[plot]" or pip install matplotlib.'
        ) from exc
    return plt


def _get_axes(ax):
    """Return ``ax``, or the axes of a new figure when ``ax`` is None."""
    plt = _import_pyplot()
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _split_pipeline(estimator):
    """Return ``(preprocess, final)``: the steps before the last as one function, and the last.

    For an estimator that is not a Pipeline, ``preprocess`` is the identity.
    """
    if isinstance(estimator, Pipeline):
        head = estimator[:-1]
        return head.transform, estimator[-1]
    return (lambda X: X), estimator


def _fitted_threshold(estimator):
    """Return the ``threshold_`` of the estimator (or its final step), or None."""
    _, final = _split_pipeline(estimator)
    return getattr(final, "threshold_", None)


def _estimator_name(estimator):
    _, final = _split_pipeline(estimator)
    return type(final).__name__


# --------------------------------------------------------------------------
# Score distribution
# --------------------------------------------------------------------------


class OODScoreDisplay:
    """Histograms of the OOD score of ID rows and of OOD rows.

    The overlap of the two histograms is what the detector gets wrong. A
    vertical line marks the decision threshold when one is known.

    Create it with :meth:`from_estimator` or :meth:`from_predictions`. The
    constructor only stores what it is given.

    Parameters
    ----------
    id_scores : ndarray of shape (n_id,)
        Scores of the ID rows.
    ood_scores : ndarray of shape (n_ood,)
        Scores of the OOD rows.
    threshold : float or None, default=None
        Decision threshold on the same scale as the scores, or None to draw
        no threshold.
    higher_is_ood : bool, default=True
        Direction of the scores, used for the axis label: True for
        ``decision_function`` (higher = more OOD), False for
        ``score_samples`` (higher = more typical).
    name : str or None, default=None
        Name of the detector, shown in the title.

    Attributes
    ----------
    id_patches_ : matplotlib BarContainer
        Bars of the ID histogram.
    ood_patches_ : matplotlib BarContainer
        Bars of the OOD histogram.
    bin_edges_ : ndarray of shape (bins + 1,)
        Bin edges shared by both histograms.
    threshold_line_ : matplotlib Line2D or None
        The vertical threshold line, None without a threshold.
    ax_ : matplotlib Axes
        Axes of the plot.
    figure_ : matplotlib Figure
        Figure of the plot.

    See Also
    --------
    OODRocCurveDisplay : The ROC curve of the same scores.
    """

    def __init__(
        self, *, id_scores, ood_scores, threshold=None, higher_is_ood=True, name=None
    ):
        self.id_scores = id_scores
        self.ood_scores = ood_scores
        self.threshold = threshold
        self.higher_is_ood = higher_is_ood
        self.name = name

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        threshold=None,
        higher_is_ood=True,
        name=None,
        ax=None,
        bins=30,
        density=True,
        log_scale=False,
    ):
        """Plot the score histograms from scores that are already computed.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            1 (or True) for an OOD row, 0 (or False) for an ID row.
        y_score : array-like of shape (n_samples,)
            Finite scores, in the direction given by ``higher_is_ood``.
        threshold : float or None, default=None
            Decision threshold to mark, on the scale of ``y_score``.
        higher_is_ood : bool, default=True
            True for OOD scores (``decision_function``), False for
            typicality scores (``score_samples``).
        name : str or None, default=None
            Name of the detector, shown in the title.
        ax : matplotlib Axes or None, default=None
            Axes to draw on. None creates a new figure.
        bins : int or sequence of float, default=30
            Number of bins or bin edges, shared by both histograms.
        density : bool, default=True
            Whether to normalise each histogram to unit area, so that groups
            of different sizes compare.
        log_scale : bool, default=False
            Whether to use a logarithmic score axis with logarithmically
            spaced bins. OOD scores of far-away rows can be orders of
            magnitude above those of ID rows. Needs positive scores.

        Returns
        -------
        display : OODScoreDisplay
        """
        is_ood, scores = _validate_labels_and_scores(y_true, y_score)
        _check_higher_is_ood(higher_is_ood)
        display = cls(
            id_scores=scores[~is_ood],
            ood_scores=scores[is_ood],
            threshold=threshold,
            higher_is_ood=higher_is_ood,
            name=name,
        )
        return display.plot(ax=ax, bins=bins, density=density, log_scale=log_scale)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y_true,
        *,
        threshold=None,
        name=None,
        ax=None,
        bins=30,
        density=True,
        log_scale=False,
    ):
        """Plot the histograms of ``estimator.decision_function(X)``.

        Parameters
        ----------
        estimator : fitted MCDDClassifier or Pipeline ending in one
            Any fitted estimator with ``decision_function`` returning an OOD
            score (higher = more OOD) works.
        X : array-like of shape (n_samples, n_features)
            ID and OOD rows together.
        y_true : array-like of shape (n_samples,)
            1 (or True) for an OOD row, 0 (or False) for an ID row.
        threshold : float or None, default=None
            Decision threshold to mark. None uses the ``threshold_``
            attribute of the estimator (or of its final step) when it has
            one, and draws no threshold otherwise.
        name : str or None, default=None
            Name shown in the title. None uses the class name.
        ax, bins, density, log_scale
            As in :meth:`from_predictions`.

        Returns
        -------
        display : OODScoreDisplay
        """
        if threshold is None:
            threshold = _fitted_threshold(estimator)
        if name is None:
            name = _estimator_name(estimator)
        return cls.from_predictions(
            y_true,
            estimator.decision_function(X),
            threshold=threshold,
            higher_is_ood=True,
            name=name,
            ax=ax,
            bins=bins,
            density=density,
            log_scale=log_scale,
        )

    def _bin_edges(self, bins, log_scale):
        scores = np.concatenate([self.id_scores, self.ood_scores])
        if not log_scale:
            return np.histogram_bin_edges(scores, bins=bins)
        if scores.min() <= 0:
            raise ValueError(
                f"log_scale=True needs positive scores, but the smallest score "
                f"is {scores.min():.6g}. Use log_scale=False."
            )
        if np.ndim(bins) == 0:
            return np.geomspace(scores.min(), scores.max(), int(bins) + 1)
        return np.asarray(bins, dtype=np.float64)

    def plot(self, ax=None, *, name=None, bins=30, density=True, log_scale=False):
        """Draw the two histograms and the threshold line.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Axes to draw on. None creates a new figure.
        name : str or None, default=None
            Overrides the name given to the constructor.
        bins, density, log_scale
            As in :meth:`from_predictions`.

        Returns
        -------
        display : OODScoreDisplay
            This Display, with ``ax_``, ``figure_`` and the artists set.
        """
        ax = _get_axes(ax)
        name = self.name if name is None else name

        self.bin_edges_ = self._bin_edges(bins, log_scale)
        *_, self.id_patches_ = ax.hist(
            self.id_scores,
            bins=self.bin_edges_,
            density=density,
            alpha=0.6,
            color="tab:blue",
            label=f"ID (n={len(self.id_scores)})",
        )
        *_, self.ood_patches_ = ax.hist(
            self.ood_scores,
            bins=self.bin_edges_,
            density=density,
            alpha=0.6,
            color="tab:red",
            label=f"OOD (n={len(self.ood_scores)})",
        )

        self.threshold_line_ = None
        if self.threshold is not None:
            self.threshold_line_ = ax.axvline(
                float(self.threshold),
                color="black",
                linestyle="--",
                label=f"threshold = {float(self.threshold):.4g}",
            )

        if log_scale:
            ax.set_xscale("log")
        if self.higher_is_ood:
            ax.set_xlabel("OOD score (higher = more OOD)")
        else:
            ax.set_xlabel("typicality score (higher = more typical)")
        ax.set_ylabel("density" if density else "count")
        if name is not None:
            ax.set_title(f"Score distribution: {name}")
        ax.legend(loc="best")

        self.ax_ = ax
        self.figure_ = ax.figure
        return self


# --------------------------------------------------------------------------
# ROC curve
# --------------------------------------------------------------------------


class OODRocCurveDisplay:
    """ROC curve of an OOD detector with its AUROC and a fixed-TPR operating point.

    With ``positive="in"`` (the Deep-MCDD convention) the true positive rate
    is the fraction of ID rows accepted and the false positive rate the
    fraction of OOD rows accepted. The marked point is the one that
    :func:`mcdd_sklearn.metrics.fpr_at_tpr` uses, so its FPR equals that
    metric and ``1 - FPR`` equals :func:`~mcdd_sklearn.metrics.tnr_at_tpr`.

    Parameters
    ----------
    fpr : ndarray
        False positive rates, one per distinct threshold, increasing.
    tpr : ndarray
        True positive rates, same length as ``fpr``.
    roc_auc : float or None, default=None
        AUROC, shown in the legend.
    tpr_level : float or None, default=None
        Target TPR of the operating point, e.g. 0.95.
    operating_point : tuple of (float, float) or None, default=None
        ``(fpr, tpr)`` of the point marked for ``tpr_level``.
    positive : {"in", "out"}, default="in"
        Which rows are the positive class, for the axis labels.
    name : str or None, default=None
        Name of the detector, shown in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The ROC curve.
    operating_point_ : matplotlib Line2D or None
        The marker at the operating point, None without one.
    chance_level_ : matplotlib Line2D or None
        The diagonal of a random detector, None when not drawn.
    ax_ : matplotlib Axes
        Axes of the plot.
    figure_ : matplotlib Figure
        Figure of the plot.

    See Also
    --------
    mcdd_sklearn.metrics.auroc : The area under this curve.
    mcdd_sklearn.metrics.tnr_at_tpr : One minus the FPR of the marked point.
    """

    def __init__(
        self,
        *,
        fpr,
        tpr,
        roc_auc=None,
        tpr_level=None,
        operating_point=None,
        positive="in",
        name=None,
    ):
        self.fpr = fpr
        self.tpr = tpr
        self.roc_auc = roc_auc
        self.tpr_level = tpr_level
        self.operating_point = operating_point
        self.positive = positive
        self.name = name

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        higher_is_ood=True,
        positive="in",
        tpr=0.95,
        rule="nearest",
        name=None,
        ax=None,
        plot_chance_level=True,
    ):
        """Plot the ROC curve from scores that are already computed.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            1 (or True) for an OOD row, 0 (or False) for an ID row.
        y_score : array-like of shape (n_samples,)
            Finite scores, in the direction given by ``higher_is_ood``.
        higher_is_ood : bool, default=True
            True for OOD scores (``decision_function``), False for
            typicality scores (``score_samples``).
        positive : {"in", "out"}, default="in"
            Positive class: ``"in"`` for the Deep-MCDD convention (TPR =
            fraction of ID rows accepted), ``"out"`` for pytorch-ood's (TPR =
            fraction of OOD rows detected).
        tpr : float or None, default=0.95
            TPR of the operating point to mark. None marks no point.
        rule : {"nearest", "at_least"}, default="nearest"
            How to pick the ROC point for ``tpr``, as in
            :func:`mcdd_sklearn.metrics.tnr_at_tpr`.
        name : str or None, default=None
            Name of the detector, shown in the legend.
        ax : matplotlib Axes or None, default=None
            Axes to draw on. None creates a new figure.
        plot_chance_level : bool, default=True
            Whether to draw the diagonal of a random detector.

        Returns
        -------
        display : OODRocCurveDisplay
        """
        is_ood, scores = _validate_labels_and_scores(y_true, y_score)
        _check_higher_is_ood(higher_is_ood)
        _check_positive(positive)
        _check_rule(rule)
        if tpr is not None:
            _check_tpr(tpr)

        is_positive, oriented = _orient(
            is_ood, scores, higher_is_ood=higher_is_ood, positive=positive
        )
        fpr_values, tpr_values = _full_roc(is_positive, oriented)
        operating_point = None
        if tpr is not None:
            index = _select_roc_point(fpr_values, tpr_values, tpr, rule)
            operating_point = (float(fpr_values[index]), float(tpr_values[index]))

        display = cls(
            fpr=fpr_values,
            tpr=tpr_values,
            roc_auc=metrics.auroc(is_ood, scores, higher_is_ood=higher_is_ood),
            tpr_level=tpr,
            operating_point=operating_point,
            positive=positive,
            name=name,
        )
        return display.plot(ax=ax, plot_chance_level=plot_chance_level)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y_true,
        *,
        positive="in",
        tpr=0.95,
        rule="nearest",
        name=None,
        ax=None,
        plot_chance_level=True,
    ):
        """Plot the ROC curve of ``estimator.decision_function(X)``.

        Parameters
        ----------
        estimator : fitted MCDDClassifier or Pipeline ending in one
            Any fitted estimator with ``decision_function`` returning an OOD
            score (higher = more OOD) works.
        X : array-like of shape (n_samples, n_features)
            ID and OOD rows together.
        y_true : array-like of shape (n_samples,)
            1 (or True) for an OOD row, 0 (or False) for an ID row.
        positive, tpr, rule, ax, plot_chance_level
            As in :meth:`from_predictions`.
        name : str or None, default=None
            Name shown in the legend. None uses the class name.

        Returns
        -------
        display : OODRocCurveDisplay
        """
        if name is None:
            name = _estimator_name(estimator)
        return cls.from_predictions(
            y_true,
            estimator.decision_function(X),
            higher_is_ood=True,
            positive=positive,
            tpr=tpr,
            rule=rule,
            name=name,
            ax=ax,
            plot_chance_level=plot_chance_level,
        )

    def plot(self, ax=None, *, name=None, plot_chance_level=True):
        """Draw the ROC curve, the operating point and the chance level.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Axes to draw on. None creates a new figure.
        name : str or None, default=None
            Overrides the name given to the constructor.
        plot_chance_level : bool, default=True
            Whether to draw the diagonal of a random detector.

        Returns
        -------
        display : OODRocCurveDisplay
            This Display, with ``ax_``, ``figure_`` and the artists set.
        """
        ax = _get_axes(ax)
        name = self.name if name is None else name

        label = "ROC" if name is None else name
        if self.roc_auc is not None:
            label = f"{label} (AUROC = {self.roc_auc:.3f})"
        (self.line_,) = ax.plot(self.fpr, self.tpr, label=label)

        self.operating_point_ = None
        if self.operating_point is not None:
            point_fpr, point_tpr = self.operating_point
            (self.operating_point_,) = ax.plot(
                [point_fpr],
                [point_tpr],
                marker="o",
                linestyle="none",
                color="tab:red",
                label=f"TPR {100 * self.tpr_level:g}%: FPR = {point_fpr:.3f}",
            )

        self.chance_level_ = None
        if plot_chance_level:
            (self.chance_level_,) = ax.plot(
                [0, 1],
                [0, 1],
                linestyle=":",
                color="gray",
                label="chance (AUROC = 0.5)",
            )

        if self.positive == "in":
            ax.set_xlabel("FPR (fraction of OOD rows accepted as ID)")
            ax.set_ylabel("TPR (fraction of ID rows accepted)")
        else:
            ax.set_xlabel("FPR (fraction of ID rows flagged as OOD)")
            ax.set_ylabel("TPR (fraction of OOD rows detected)")
        ax.set_xlim(-0.01, 1.01)
        ax.set_ylim(-0.01, 1.01)
        ax.set_aspect("equal")
        ax.legend(loc="lower right")

        self.ax_ = ax
        self.figure_ = ax.figure
        return self


# --------------------------------------------------------------------------
# Latent space
# --------------------------------------------------------------------------


def _embed(estimator, X):
    """Return ``(latent, centers, sigmas, final)`` for a fitted MCDD estimator.

    ``latent`` is f(X) of shape (n_samples, d), computed in float64 like the
    estimator's scores, ``centers`` the class centers mu_k of shape
    (n_classes, d) and ``sigmas`` the class scales sigma_k.
    """
    preprocess, final = _split_pipeline(estimator)
    check_is_fitted(final, "net_")
    net_module = getattr(final.net_, "module_", None)
    distance_layer = getattr(net_module, "distance_layer", None)
    if distance_layer is None:
        raise TypeError(
            "LatentSpaceDisplay needs a fitted MCDDClassifier (or a Pipeline "
            f"ending in one), got {type(final).__name__} without "
            "net_.module_.distance_layer."
        )

    X = preprocess(X)
    if hasattr(final, "transform"):
        latent = np.asarray(final.transform(X), dtype=np.float64)
    else:
        X = check_array(X, dtype=[np.float64, np.float32])
        net_module = copy.deepcopy(net_module).double().eval()
        device = final.net_.device
        chunks = []
        with torch.no_grad():
            for start in range(0, len(X), final.batch_size):
                # Round to float32 first, as the estimator's scoring does.
                Xi = torch.as_tensor(
                    X[start : start + final.batch_size], dtype=torch.float32
                )
                chunks.append(net_module.embed(Xi.to(device, torch.float64)).cpu())
        latent = torch.cat(chunks).numpy()

    with torch.no_grad():
        centers = distance_layer.centers.detach().double().cpu().numpy()
        sigmas = distance_layer.sigmas().detach().double().cpu().numpy()
    return latent, centers, sigmas, final


def _class_indices(labels, classes):
    """Return the index into ``classes`` of each label, raising for unknown labels."""
    position = {label: k for k, label in enumerate(classes.tolist())}
    unknown = sorted({str(v) for v in labels.tolist() if v not in position})
    if unknown:
        raise ValueError(
            f"y contains labels that the estimator was not trained on: "
            f"{unknown[:10]}. Pass the class labels of the ID rows and any "
            f"known class for the OOD rows, or y=None to color by prediction."
        )
    return np.array([position[v] for v in labels.tolist()], dtype=np.intp)


def _acceptance_radii(threshold, sigmas, latent_dim):
    """Return the distance from each center at which D_k(x) equals the threshold.

    A class whose offset ``d * log(sigma_k)`` alone exceeds the threshold
    accepts no row, and its radius is 0.
    """
    slack = np.maximum(float(threshold) - latent_dim * np.log(sigmas), 0.0)
    return sigmas * np.sqrt(2.0 * slack)


class LatentSpaceDisplay:
    """2-D view of the latent space: rows, class centers and class radii.

    A PCA fitted on the latent vectors f(x) of the ID rows projects rows and
    class centers mu_k to two dimensions. Around each projected center a
    circle shows either the class scale, ``n_sigma * sigma_k``, or the
    acceptance radius of the class: the distance from mu_k at which
    D_k(x) reaches the OOD threshold t,
    ``sigma_k * sqrt(2 * (t - d * log(sigma_k)))``. PCA components are
    orthonormal, so projected distances are never longer than latent ones,
    and the circles keep the latent units. When the two components explain
    little of the variance (see ``explained_variance_ratio``), rows can look
    closer to a center than they are.

    Create it with :meth:`from_estimator`. The constructor only stores what
    it is given, so it also draws projections computed elsewhere.

    Parameters
    ----------
    embedding : ndarray of shape (n_samples, 2)
        Projected latent vectors of the rows.
    centers : ndarray of shape (n_classes, 2)
        Projected class centers.
    radii : ndarray of shape (n_classes,)
        Circle radius per class, in the units of the projection.
    is_ood : ndarray of shape (n_samples,) of bool or None, default=None
        Marks OOD rows. None treats every row as ID.
    labels : ndarray of shape (n_samples,) or None, default=None
        Class index (into ``class_names``) of each row, used for the colors
        of ID rows. None draws all ID rows in one color.
    class_names : sequence of str or None, default=None
        Names of the classes in the order of ``centers``.
    explained_variance_ratio : ndarray of shape (2,) or None, default=None
        Variance explained by each component, shown in the axis labels.

    Attributes
    ----------
    id_scatter_ : matplotlib PathCollection
        The ID rows.
    ood_scatter_ : matplotlib PathCollection or None
        The OOD rows, None when there are none.
    centers_scatter_ : matplotlib PathCollection
        The class centers.
    circles_ : list of matplotlib Circle
        One circle per class.
    ax_ : matplotlib Axes
        Axes of the plot.
    figure_ : matplotlib Figure
        Figure of the plot.
    """

    def __init__(
        self,
        *,
        embedding,
        centers,
        radii,
        is_ood=None,
        labels=None,
        class_names=None,
        explained_variance_ratio=None,
    ):
        self.embedding = embedding
        self.centers = centers
        self.radii = radii
        self.is_ood = is_ood
        self.labels = labels
        self.class_names = class_names
        self.explained_variance_ratio = explained_variance_ratio

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y_true=None,
        *,
        y=None,
        radius="sigma",
        n_sigma=DEFAULT_N_SIGMA,
        threshold=None,
        ax=None,
    ):
        """Project f(X) and the class centers with PCA and plot them.

        The latent vectors come from ``transform`` when the estimator's
        final step has one, and from ``net_.module_.embed`` otherwise.

        Parameters
        ----------
        estimator : fitted MCDDClassifier or Pipeline ending in one
            The detector whose latent space to show.
        X : array-like of shape (n_samples, n_features)
            Rows to show.
        y_true : array-like of shape (n_samples,) or None, default=None
            1 (or True) for an OOD row, 0 (or False) for an ID row. None
            treats every row as ID. The PCA is fitted on the ID rows only.
        y : array-like of shape (n_samples,) or None, default=None
            Class labels of the rows (values of ``classes_``) for the colors
            of the ID rows. None colors them by the predicted class.
        radius : {"sigma", "threshold"}, default="sigma"
            What the circles show. ``"sigma"``: a radius of
            ``n_sigma * sigma_k``. ``"threshold"``: the acceptance radius,
            inside which a latent vector has ``D_k(x) <= threshold``, so
            rows outside every ball (in the full latent space) are rejected
            as OOD.
        n_sigma : float, default=2.0
            Circle radius in units of sigma_k, for ``radius="sigma"``. Under
            the model's isotropic Gaussian, 2 sigma_k contains about 86% of a
            class in two dimensions.
        threshold : float or None, default=None
            OOD-score threshold for ``radius="threshold"``. None uses the
            ``threshold_`` of the estimator (or of its final step).
        ax : matplotlib Axes or None, default=None
            Axes to draw on. None creates a new figure.

        Returns
        -------
        display : LatentSpaceDisplay
        """
        if radius not in ("sigma", "threshold"):
            raise ValueError(
                f"radius must be 'sigma' or 'threshold', got {radius!r}."
            )
        if not n_sigma > 0:
            raise ValueError(f"n_sigma must be a positive number, got {n_sigma!r}.")
        if radius == "threshold" and threshold is None:
            threshold = _fitted_threshold(estimator)
            if threshold is None:
                raise ValueError(
                    "radius='threshold' needs a threshold, but none was passed "
                    "and the estimator has no threshold_. Pass threshold=... "
                    "or use radius='sigma'."
                )
        latent, centers, sigmas, final = _embed(estimator, X)
        if latent.shape[1] < 2:
            raise ValueError(
                f"The latent space has {latent.shape[1]} dimension, so there "
                "is nothing to project to 2-D. Plot decision_function instead."
            )

        if y_true is None:
            is_ood = np.zeros(len(latent), dtype=bool)
        else:
            is_ood = np.asarray(y_true).astype(bool)
            if is_ood.shape != (len(latent),):
                raise ValueError(
                    f"y_true must have one entry per row of X, got shape "
                    f"{is_ood.shape} for {len(latent)} rows."
                )
        if (~is_ood).sum() < 2:
            raise ValueError(
                "LatentSpaceDisplay needs at least 2 ID rows to fit the PCA, got "
                f"{int((~is_ood).sum())}."
            )

        labels = estimator.predict(X) if y is None else np.asarray(y)
        label_indices = _class_indices(labels, final.classes_)

        pca = PCA(n_components=2).fit(latent[~is_ood])
        display = cls(
            embedding=pca.transform(latent),
            centers=pca.transform(centers),
            radii=(
                n_sigma * sigmas
                if radius == "sigma"
                else _acceptance_radii(threshold, sigmas, latent.shape[1])
            ),
            is_ood=is_ood,
            labels=label_indices,
            class_names=[str(c) for c in final.classes_],
            explained_variance_ratio=pca.explained_variance_ratio_,
        )
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the rows, the class centers and the class circles.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Axes to draw on. None creates a new figure.

        Returns
        -------
        display : LatentSpaceDisplay
            This Display, with ``ax_``, ``figure_`` and the artists set.
        """
        ax = _get_axes(ax)
        from matplotlib.patches import Circle

        n_classes = len(self.centers)
        colors = [f"C{k % 10}" for k in range(n_classes)]
        is_ood = (
            np.zeros(len(self.embedding), dtype=bool)
            if self.is_ood is None
            else np.asarray(self.is_ood, dtype=bool)
        )
        id_points = self.embedding[~is_ood]
        if self.labels is None:
            id_colors = "tab:blue"
        else:
            id_colors = [colors[k] for k in np.asarray(self.labels)[~is_ood]]
        self.id_scatter_ = ax.scatter(
            id_points[:, 0],
            id_points[:, 1],
            c=id_colors,
            s=12,
            alpha=0.6,
            label="ID rows",
        )

        self.ood_scatter_ = None
        if is_ood.any():
            ood_points = self.embedding[is_ood]
            self.ood_scatter_ = ax.scatter(
                ood_points[:, 0],
                ood_points[:, 1],
                c="black",
                marker="x",
                s=16,
                label="OOD rows",
            )

        self.centers_scatter_ = ax.scatter(
            self.centers[:, 0],
            self.centers[:, 1],
            c=colors,
            marker="*",
            s=200,
            edgecolors="black",
            label="class centers",
        )
        self.circles_ = []
        for k in range(n_classes):
            circle = Circle(
                tuple(self.centers[k]),
                float(self.radii[k]),
                fill=False,
                edgecolor=colors[k],
                linewidth=1.5,
            )
            ax.add_patch(circle)
            self.circles_.append(circle)
        if self.class_names is not None:
            for k, class_name in enumerate(self.class_names):
                ax.annotate(
                    class_name,
                    tuple(self.centers[k]),
                    xytext=(6, 6),
                    textcoords="offset points",
                )

        ratio = self.explained_variance_ratio
        if ratio is None:
            ax.set_xlabel("PC 1")
            ax.set_ylabel("PC 2")
        else:
            ax.set_xlabel(f"PC 1 ({100 * ratio[0]:.0f}% of ID variance)")
            ax.set_ylabel(f"PC 2 ({100 * ratio[1]:.0f}% of ID variance)")
        ax.set_aspect("equal", adjustable="datalim")
        ax.autoscale_view()
        ax.legend(loc="best")

        self.ax_ = ax
        self.figure_ = ax.figure
        return self
