"""Lab 7: vowels from two formants. Everything you write for this lab lives in this file."""

import torch


def softmax_cross_entropy(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Exercise 1: compute J = (1/n) Σ_i −log softmax(z^(i))_{y^(i)} without overflow (backprop notes §1, cross-entropy loss).

    Shape: logits z (n, K), class indices y (n,) long -> J, a 0-dim tensor.
    softmax(z)_j = exp(z_j) / Σ_l exp(z_l), so −log softmax(z)_y = log Σ_l exp(z_l) − z_y.
    """
    # Hint: subtract each row's max before exp: log Σ exp(z) = m + log Σ exp(z − m) keeps exp ≤ 1
    raise NotImplementedError('Lab 7, exercise 1 (lab07.softmax_cross_entropy): compute J = (1/n) Σ_i −log softmax(z^(i))_{y^(i)} without overflow (backprop notes §1, cross-entropy loss)')


class SoftmaxCrossEntropyFunction(torch.autograd.Function):
    """Exercise 2: write the backward of J: δ = ∂J/∂z = (softmax(z) − onehot(y)) / n (backprop notes §2, step 1, computed directly for softmax).

    Forward (given): J = (1/n) Σ_i −log softmax(z^(i))_{y^(i)}, a 0-dim tensor.
    Backward: the upstream gradient ∂(whatever follows)/∂J is a 0-dim tensor; return
    one value per input of forward: ∂/∂z (n, K) and None for the integer labels y.
    """

    @staticmethod
    def forward(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return (torch.logsumexp(z, dim=1) - z.gather(1, y.view(-1, 1)).squeeze(1)).mean()

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        z, y = inputs
        ctx.save_for_backward(z, y)

    @staticmethod
    def backward(ctx, upstream: torch.Tensor):
        z, y = ctx.saved_tensors
        # Hint: softmax(z) row by row, then subtract 1 in each row's column y^(i); divide by n for the mean
        raise NotImplementedError('Lab 7, exercise 2 (lab07.SoftmaxCrossEntropyFunction): write the backward of J: δ = ∂J/∂z = (softmax(z) − onehot(y)) / n (backprop notes §2, step 1, computed directly for softmax)')


def accuracy(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Exercise 3: the fraction of rows whose largest logit is at the true class (the slides' K-class output).

    Shape: z (n, K), y (n,) long -> a 0-dim floating tensor in [0, 1], in z's dtype.
    """
    raise NotImplementedError("Lab 7, exercise 3 (lab07.accuracy): the fraction of rows whose largest logit is at the true class (the slides' K-class output)")


def lobanov(x: torch.Tensor, speakers: torch.Tensor) -> torch.Tensor:
    """Exercise 4: z-score every column of x within each speaker: (x − μ_s) / σ_s over speaker s's rows (Lobanov normalization).

    Shape: x (n, d) formants, speakers (n,) speaker numbers -> (n, d).
    σ_s is the population standard deviation (divide by the speaker's row count, not count − 1).
    Only speaker s's own rows enter μ_s and σ_s: no labels, no other speaker.
    """
    # Hint: loop over speakers.unique(); a boolean mask selects one speaker's rows
    raise NotImplementedError("Lab 7, exercise 4 (lab07.lobanov): z-score every column of x within each speaker: (x − μ_s) / σ_s over speaker s's rows (Lobanov normalization)")
