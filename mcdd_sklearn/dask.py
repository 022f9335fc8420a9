"""Score Dask arrays and DataFrames block by block with a fitted estimator.

dask-ml's ``ParallelPostFit`` (checked with dask-ml 2025.1.0) wraps
``predict``, ``predict_proba``, ``predict_log_proba`` and ``transform`` for
Dask collections, but not ``decision_function`` or ``score_samples``, the
OOD scores of :class:`~mcdd_sklearn.MCDDClassifier`.
:func:`score_blocks` applies any scoring method of a fitted estimator (or a
Pipeline ending in one) to each block of a Dask Array or each partition of a
Dask DataFrame and returns a lazy Dask collection. The estimator enters the
task graph once, and each task scores one block in memory, so the numbers
equal those of in-memory scoring up to floating-point rounding in the last
digits.

Requires the ``dask`` extra: ``pip install "mcdd-sklearn[dask]"``.
"""

try:
    import dask
    import dask.array as da
    import dask.dataframe as dd
except ImportError as exc:
    raise ImportError(
        "mcdd_sklearn.dask needs dask with its array and dataframe parts. "
        'Install them with pip install "mcdd-sklearn[dask]".'
    ) from exc

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

__all__ = ["score_blocks"]

# Methods whose output columns follow ``classes_``.
_PER_CLASS_METHODS = frozenset(
    {"predict_proba", "predict_log_proba", "class_distances", "class_scores"}
)


def _final_step(estimator):
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def _score_array_block(block, estimator, method):
    return getattr(estimator, method)(block)


def _score_frame_partition(partition, estimator, method, columns):
    result = np.asarray(getattr(estimator, method)(partition))
    if result.ndim == 1:
        return pd.Series(result, index=partition.index, name=method)
    return pd.DataFrame(result, index=partition.index, columns=columns)


def _probe_output(estimator, method, probe):
    """Return the output of ``method`` on one row, for its shape and dtype."""
    if not hasattr(estimator, method):
        raise AttributeError(
            f"{type(estimator).__name__} has no method {method!r}. Pass the "
            "name of a scoring method, such as 'decision_function' or "
            "'predict_proba'."
        )
    return np.asarray(getattr(estimator, method)(probe))


def _output_columns(estimator, method, width):
    final = _final_step(estimator)
    classes = getattr(final, "classes_", None)
    if method in _PER_CLASS_METHODS and classes is not None and len(classes) == width:
        return list(classes)
    return list(range(width))


def _score_array(estimator, X, method):
    if X.ndim != 2:
        raise ValueError(
            f"X must be a 2-D Dask Array, got {X.ndim} dimensions with "
            f"shape {X.shape}."
        )
    # Every block must hold whole rows, so blocks split along the columns
    # are joined first.
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})

    probe_rows = np.zeros((1, X.shape[1]), dtype=X.dtype)
    probe = _probe_output(estimator, method, probe_rows)
    model = dask.delayed(estimator, pure=True)
    # An explicit meta keeps dask from calling the method on a Delayed
    # placeholder to infer the output type.
    meta = np.empty((0,) * probe.ndim, dtype=probe.dtype)
    if probe.ndim == 1:
        return X.map_blocks(
            _score_array_block,
            model,
            method,
            drop_axis=1,
            dtype=probe.dtype,
            meta=meta,
        )
    return X.map_blocks(
        _score_array_block,
        model,
        method,
        chunks=(X.chunks[0], (probe.shape[1],)),
        dtype=probe.dtype,
        meta=meta,
    )


def _score_frame(estimator, X, method):
    probe_frame = pd.DataFrame(
        np.zeros((1, len(X.columns))), columns=X.columns
    ).astype(X.dtypes.to_dict())
    probe = _probe_output(estimator, method, probe_frame)
    model = dask.delayed(estimator, pure=True)

    if probe.ndim == 1:
        meta = pd.Series(np.empty(0, dtype=probe.dtype), name=method)
        columns = None
    else:
        columns = _output_columns(estimator, method, probe.shape[1])
        empty = np.empty((0, probe.shape[1]), dtype=probe.dtype)
        meta = pd.DataFrame(empty, columns=columns)
    return X.map_partitions(_score_frame_partition, model, method, columns, meta=meta)


def score_blocks(estimator, X, *, method="decision_function"):
    """Apply a scoring method of a fitted estimator to each block of a Dask collection.

    Parameters
    ----------
    estimator : fitted estimator
        For example a fitted :class:`~mcdd_sklearn.MCDDClassifier` or a
        Pipeline ending in one. It is put into the task graph once and sent
        to the workers that need it.
    X : dask.array.Array of shape (n_samples, n_features) or dask.dataframe.DataFrame
        Rows to score. Array blocks split along the columns are joined
        first, so that each block holds whole rows.
    method : str, default="decision_function"
        Name of the method to apply: ``"decision_function"`` (OOD score,
        higher = more OOD), ``"score_samples"`` (higher = more typical),
        ``"predict"``, ``"predict_proba"``, ``"class_distances"``,
        ``"transform"``, ...

    Returns
    -------
    scores : dask.array.Array, dask.dataframe.Series or dask.dataframe.DataFrame
        Lazy result, one block per input block. For an Array input, an
        Array of shape (n_samples,) or (n_samples, n_outputs). For a
        DataFrame input, a Series named after ``method`` for one value per
        row, else a DataFrame whose columns are ``classes_`` for per-class
        methods and 0, 1, ... otherwise. The index is the input's. Call
        ``.compute()`` to get the values.

    Raises
    ------
    TypeError
        If X is neither a Dask Array nor a Dask DataFrame.
    AttributeError
        If the estimator has no method named ``method``.

    Examples
    --------
    >>> import dask.array as da
    >>> from sklearn.datasets import load_wine
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from mcdd_sklearn import MCDDClassifier
    >>> from mcdd_sklearn.dask import score_blocks
    >>> X, y = load_wine(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), MCDDClassifier(max_epochs=5))
    >>> clf = clf.fit(X, y)
    >>> scores = score_blocks(clf, da.from_array(X, chunks=50))
    >>> scores.compute().shape
    (178,)
    """
    if isinstance(X, dd.DataFrame):
        return _score_frame(estimator, X, method)
    if isinstance(X, da.Array):
        return _score_array(estimator, X, method)
    raise TypeError(
        "X must be a dask.array.Array or a dask.dataframe.DataFrame, got "
        f"{type(X).__name__}. Call the estimator's method directly on "
        "in-memory data."
    )
