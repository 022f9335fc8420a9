"""Progress output of a verbose fit, built from skorch callbacks.

With ``verbose >= 1`` skorch's ``PrintLog`` prints one row per epoch, and the
callbacks here add the pull and push terms of the loss to that row. With
``verbose >= 2`` skorch's ``ProgressBar`` (which uses tqdm) also shows the
batches of the running epoch.
"""

import torch
from skorch.callbacks import Callback, PassthroughScoring, ProgressBar

from .loss import mcdd_loss_terms

# Level of ``verbose`` from which a progress bar over the batches is shown.
PROGRESS_BAR_VERBOSITY = 2


class LossTermsRecorder(Callback):
    """Record the pull and push terms of the Deep-MCDD loss for each batch.

    The batch history gets ``train_pull`` and ``train_push`` for training
    batches and ``valid_pull`` and ``valid_push`` for validation batches.
    ``PassthroughScoring`` callbacks then average them per epoch. The terms
    are computed again from the batch output without gradients, which costs
    one gather and one cross-entropy per batch. The estimator adds this
    callback only when ``verbose`` is set, so silent fits do not pay for it.
    """

    def on_batch_end(self, net, batch=None, training=None, y_pred=None, **kwargs):
        if y_pred is None or batch is None:
            return
        _, yi = batch
        if yi is None:
            return

        distances, logits = y_pred
        yi = yi.to(distances.device)
        # Known OOD rows (outlier exposure) carry a negative target and belong
        # to neither term, so only the ID rows of the batch are counted.
        is_id = yi >= 0
        if not bool(is_id.any()):
            return
        with torch.no_grad():
            pull, push = mcdd_loss_terms(
                distances.detach()[is_id], logits.detach()[is_id], yi[is_id]
            )
        prefix = "train" if training else "valid"
        net.history.record_batch(f"{prefix}_pull", pull.item())
        net.history.record_batch(f"{prefix}_push", push.item())


def progress_callbacks(verbose):
    """Return the named skorch callbacks that print progress at this ``verbose`` level.

    Parameters
    ----------
    verbose : int
        0 returns no callbacks. 1 or more records the pull and push terms
        and averages them per epoch, so that ``PrintLog`` shows them as
        columns. 2 or more adds skorch's ``ProgressBar``.

    Returns
    -------
    callbacks : list of (str, skorch.callbacks.Callback)
    """
    if not verbose:
        return []

    callbacks = [("loss_terms", LossTermsRecorder())]
    for name in ("train_pull", "train_push"):
        callbacks.append((name, PassthroughScoring(name=name, on_train=True)))
    for name in ("valid_pull", "valid_push"):
        callbacks.append((name, PassthroughScoring(name=name)))
    if verbose >= PROGRESS_BAR_VERBOSITY:
        postfix_keys = ["train_loss", "train_pull", "train_push"]
        callbacks.append(("progress_bar", ProgressBar(postfix_keys=postfix_keys)))
    return callbacks
