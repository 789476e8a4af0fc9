"""FitNets hint loss (Romero et al., "FitNets: Hints for Thin Deep Nets", ICLR 2015), written from the paper.

Eq. (3):
    L_HT(W_Guided, W_r) = ½ ‖ u_h(x; W_Hint) − r(v_g(x; W_Guided); W_r) ‖²
u_h is the teacher's hint layer, v_g the student's guided layer and r the regressor (a convolution when both are
feature maps, §2.2) that maps the guided layer onto the hint's shape. This function takes r(v_g(x)) already computed:
the regressor is a trainable connector owned by the loss, not part of the math.

The squared norm is over one sample's whole hint (H × W × C for a feature map); the loss is averaged over the batch.
Libraries that use a mean squared error instead (mean over every element, no ½) differ by the constant factor
½ · H·W·C, which a loss weight absorbs.
"""

import numpy as np


def fitnets_hint_loss(regressed_student, teacher_hint):
    """½ ‖u_h − r(v_g)‖² per sample (summed over all non-batch axes), mean over the batch."""
    assert regressed_student.shape == teacher_hint.shape, 'the regressed guided layer must have the hint shape'
    batch = teacher_hint.shape[0]
    per_sample = [0.5 * np.sum((teacher_hint[b] - regressed_student[b]) ** 2) for b in range(batch)]
    return float(np.mean(per_sample))
