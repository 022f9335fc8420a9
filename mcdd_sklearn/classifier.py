"""The scikit-learn estimator for Deep Multi-Class Data Description."""

import copy
import inspect
import numbers
import warnings

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping
from skorch.dataset import Dataset
from skorch.helper import predefined_split
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._embedding import LatentTransformMixin
from .loss import MCDDLoss
from ._outlier_exposure import OutlierExposureLoss
from ._net import (
    ArrayBatchIterator,
    StopOnNonFiniteLoss,
    forward_in_batches,
    has_fused_adam,
    torch_num_threads,
)
from ._persistence import add_version, load_fitted, pop_checked_version, save_fitted
from ._progress import progress_callbacks
from ._validation import check_float32_range, check_numeric_columns, warn_if_unscaled
from .modules import MCDDModule, make_feature_extractor
from .scorers import _ood_mask
from .thresholds import OOD_TARGET, OODDecisionMixin, split_training_rows

__all__ = ["MCDDClassifier"]

# The "auto" training budget: about 3,000 gradient updates, kept between 10
# and 100 epochs. These values were chosen by benchmarks/training_budget.py on
# ten real tables (docs/training_budget.md): 100 epochs beat 200 on small
# tables, and 3,000 updates matched 100 epochs on large ones at a fraction of
# the time.
AUTO_TARGET_UPDATES = 3000
AUTO_MIN_EPOCHS = 10
AUTO_MAX_EPOCHS = 100


def _keyword_parameters(optimizer):
    """Return the names an optimizer class accepts as keywords, or None for ``**kwargs``."""
    try:
        signature = inspect.signature(optimizer)
    except (TypeError, ValueError):
        return None
    names = set()
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            return None
        if parameter.kind is not inspect.Parameter.POSITIONAL_ONLY:
            names.add(parameter.name)
    return names


