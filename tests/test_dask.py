"""Dask: a grid search on a local cluster and block-wise scoring of Dask collections."""

import joblib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from mcdd_sklearn import MCDDClassifier  # noqa: E402
from mcdd_sklearn.dask import score_blocks  # noqa: E402

# Float64 matrix products can round differently for different block shapes,
# so block-wise and in-memory scores agree to this relative tolerance.
RTOL = 1e-12


@pytest.fixture(scope="module")
def client():
    """A Dask client on a cluster of 2 one-thread worker processes at 127.0.0.1.

    Separate processes keep fits reproducible: fit seeds torch's
    process-wide random generator, which concurrent fits in threads of one
    process would share. joblib runs tasks on the cluster only when it has
    at least 2 threads in total, and otherwise runs them in the caller.
    """
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


@pytest.fixture(scope="module")
def fitted_pipeline(wine):
    """A scaler and MCDDClassifier pipeline trained on raw wine features."""
    X, y = wine
    return make_pipeline(
        StandardScaler(), MCDDClassifier(max_epochs=20, random_state=0)
    ).fit(X, y)


def test_grid_search_on_cluster(client, wine):
    """GridSearchCV over reg_lambda on the Dask backend matches a local run."""
    X, y = wine
    search_kwargs = dict(param_grid={"reg_lambda": [0.1, 1.0]}, cv=2)
    estimator = MCDDClassifier(
        hidden_layer_sizes=(32,), latent_dim=8, max_epochs=3, random_state=0
    )

    with distributed.get_task_stream(client) as task_stream:
        with joblib.parallel_backend("dask"):
            on_dask = GridSearchCV(estimator, n_jobs=-1, **search_kwargs).fit(X, y)
    local = GridSearchCV(estimator, n_jobs=1, **search_kwargs).fit(X, y)

    assert_allclose(
        on_dask.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert on_dask.best_params_ == local.best_params_
    # The cluster's workers ran the 4 fits (2 values times 2 folds).
    assert len(task_stream.data) >= 4


@pytest.mark.parametrize(
    "method", ["decision_function", "score_samples", "predict", "predict_proba"]
)
def test_score_array_blocks(client, fitted_pipeline, wine, method):
    """Scores of a chunked Dask Array equal in-memory scores."""
    X, _ = wine
    X_dask = da.from_array(X, chunks=(50, 13))
    result = score_blocks(fitted_pipeline, X_dask, method=method)
    assert isinstance(result, da.Array)
    assert result.numblocks[0] == 4

    expected = getattr(fitted_pipeline, method)(X)
    computed = result.compute()
    assert computed.shape == expected.shape
    if method == "predict":
        assert_array_equal(computed, expected)
    else:
        assert_allclose(computed, expected, rtol=RTOL)


def test_score_array_split_columns(client, fitted_pipeline, wine):
    """Blocks split along the columns are joined before scoring."""
    X, _ = wine
    X_dask = da.from_array(X, chunks=(60, 5))
    result = score_blocks(fitted_pipeline, X_dask).compute()
    assert_allclose(result, fitted_pipeline.decision_function(X), rtol=RTOL)


def test_score_dataframe_partitions(client, wine):
    """A Dask DataFrame gives a Series of OOD scores and per-class columns."""
    X, y = wine
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(13)])
    frame.index = frame.index + 1000
    labels = np.array(["barolo", "grignolino", "barbera"])[y]
    model = make_pipeline(
        StandardScaler(), MCDDClassifier(max_epochs=10, random_state=0)
    ).fit(frame, labels)
    frame_dask = dd.from_pandas(frame, npartitions=3)

    ood = score_blocks(model, frame_dask).compute()
    assert isinstance(ood, pd.Series)
    assert ood.name == "decision_function"
    assert_array_equal(ood.index, frame.index)
    assert_allclose(ood.to_numpy(), model.decision_function(frame), rtol=RTOL)

    proba = score_blocks(model, frame_dask, method="predict_proba").compute()
    assert list(proba.columns) == ["barbera", "barolo", "grignolino"]
    assert_allclose(proba.to_numpy(), model.predict_proba(frame), rtol=RTOL)


def test_parallel_post_fit_predict_proba(client, fitted_pipeline, wine):
    """dask-ml's ParallelPostFit scores predict_proba like in-memory scoring."""
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, _ = wine
    wrapped = wrappers.ParallelPostFit(fitted_pipeline)
    proba = wrapped.predict_proba(da.from_array(X, chunks=50)).compute()
    assert_allclose(proba, fitted_pipeline.predict_proba(X), rtol=RTOL)


def test_score_blocks_rejects_numpy(fitted_pipeline, wine):
    """An in-memory array raises a TypeError pointing to the direct call."""
    X, _ = wine
    with pytest.raises(TypeError, match="got ndarray"):
        score_blocks(fitted_pipeline, X)


def test_score_blocks_unknown_method(fitted_pipeline, wine):
    """An unknown method name raises and names it."""
    X, _ = wine
    with pytest.raises(AttributeError, match="no method 'score_ood'"):
        score_blocks(fitted_pipeline, da.from_array(X, chunks=50), method="score_ood")
