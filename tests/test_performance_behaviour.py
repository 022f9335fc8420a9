"""Behaviour behind the speed and memory goals: batching, scoring, threads, devices.

No test here times anything; the timings live in ``benchmarks/``.
"""

import tracemalloc

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from skorch.callbacks import Callback
from skorch.dataset import Dataset
from torch.utils.data import DataLoader, TensorDataset

from mcdd_sklearn import MCDDClassifier
from mcdd_sklearn._net import (
    ArrayBatchIterator,
    forward_in_batches,
    has_fused_adam,
    torch_num_threads,
)

N_FEATURES = 48


def _blobs(n_samples, *, n_classes=3, seed=0):
    """Return well separated Gaussian classes with ``N_FEATURES`` features."""
    rng = np.random.default_rng(seed)
    centers = 4.0 * rng.standard_normal((n_classes, N_FEATURES))
    y = rng.integers(0, n_classes, size=n_samples)
    X = centers[y] + rng.standard_normal((n_samples, N_FEATURES))
    return X, y


@pytest.fixture(scope="module")
def fitted_blobs():
    """A classifier trained briefly on 300 rows x 48 features."""
    X, y = _blobs(300)
    clf = MCDDClassifier(max_epochs=5, random_state=0)
    return clf.fit(X, y)


# ----------------------------------------------------------------- iterator


def test_iterator_matches_dataloader_without_shuffle():
    """Unshuffled batches equal a DataLoader's over the same float32 tensors."""
    X, y = _blobs(47)
    batches = list(ArrayBatchIterator(Dataset(X, y), batch_size=10))
    expected = list(
        DataLoader(
            TensorDataset(torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y)),
            batch_size=10,
        )
    )

    assert len(batches) == len(expected) == 5
    for (Xi, yi), (X_expected, y_expected) in zip(batches, expected):
        assert Xi.dtype == torch.float32
        assert torch.equal(Xi, X_expected)
        assert torch.equal(yi, y_expected)


def test_iterator_shuffle_is_a_permutation():
    """A shuffled pass visits each row once, keeps X and y aligned, and reshuffles."""
    X = np.arange(47, dtype=np.float64).reshape(-1, 1) * np.ones((1, 3))
    y = np.arange(47)
    iterator = ArrayBatchIterator(Dataset(X, y), batch_size=10, shuffle=True)

    torch.manual_seed(0)
    first = list(iterator)
    second = list(iterator)

    assert [len(yi) for _, yi in first] == [10, 10, 10, 10, 7]
    first_order = torch.cat([yi for _, yi in first]).numpy()
    second_order = torch.cat([yi for _, yi in second]).numpy()
    assert_array_equal(np.sort(first_order), y)
    assert not np.array_equal(first_order, y)
    assert not np.array_equal(first_order, second_order)
    for Xi, yi in first:
        assert_array_equal(Xi[:, 0].numpy(), yi.numpy().astype(np.float32))


def test_iterator_shuffle_follows_torch_seed():
    X, y = _blobs(30)
    iterator = ArrayBatchIterator(Dataset(X, y), batch_size=8, shuffle=True)

    torch.manual_seed(3)
    first = torch.cat([yi for _, yi in iterator])
    torch.manual_seed(3)
    again = torch.cat([yi for _, yi in iterator])

    assert torch.equal(first, again)


def test_iterator_reads_read_only_arrays():
    """Read-only input (e.g. a joblib memmap) is copied per batch, not wrapped."""
    X, y = _blobs(20)
    X.setflags(write=False)
    Xi, _ = next(iter(ArrayBatchIterator(Dataset(X, y), batch_size=8)))

    assert_array_equal(Xi.numpy(), X[:8].astype(np.float32))


def test_iterator_falls_back_to_dataloader():
    """Datasets it cannot slice go through a DataLoader with the same batches."""
    X, y = _blobs(25)
    dataset = TensorDataset(torch.as_tensor(X), torch.as_tensor(y))
    batches = list(ArrayBatchIterator(dataset, batch_size=10))

    assert [len(yi) for _, yi in batches] == [10, 10, 5]
    assert torch.equal(torch.cat([Xi for Xi, _ in batches]), torch.as_tensor(X))


# ------------------------------------------------------------------ scoring


def test_forward_in_batches_tuple_outputs():
    """Tuple outputs come back as one array each, rows in input order."""
    X = np.arange(23, dtype=np.float64).reshape(-1, 1)

    def double_and_sum(Xi):
        return (2.0 * Xi, Xi.sum(dim=1))

    doubled, sums = forward_in_batches(
        double_and_sum,
        X,
        batch_size=5,
        device="cpu",
        dtype=torch.float64,
        reduce=lambda a, b: (a, b.to(torch.int64)),
    )

    assert doubled.shape == (23, 1)
    assert doubled.dtype == np.float64
    assert sums.dtype == np.int64
    assert_array_equal(doubled[:, 0], 2.0 * np.arange(23))
    assert_array_equal(sums, np.arange(23))


