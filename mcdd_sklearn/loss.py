"""The Deep-MCDD training loss."""

from torch import nn
from torch.nn import functional as F

__all__ = ["MCDDLoss", "mcdd_loss_terms"]


def mcdd_loss_terms(distances, logits, y):
    """Compute the two terms of the Deep-MCDD loss, each averaged over the batch.

    Parameters
    ----------
    distances : torch.Tensor of shape (n_samples, n_classes)
        Class distances D_k(x).
    logits : torch.Tensor of shape (n_samples, n_classes)
        Class logits -D_k(x) + b_k.
    y : torch.Tensor of shape (n_samples,)
        Class indices in ``[0, n_classes)``.

    Returns
    -------
    pull : torch.Tensor
        mean(D_y(x)), the distance of each sample to its own class center.
    push : torch.Tensor
        Cross-entropy of the logits against y, which pushes samples away from
        the other classes.
    """
    y = y.long()
    pull = distances.gather(1, y.unsqueeze(1)).mean()
    push = F.cross_entropy(logits, y)
    return pull, push


class MCDDLoss(nn.Module):
    """Deep-MCDD loss: ``reg_lambda * mean(D_y(x)) + cross_entropy(-D(x) + b, y)``.

    The module takes the ``(distances, logits)`` tuple that
    :class:`~mcdd_sklearn.modules.MCDDModule` returns, so it plugs into skorch
    as the criterion.

    Parameters
    ----------
    reg_lambda : float, default=1.0
        Weight of the pull term that draws each sample to its class center.
    """

    def __init__(self, reg_lambda=1.0):
        super().__init__()
        self.reg_lambda = reg_lambda

    def forward(self, y_pred, y_true):
        distances, logits = y_pred
        pull, push = mcdd_loss_terms(distances, logits, y_true)
        return self.reg_lambda * pull + push
