"""The Deep-MCDD loss with an outlier-exposure term for rows labelled OOD."""

from torch import nn
from torch.nn import functional as F

from .loss import mcdd_loss_terms
from .thresholds import OOD_TARGET

__all__ = ["OutlierExposureLoss"]

# Added to distances before the logarithm, because D_k(x) can be exactly 0
# (the distance layer clamps rounding errors to 0).
LOG_FLOOR = 1e-12


class OutlierExposureLoss(nn.Module):
    """Deep-MCDD loss on ID rows plus a hinge that pushes OOD rows from every class.

    For a batch with ID rows I (class indices y >= 0) and OOD rows O (target
    ``OOD_TARGET``), the loss is

    .. math::

        \\lambda \\, \\overline{D_y(x)}_{I} + \\mathrm{CE}_{I}
        + \\gamma \\, \\overline{\\max(0, \\log m - \\log \\min_k D_k(x))}_{O},

    where the bars are means over the rows of I or O, and a mean over no
    rows counts as 0. The margin m is ``margin_factor`` times the largest
    distance ``D_y(x)`` of an ID row of the batch to its own class, taken
    without gradient. Because m follows the ID rows, the OOD rows are pushed
    beyond them whatever the scale of the latent space. A batch without ID rows takes
    the margin of the previous batch.

    The hinge compares logarithms. A hinge on the distances themselves
    pushes with a constant gradient, and the latent space can then grow
    without bound, because the ID distances and so the margin grow with
    it. On segmentation with reg_lambda=0.01 the distances reached 1e10.
    With the logarithm the push fades as 1 / D.

    Parameters
    ----------
    reg_lambda : float, default=1.0
        Weight lambda of the pull term.
    outlier_weight : float, default=1.0
        Weight gamma of the outlier-exposure hinge.
    margin_factor : float, default=2.0
        Ratio of the margin m to the largest ID distance of the batch.
    """

    def __init__(self, reg_lambda=1.0, outlier_weight=1.0, margin_factor=2.0):
        super().__init__()
        self.reg_lambda = reg_lambda
        self.outlier_weight = outlier_weight
        self.margin_factor = margin_factor
        self._margin = None

    def forward(self, y_pred, y_true):
        distances, logits = y_pred
        y_true = y_true.long()
        is_ood = y_true == OOD_TARGET
        loss = distances.new_zeros(())

        if not is_ood.all():
            is_id = ~is_ood
            id_targets = y_true[is_id]
            pull, push = mcdd_loss_terms(distances[is_id], logits[is_id], id_targets)
            loss = loss + self.reg_lambda * pull + push
            own_distances = distances[is_id].gather(1, id_targets.unsqueeze(1))
            self._margin = self.margin_factor * own_distances.detach().max()

        if is_ood.any() and self._margin is not None:
            nearest = distances[is_ood].min(dim=1).values
            log_gap = (self._margin + LOG_FLOOR).log() - (nearest + LOG_FLOOR).log()
            loss = loss + self.outlier_weight * F.relu(log_gap).mean()
        return loss

    def extra_repr(self):
        return (
            f"reg_lambda={self.reg_lambda}, outlier_weight={self.outlier_weight}, "
            f"margin_factor={self.margin_factor}"
        )
