"""The heatmap losses of the C++ trainer (src/model/losses.h, docs/MODEL.md).

LOSSES has the names of the C++ loss table, in its order (checked by
LossesTest.PythonPackageHasEveryLossOfTheTable in src/model/losses_test.cc).
"""

import torch
from torch.nn import functional as F

FOCAL_ALPHA = 2.0
FOCAL_BETA = 4.0
PEAK_TOLERANCE = 1e-4   # y >= 1 - this is a positive
PEAK_FLOOR = 0.05       # or a 3x3 maximum at least this high
DICE_EPSILON = 1.0
HYBRID_DICE_WEIGHT = 1.0


def focal_positives(target):
    window_max = F.max_pool2d(target, 3, stride=1, padding=1)
    top = (target >= 1.0 - PEAK_TOLERANCE) | ((target == window_max) & (target >= PEAK_FLOOR))
    return top.to(target.dtype)


def focal_loss(logits, target):
    """Penalty-reduced pixel-wise focal loss (CornerNet, CenterNet), alpha 2, beta 4."""
    y = target.to(logits.dtype)
    p = torch.sigmoid(logits)
    pos = focal_positives(y.detach())
    pos_term = (1 - p).pow(FOCAL_ALPHA) * F.logsigmoid(logits) * pos
    neg_term = (1 - y).pow(FOCAL_BETA) * p.pow(FOCAL_ALPHA) * F.logsigmoid(-logits) * (1 - pos)
    return -(pos_term.sum() + neg_term.sum()) / pos.sum().clamp_min(1.0)


def dice_loss(logits, target):
    y = target.to(logits.dtype)
    p = torch.sigmoid(logits)
    return 1 - (2 * (p * y).sum() + DICE_EPSILON) / (p.sum() + y.sum() + DICE_EPSILON)


def hybrid_loss(logits, target):
    return focal_loss(logits, target) + HYBRID_DICE_WEIGHT * dice_loss(logits, target)


def sigmoid_mse_loss(logits, target):
    """Mean squared error between sigmoid(logits) and the target (baseline)."""
    return F.mse_loss(torch.sigmoid(logits), target.to(logits.dtype))


def bce_with_logits_loss(logits, target):
    """Mean binary cross-entropy with logits against the soft target (baseline)."""
    return F.binary_cross_entropy_with_logits(logits, target.to(logits.dtype))


LOSSES = {"focal": focal_loss, "hybrid": hybrid_loss, "mse": sigmoid_mse_loss, "bce": bce_with_logits_loss}