def test_forward_in_batches_single_output():
    X = np.ones((7, 2), dtype=np.float32)
    result = forward_in_batches(
        lambda Xi: (Xi,),
        X,
        batch_size=3,
        device="cpu",
        dtype=torch.float64,
        reduce=lambda Xi: Xi.sum(dim=1),
    )

    assert isinstance(result, np.ndarray)
    assert_array_equal(result, np.full(7, 2.0))


@pytest.mark.parametrize(
    "method",
    ["decision_function", "predict_proba", "class_distances", "predict"],
)
def test_scoring_independent_of_batch_size(fitted_blobs, method):
    """Scoring 7 rows at a time gives the results of one batch of all rows."""
    X, _ = _blobs(100, seed=1)
    try:
        small_batches = getattr(fitted_blobs.set_params(batch_size=7), method)(X)
        one_batch = getattr(fitted_blobs.set_params(batch_size=len(X)), method)(X)
    finally:
        fitted_blobs.set_params(batch_size=200)

    if method == "predict":
        assert_array_equal(small_batches, one_batch)
    else:
        assert_allclose(small_batches, one_batch, rtol=1e-12, atol=1e-12)


def test_scoring_does_not_copy_input_whole(fitted_blobs):
    """Scoring 200k float64 rows allocates far less than a float32 copy of X."""
    X = np.random.default_rng(0).standard_normal((200_000, N_FEATURES))
    float32_copy_bytes = X.size * 4
    # Batches of 2,000 rows keep the test fast, and each batch copy is 0.4 MB.
    clf = fitted_blobs.set_params(batch_size=2000)
    clf.decision_function(X[:10])  # torch's lazy set-up, not counted

    try:
        for method in ("decision_function", "predict"):
            tracemalloc.start()
            try:
                getattr(clf, method)(X)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            # The outputs take 1.6 MB, and a float32 copy of X would take 38.4 MB.
            assert peak < float32_copy_bytes / 4, (method, peak)
    finally:
        clf.set_params(batch_size=200)


def test_score_samples_negates_decision_function(fitted_blobs):
    X, _ = _blobs(50, seed=2)
    assert_array_equal(
        fitted_blobs.score_samples(X), -fitted_blobs.decision_function(X)
    )


# ------------------------------------------------------------------ threads


class _RecordThreads(Callback):
    """Store torch's intra-op thread count seen during training."""

    def on_epoch_begin(self, net, **kwargs):
        self.seen = torch.get_num_threads()


@pytest.fixture
def two_threads():
    """Run the test with torch at 2 intra-op threads, then restore the setting."""
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(previous)


def test_n_threads_set_during_fit(two_threads):
    X, y = _blobs(60)
    recorder = _RecordThreads()
    clf = MCDDClassifier(
        max_epochs=1, n_threads=1, callbacks=[("threads", recorder)], random_state=0
    ).fit(X, y)

    assert clf.net_.callbacks_[-1][1].seen == 1
    assert torch.get_num_threads() == 2


def test_n_threads_none_keeps_torch_setting(two_threads):
    X, y = _blobs(60)
    clf = MCDDClassifier(
        max_epochs=1, callbacks=[("threads", _RecordThreads())], random_state=0
    ).fit(X, y)

    assert clf.net_.callbacks_[-1][1].seen == 2
    assert torch.get_num_threads() == 2


def test_n_threads_restored_after_failed_fit(two_threads):
    class Fail(Callback):
        def on_epoch_begin(self, net, **kwargs):
            raise RuntimeError("stop here")

    X, y = _blobs(60)
    clf = MCDDClassifier(max_epochs=1, n_threads=1, callbacks=[Fail()])
    with pytest.raises(RuntimeError, match="stop here"):
        clf.fit(X, y)

    assert torch.get_num_threads() == 2


def test_n_threads_restored_after_scoring(two_threads, fitted_blobs):
    X, _ = _blobs(20, seed=3)
    try:
        fitted_blobs.set_params(n_threads=1).predict(X)
    finally:
        fitted_blobs.set_params(n_threads=None)

    assert torch.get_num_threads() == 2


def test_torch_num_threads_context():
    previous = torch.get_num_threads()
    with torch_num_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == previous
    with torch_num_threads(None):
        assert torch.get_num_threads() == previous


def test_n_threads_rejects_zero():
    X, y = _blobs(30)
    with pytest.raises(ValueError, match="n_threads"):
        MCDDClassifier(n_threads=0).fit(X, y)


# ------------------------------------------------------------ silent fit


def test_silent_fit_skips_print_log(capsys):
    """A silent fit builds no PrintLog, and verbose=1 still prints the epoch table."""
    X, y = _blobs(60)
    silent = MCDDClassifier(max_epochs=2, random_state=0).fit(X, y)
    assert "print_log" not in dict(silent.net_.callbacks_)
    assert capsys.readouterr().out == ""

    MCDDClassifier(max_epochs=2, verbose=1, random_state=0).fit(X, y)
    assert "train_loss" in capsys.readouterr().out


# ---------------------------------------------------------------- optimizer

TORCH_HAS_CPU_FUSED_ADAM = has_fused_adam("cpu")