def _auto_max_epochs(n_samples, batch_size):
    """Return the number of epochs of the ``max_epochs="auto"`` budget.

    A fixed number of epochs gives a small table far fewer gradient updates
    than a large one, so small tables undertrain. The budget aims for
    ``AUTO_TARGET_UPDATES`` updates, kept between ``AUTO_MIN_EPOCHS`` and
    ``AUTO_MAX_EPOCHS`` epochs.
    """
    batches_per_epoch = max(1, -(-n_samples // batch_size))
    n_epochs = -(-AUTO_TARGET_UPDATES // batches_per_epoch)
    return int(min(AUTO_MAX_EPOCHS, max(AUTO_MIN_EPOCHS, n_epochs)))


class MCDDClassifier(OODDecisionMixin, LatentTransformMixin, ClassifierMixin, BaseEstimator):
    """Deep Multi-Class Data Description classifier with an OOD score.

    A network f maps each row x to a latent vector of size d. Each class k
    has a learnable center mu_k, log-scale s_k and bias b_k; with
    sigma_k = exp(relu(s_k)) the distance of x to class k is

    .. math::

        D_k(x) = \\frac{\\lVert f(x) - \\mu_k \\rVert^2}{2 \\sigma_k^2} + d \\log \\sigma_k .

    Training minimises ``reg_lambda * mean(D_y(x)) + cross_entropy(-D(x) + b, y)``
    with Adam. The predicted class is ``argmax_k(-D_k(x) + b_k)``, and the
    out-of-distribution (OOD) score is ``min_k D_k(x)``, without the bias.

    The estimator builds a skorch ``NeuralNet`` in ``fit`` and keeps it as
    ``net_``, so its ``history_``, callbacks and device handling are skorch's.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Widths of the hidden layers of the default MLP feature extractor.
        Ignored when ``feature_extractor`` is given.
    latent_dim : int, default=128
        Size d of the latent vector of the default MLP. Ignored when
        ``feature_extractor`` is given (d is then read from its output).
    reg_lambda : float, default=1.0
        Weight of the pull term ``mean(D_y(x))`` in the loss. Larger values
        make the classes more compact around their centers.
    learning_rate : float, default=1e-3
        Learning rate of the optimizer.
    batch_size : int, default=200
        Rows per mini-batch, for training and for scoring.
    max_epochs : int or "auto", default="auto"
        Number of passes over the training data. ``"auto"`` aims for about
        3,000 gradient updates, kept between 10 and 100 epochs: 100 epochs
        for tables up to about 6,000 rows, 10 epochs from about 60,000 rows
        on. Small tables are then not undertrained and large ones do not
        take needlessly long. With ``early_stopping=True`` it is the upper
        bound.
    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the training rows and
        stop when the validation loss has not improved for
        ``n_iter_no_change`` epochs, restoring the best weights. The
        validation loss often bottoms out before accuracy and OOD separation
        do, so this is off by default.
    validation_fraction : float, default=0.1
        Fraction of the ID rows held out (stratified) from training, for
        early stopping and for ``threshold_``. Used when
        ``early_stopping=True`` or ``id_acceptance`` is not None.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
        Optimizer class, called with the parameters, ``lr=learning_rate``
        and ``optimizer_params``. ``torch.optim.Adam`` and
        ``torch.optim.AdamW`` run torch's fused implementation
        (``fused=True``) on devices that have it, CUDA and, from torch 2.4,
        the CPU, unless ``optimizer_params`` sets ``fused`` or ``foreach``.
        It computes the same update with fewer operations per step. Its
        results differ from the for-each implementation only by rounding.
    optimizer_params : dict or None, default=None
        Further keyword arguments of the optimizer, for example
        ``{"weight_decay": 1e-4}``, or ``{"fused": False}`` for torch's
        default Adam implementation. Set the learning rate with
        ``learning_rate``, not here.
    feature_extractor : torch.nn.Module, class or None, default=None
        A custom network f mapping a float32 batch of shape
        (batch, n_features) to latent vectors of shape (batch, d), for example
        a CNN that reshapes its input to images. A module instance is
        deep-copied at each ``fit``, so the object passed in is never trained
        in place. A class (or any callable without arguments) is called once
        per ``fit``. None uses :class:`~mcdd_sklearn.modules.MLPFeatureExtractor`.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks, added to the ones the estimator sets up.
        They are deep-copied at each ``fit``.
    device : str, default="cpu"
        Torch device to train and score on, e.g. ``"cuda"``.
    n_threads : int or None, default=None
        Number of CPU threads torch may use inside one operation (its
        intra-op threads) during ``fit`` and the scoring methods. The
        previous setting is restored when the call returns. None keeps the
        process's setting, ``torch.get_num_threads()``. joblib's default
        process-based backend already caps it at ``cpu_count // n_jobs`` in
        its workers, so ``GridSearchCV(n_jobs=...)`` needs no change. Set 1
        under a thread-based backend or on a machine shared with other jobs.
        ``torch.set_num_threads`` acts on the whole process, so concurrent
        calls from several threads with different values override each other.
    ood_label : object, default=None
        Label that marks known OOD rows in ``y``. Those rows never become a
        class: ``classes_`` excludes the label, the scorers of
        :mod:`mcdd_sklearn.scorers` use them in validation folds, and
        ``outlier_exposure`` can train on them. None treats every label as a
        class, so that labels such as {-1, +1} are never taken for OOD.
    outlier_exposure : float, default=0.0
        Weight of the outlier-exposure term for the ``ood_label`` rows of
        the training data, a hinge on ``log min_k D_k(x)`` that pushes them
        beyond twice the largest own-class distance of the batch's ID rows
        (``OutlierExposureLoss`` in ``mcdd_sklearn._outlier_exposure``).
        0 ignores those rows in training.
    id_acceptance : float or None, default=0.95
        Target fraction of ID rows accepted by ``threshold_``. The threshold
        is estimated on the ``validation_fraction`` of ID rows held out from
        training, shared with early stopping when it is on; so with the
        default the network trains on 90% of the ID rows. None trains on all
        rows and sets no threshold.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and the validation split.
        The same integer gives identical results on the CPU. torch's global
        random state is restored after ``fit``.
    verbose : int, default=0
        0 is silent. 1 prints skorch's per-epoch table: training loss,
        validation loss (with ``early_stopping=True``), their pull term
        ``mean(D_y(x))`` and push term (the cross-entropy), and the epoch
        duration in seconds. 2 or more also shows a tqdm progress bar over
        the batches of each epoch. The pull and push terms are recorded in
        ``history_`` only when ``verbose`` is at least 1.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels seen in ``fit``, in sorted order.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of X, when X was a DataFrame with string column names.
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the
        :class:`~mcdd_sklearn.modules.MCDDModule`.
    history_ : skorch.History
        Per-epoch training history: ``train_loss``, ``dur``, ``valid_loss``
        with early stopping, and ``train_pull`` and ``train_push`` when
        ``verbose`` is 1 or more.
    n_epochs_ : int
        Number of epochs actually run.
    threshold_ : float or None
        OOD-score threshold: rows with ``decision_function(x) <= threshold_``
        are accepted as ID by ``predict_ood`` and ``predict_with_reject``.
        The split-conformal quantile (:func:`~mcdd_sklearn.thresholds.ood_threshold`)
        of the held-out ID rows' OOD scores. None when ``id_acceptance`` is
        None or no row could be held out.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : A classifier without an OOD score.
    sklearn.ensemble.IsolationForest : An unsupervised outlier detector.

    Notes
    -----
    **Score directions.** ``decision_function`` returns the OOD score
    ``min_k D_k(x)``: the higher, the more out-of-distribution, as in PyOD.
    ``score_samples`` returns its negative: the higher, the more typical, as
    in scikit-learn's outlier detectors such as ``IsolationForest``.

    **Pitfall with binary scorers.** scikit-learn calls ``decision_function``
    before ``predict_proba`` wherever a classifier has both: the ``"roc_auc"``
    and ``"average_precision"`` scorers on a binary task and
    ``CalibratedClassifierCV``. Here they would receive the OOD score
    instead of a class score and report wrong values. Use
    ``make_scorer(roc_auc_score, response_method="predict_proba")`` (or
    ``"roc_auc_ovr"``, which uses ``predict_proba``), and pass
    ``method="sigmoid"`` calibration a wrapper that exposes only
    ``predict_proba``; :meth:`class_scores` returns ``-D(x) + b`` when a
    class score is needed.

    Inputs are converted to float32 at the boundary. Features should be on
    comparable scales: put a ``StandardScaler`` in front of the classifier.

    References
    ----------
    D. Lee, S. Yu and H. Yu, "Multi-Class Data Description for
    Out-of-distribution Detection", KDD 2020.

    Examples
    --------
    >>> from sklearn.datasets import load_wine
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from mcdd_sklearn import MCDDClassifier
    >>> X, y = load_wine(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), MCDDClassifier(random_state=0))
    >>> clf.fit(X, y).score(X, y) > 0.95
    True
    >>> clf.decision_function(X[:3]).shape
    (3,)
    """

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like"],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "reg_lambda": [Interval(numbers.Real, 0, None, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_epochs": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "optimizer": [type],
        "optimizer_params": [None, dict],
        "feature_extractor": [None, HasMethods("forward"), callable],
        "callbacks": [None, list],
        "device": [str, HasMethods("type")],
        "n_threads": [None, Interval(numbers.Integral, 1, None, closed="left")],
        "ood_label": "no_validation",
        "outlier_exposure": [Interval(numbers.Real, 0, None, closed="left")],
        "id_acceptance": [None, Interval(numbers.Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes=(128, 128),
        latent_dim=128,
        reg_lambda=1.0,
        learning_rate=1e-3,
        batch_size=200,
        max_epochs="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        optimizer=torch.optim.Adam,
        optimizer_params=None,
        feature_extractor=None,
        callbacks=None,
        device="cpu",
        n_threads=None,
        ood_label=None,
        outlier_exposure=0.0,
        id_acceptance=0.95,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.latent_dim = latent_dim
        self.reg_lambda = reg_lambda
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.feature_extractor = feature_extractor
        self.callbacks = callbacks
        self.device = device
        self.n_threads = n_threads
        self.ood_label = ood_label
        self.outlier_exposure = outlier_exposure
        self.id_acceptance = id_acceptance
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network and the class centers on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric training data; a pandas DataFrame sets
            ``feature_names_in_``.
        y : array-like of shape (n_samples,)
            Class labels of any type (ints, strings, ...). Rows labelled
            ``ood_label`` are known OOD rows, not a class.

        Returns
        -------
        self : MCDDClassifier
            The fitted estimator.
        """
        check_numeric_columns(X)
        X, y = validate_data(self, X, y, dtype=[np.float32, np.float64])
        check_float32_range(X)
        warn_if_unscaled(X)
        is_ood = _ood_mask(y, self.ood_label)
        check_classification_targets(y[~is_ood])
        self._label_encoder = LabelEncoder().fit(y[~is_ood])
        self.classes_ = self._label_encoder.classes_
        if len(self.classes_) < 2:
            found = (
                f"only one class: {self.classes_.tolist()[0]!r}"
                if len(self.classes_)
                else f"no class, only rows labelled ood_label={self.ood_label!r}"
            )
            raise ValueError(
                f"MCDDClassifier needs samples of at least 2 classes, but y "
                f"contains {found}. Deep-MCDD learns a center per class; for "
                "one class, use a one-class detector such as sklearn.svm.OneClassSVM."
            )
        y_encoded = np.full(len(y), OOD_TARGET, dtype=np.int64)
        y_encoded[~is_ood] = self._label_encoder.transform(y[~is_ood])

        device = torch.device(self.device)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"device={self.device!r} was requested, but torch reports no "
                "CUDA device. Use device='cpu' or install a CUDA build of torch."
            )

        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        # fork_rng takes CUDA device indices; "cuda" alone means the current one.
        fork_devices = []
        if device.type == "cuda":
            fork_devices = [torch.cuda.current_device() if device.index is None else device.index]
        with torch.random.fork_rng(devices=fork_devices), torch_num_threads(
            self.n_threads
        ):
            torch.manual_seed(seed)
            self.net_ = self._build_net(X, y_encoded, seed)
            X_train, y_train, holdout_rows = self._training_data(X, y_encoded, seed)
            # The budget counts the rows trained on, not the held-out ones.
            self.net_.set_params(max_epochs=self._resolve_max_epochs(len(y_train)))
            self.net_.fit(X_train, y_train)

        self.history_ = self.net_.history
        self.n_epochs_ = len(self.history_)
        self._fit_threshold(X[holdout_rows])
        return self

    def _resolve_max_epochs(self, n_samples):
        if self.max_epochs == "auto":
            return _auto_max_epochs(n_samples, self.batch_size)
        return self.max_epochs

    def _build_net(self, X, y_encoded, seed):
        extractor, latent_dim = make_feature_extractor(
            self.feature_extractor,
            X,
            hidden_layer_sizes=tuple(self.hidden_layer_sizes),
            latent_dim=self.latent_dim,
        )
        module = MCDDModule(extractor, len(self.classes_), latent_dim)

        callbacks = [("stop_on_non_finite_loss", StopOnNonFiniteLoss())]
        callbacks.extend(progress_callbacks(self.verbose))
        if self.early_stopping:
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="valid_loss",
                        patience=self.n_iter_no_change,
                        load_best=True,
                        sink=print if self.verbose else _silent,
                    ),
                )
            )
        for i, callback in enumerate(copy.deepcopy(self.callbacks or [])):
            if isinstance(callback, tuple):
                callbacks.append(callback)
            else:
                callbacks.append((f"user_callback_{i}", callback))

        # At verbose=0 skorch's PrintLog prints nothing but still formats a
        # table every epoch (about 1 ms, as long as a batch of the default
        # network on a small table), so the silent net goes without it.
        silent_log = {} if self.verbose else {"callbacks__print_log": None}
        criterion, criterion_params = MCDDLoss, {}
        if self.outlier_exposure > 0:
            criterion = OutlierExposureLoss
            criterion_params = {"criterion__outlier_weight": self.outlier_exposure}
        return NeuralNet(
            module=module,
            criterion=criterion,
            criterion__reg_lambda=self.reg_lambda,
            **criterion_params,
            optimizer=self.optimizer,
            lr=self.learning_rate,
            **self._optimizer_kwargs(),
            batch_size=self.batch_size,
            iterator_train=ArrayBatchIterator,
            iterator_train__shuffle=True,
            iterator_valid=ArrayBatchIterator,
            train_split=None,
            callbacks=callbacks,
            device=self.device,
            verbose=self.verbose,
            **silent_log,
        )

    def _optimizer_kwargs(self):
        """Return the ``optimizer__*`` arguments of the skorch net."""
        params = dict(self.optimizer_params or {})
        if "lr" in params:
            raise ValueError(
                f"optimizer_params must not contain lr, got lr={params['lr']!r}. "
                "Set the learning rate with the learning_rate parameter instead."
            )
        if "params" in params:
            raise ValueError(
                "optimizer_params must not contain params: the estimator passes "
                "the network's parameters to the optimizer itself. Remove the key."
            )
        if params.get("fused") and params.get("foreach"):
            raise ValueError(
                "optimizer_params sets both fused=True and foreach=True, but torch "
                "runs one implementation at a time. Set only one of them."
            )
        accepted = _keyword_parameters(self.optimizer)
        unknown = sorted(set(params) - accepted) if accepted is not None else []
        if unknown:
            raise ValueError(
                f"optimizer_params contains {unknown}, which "
                f"{self.optimizer.__name__} does not accept. Its keyword "
                f"parameters are {sorted(accepted - {'params', 'lr'})}. For "
                "another optimizer's settings, pass that class as optimizer, "
                "e.g. optimizer=torch.optim.SGD for momentum."
            )
        chooses_implementation = "fused" in params or "foreach" in params
        if (
            self.optimizer in (torch.optim.Adam, torch.optim.AdamW)
            and not chooses_implementation
            and has_fused_adam(self.device)
        ):
            params["fused"] = True
        return {f"optimizer__{name}": value for name, value in params.items()}

    def _training_data(self, X, y_encoded, seed):
        """Return ``(X_train, y_train, holdout_rows)`` and set up early stopping.

        The held-out ID rows serve both early stopping and ``threshold_``.
        Rows labelled ``ood_label`` are trained on only with outlier exposure.
        """
        # One float32 copy for all epochs; from_numpy after astype is several
        # times faster than torch.tensor(X, dtype=torch.float32) on float64.
        X = torch.from_numpy(X.astype(np.float32))
        y = torch.as_tensor(y_encoded)
        train_rows, holdout_rows, stratified = split_training_rows(
            y_encoded,
            fraction=self.validation_fraction,
            hold_out=self.early_stopping or self.id_acceptance is not None,
            train_on_ood=self.outlier_exposure > 0,
            seed=seed,
        )
        if self.early_stopping and not stratified:
            warnings.warn(
                "The validation split for early stopping is not stratified, "
                "because it would hold fewer rows than there are classes.",
                UserWarning,
            )
        if self.early_stopping:
            if not holdout_rows.size:
                raise ValueError(
                    "early_stopping=True needs a validation split, but no class "
                    "has 2 or more rows. Set early_stopping=False."
                )
            valid_rows = torch.as_tensor(holdout_rows)
            self.net_.set_params(
                train_split=predefined_split(Dataset(X[valid_rows], y[valid_rows]))
            )
        if train_rows is None:
            return X, y, holdout_rows
        train_rows = torch.as_tensor(train_rows)
        return X[train_rows], y[train_rows], holdout_rows

    # -------------------------------------------------------------- scoring

    def _forward_reduce(self, X, reduce, *, embed=False):
        """Apply ``reduce(distances, logits)`` to each batch of X and collect the results.

        One forward pass per batch serves every output a method needs. Only
        the reduced results are kept, written into arrays allocated once, so
        memory beyond X and the outputs stays at one batch whatever the
        number of rows. The forward pass runs on a float64 copy of the
        trained module, so that a row's outputs do not depend on which other
        rows share its batch (float32 matrix products differ in the last
        digits with the batch shape).
        """
        check_is_fitted(self)
        check_numeric_columns(X)
        X = validate_data(self, X, dtype=[np.float32, np.float64], reset=False)
        check_float32_range(X)
        return self._forward_validated(X, reduce, embed=embed)

    def _forward_validated(self, X, reduce, *, embed=False):
        """Run ``_forward_reduce`` on an already validated array X.

        With ``embed=True``, ``reduce`` receives the latent vectors f(x)
        instead of ``(distances, logits)``.
        """
        with torch_num_threads(self.n_threads):
            module = copy.deepcopy(self.net_.module_).double().eval()
            forward = (lambda Xi: (module.embed(Xi),)) if embed else module
            return forward_in_batches(
                forward,
                X,
                batch_size=self.batch_size,
                device=self.net_.device,
                dtype=torch.float64,
                reduce=reduce,
            )

    def class_distances(self, X):
        """Compute the distance D_k(x) of each row to each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        distances : ndarray of shape (n_samples, n_classes)
            D_k(x), columns in the order of ``classes_``. The lower, the
            closer x lies to class k.
        """
        return self._forward_reduce(X, lambda d, logits: d)

    def class_scores(self, X):
        """Compute the class logits -D_k(x) + b_k.

        Use these where a class score is needed and ``decision_function``
        (the OOD score) is not it, e.g. for a binary ROC AUC.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes)
            The higher, the more likely the class; columns in the order of
            ``classes_``.
        """
        return self._forward_reduce(X, lambda d, logits: logits)

    def predict(self, X):
        """Predict the class of each row: ``argmax_k(-D_k(x) + b_k)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels of the same type as the ``y`` given to ``fit``.
        """
        indices = self._forward_reduce(X, lambda d, logits: logits.argmax(dim=1))
        return self.classes_[indices]

    def predict_proba(self, X):
        """Compute class probabilities, the softmax of the logits ``-D(x) + b``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; each row sums to 1.
        """
        proba = self._forward_reduce(
            X, lambda d, logits: torch.softmax(logits, dim=1)
        )
        return proba

    def predict_log_proba(self, X):
        """Compute the log of the class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        return self._forward_reduce(
            X, lambda d, logits: torch.log_softmax(logits, dim=1)
        )

    def decision_function(self, X):
        """Compute the OOD score ``min_k D_k(x)`` of each row.

        This is not a class score: see the Notes of the class docstring for
        the scorers that expect one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ood_score : ndarray of shape (n_samples,)
            The distance to the closest class, without the bias. The higher,
            the more out-of-distribution (PyOD's direction).
        """
        return self._forward_reduce(X, lambda d, logits: d.min(dim=1).values)

    def score_samples(self, X):
        """Compute the typicality ``-min_k D_k(x)`` of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The negated OOD score. The higher, the more typical of the
            training classes (scikit-learn's direction for outlier detectors).
        """
        return -self.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.classifier_tags.multi_label = False
        return tags

    # ---------------------------------------------------------- persistence

    def __getstate__(self):
        # The library version goes into every pickle, so that loading it
        # into an incompatible version fails instead of scoring wrongly.
        return add_version(super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(pop_checked_version(state))

    def save_params(self, path):
        """Save the fitted model to a torch file that loads without pickle.

        The file contains the module's ``state_dict``, the fitted attributes
        (``classes_``, ``n_features_in_``, ``threshold_``, ...), the training
        history and the library version, all as tensors or plain Python
        values, so that ``torch.load(path, weights_only=True)`` reads it
        without running pickled code. Preprocessing steps of a Pipeline are
        not included.

        Parameters
        ----------
        path : str, os.PathLike or file-like object
            Where to write the file.

        Returns
        -------
        self : MCDDClassifier
            The estimator, unchanged.

        See Also
        --------
        load_params : Restore a model saved by this method.
        """
        save_fitted(self, path)
        return self

    def load_params(self, path):
        """Restore a model saved by :meth:`save_params` into this estimator.

        The estimator must be constructed with the network parameters of the
        saved model (``hidden_layer_sizes`` and ``latent_dim``, or the same
        ``feature_extractor``); other parameters may differ. The weights are
        loaded onto ``device``, so a model trained on a GPU loads on a CPU
        with ``device="cpu"``.

        Parameters
        ----------
        path : str, os.PathLike or file-like object
            A file written by :meth:`save_params`.

        Returns
        -------
        self : MCDDClassifier
            The estimator, fitted with the saved state.

        Raises
        ------
        IncompatibleVersionError
            If the file was written by another major.minor version of
            mcdd-sklearn.
        ValueError
            If the file is not a ``save_params`` file or the network
            parameters of the estimator do not match it.
        """
        return load_fitted(self, path)


def _silent(*args, **kwargs):
    """Swallow skorch's messages when verbose is 0."""