def test_has_fused_adam_by_device_type():
    major_minor = tuple(int(part) for part in torch.__version__.split(".")[:2])
    assert has_fused_adam("cpu") == (major_minor >= (2, 4))
    assert has_fused_adam("cuda:1")
    assert has_fused_adam(torch.device("cuda"))
    assert not has_fused_adam("meta")


@pytest.mark.skipif(not TORCH_HAS_CPU_FUSED_ADAM, reason="needs torch 2.4 or newer")
@pytest.mark.parametrize("optimizer", [torch.optim.Adam, torch.optim.AdamW])
def test_adam_is_fused_by_default(optimizer):
    X, y = _blobs(60)
    clf = MCDDClassifier(optimizer=optimizer, max_epochs=1, random_state=0).fit(X, y)
    assert clf.net_.optimizer_.defaults["fused"] is True


@pytest.mark.parametrize("setting", [{"fused": False}, {"foreach": True}])
def test_optimizer_params_choose_adam_implementation(setting):
    X, y = _blobs(60)
    clf = MCDDClassifier(optimizer_params=setting, max_epochs=1, random_state=0)
    defaults = clf.fit(X, y).net_.optimizer_.defaults
    assert not defaults["fused"]
    assert defaults["foreach"] == setting.get("foreach")


def test_other_optimizers_get_no_fused_argument():
    X, y = _blobs(60)
    clf = MCDDClassifier(optimizer=torch.optim.SGD, max_epochs=1, random_state=0).fit(X, y)
    assert isinstance(clf.net_.optimizer_, torch.optim.SGD)
    assert not clf.net_.optimizer_.defaults.get("fused")


def test_optimizer_params_reach_the_optimizer():
    X, y = _blobs(60)
    clf = MCDDClassifier(
        optimizer_params={"weight_decay": 0.01, "betas": (0.8, 0.9)},
        learning_rate=0.005,
        max_epochs=1,
        random_state=0,
    ).fit(X, y)
    defaults = clf.net_.optimizer_.defaults
    assert defaults["weight_decay"] == 0.01
    assert defaults["betas"] == (0.8, 0.9)
    assert defaults["lr"] == 0.005


def test_optimizer_params_reject_lr():
    X, y = _blobs(60)
    with pytest.raises(ValueError, match="lr=0.1.*learning_rate"):
        MCDDClassifier(optimizer_params={"lr": 0.1}).fit(X, y)


def test_optimizer_params_reject_params_key():
    X, y = _blobs(60)
    with pytest.raises(ValueError, match="must not contain params.*Remove the key"):
        MCDDClassifier(optimizer_params={"params": []}).fit(X, y)


def test_optimizer_params_reject_fused_with_foreach():
    X, y = _blobs(60)
    with pytest.raises(ValueError, match="both fused=True and foreach=True.*only one"):
        MCDDClassifier(optimizer_params={"fused": True, "foreach": True}).fit(X, y)


def test_optimizer_params_reject_unknown_keyword():
    X, y = _blobs(60)
    with pytest.raises(ValueError, match=r"\['momentum'\], which Adam does not accept.*'betas'"):
        MCDDClassifier(optimizer_params={"momentum": 0.9}).fit(X, y)


def test_optimizer_params_for_sgd():
    X, y = _blobs(60)
    clf = MCDDClassifier(
        optimizer=torch.optim.SGD, optimizer_params={"momentum": 0.9}, max_epochs=1
    ).fit(X, y)
    assert clf.net_.optimizer_.defaults["momentum"] == 0.9


@pytest.mark.skipif(not TORCH_HAS_CPU_FUSED_ADAM, reason="needs torch 2.4 or newer")
def test_fused_and_foreach_adam_agree():
    """The fused and for-each Adam kernels differ only by rounding."""
    X, y = _blobs(400)
    X_test, _ = _blobs(200, seed=4)
    fused = MCDDClassifier(max_epochs=10, random_state=0).fit(X, y)
    foreach = MCDDClassifier(
        optimizer_params={"foreach": True}, max_epochs=10, random_state=0
    ).fit(X, y)
    assert_array_equal(fused.predict(X_test), foreach.predict(X_test))
    assert_allclose(
        fused.decision_function(X_test), foreach.decision_function(X_test), rtol=1e-5
    )


# --------------------------------------------------------------------- GPU


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_fit_and_score_end_to_end():
    """On a GPU the network trains and scores there and returns NumPy outputs."""
    X, y = _blobs(400)
    X_test, y_test = _blobs(200, seed=4)
    clf = MCDDClassifier(max_epochs=10, device="cuda", random_state=0).fit(X, y)

    parameters = list(clf.net_.module_.parameters())
    assert all(parameter.device.type == "cuda" for parameter in parameters)
    scores = clf.decision_function(X_test)
    proba = clf.predict_proba(X_test)
    assert isinstance(scores, np.ndarray)
    assert scores.shape == (200,)
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    assert clf.score(X_test, y_test) > 0.9

    # Both fits start from the same weights and see the same batch order.
    # Only the rounding of the kernels differs between the devices.
    cpu = MCDDClassifier(max_epochs=10, random_state=0).fit(X, y)
    agreement = np.mean(clf.predict(X_test) == cpu.predict(X_test))
    assert agreement >= 0.99
