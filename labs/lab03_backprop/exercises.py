"""Lab 3: backpropagation by hand. Everything you write for this lab lives in this file.

Each layer is a ``torch.autograd.Function``: ``forward`` computes the layer,
``backward`` receives δ = ∂J/∂(output) and returns ∂J/∂(each input), one value per
input of ``forward`` (None where no gradient is needed). Your backward must not call
autograd: it is the notes' math, written with plain tensor operations.

Layout: a batch is a matrix with one example per ROW (Ma §4, eq. 4.4), so a
linear layer maps a (n, d) to z = a Wᵀ + b (n, m) with W (m, d) as in torch.
"""

import torch


def linear_forward(a: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Exercise 1: compute z = a Wᵀ + b for a batch of rows (Ma §4, eq. 4.4, in torch's (m, d) layout).

    Shape: a (n, d), W (m, d), b (m,) -> z (n, m).
    """
    # Hint: one matrix product and a broadcast addition
    raise NotImplementedError("Lab 3, exercise 1 (lab03.linear_forward): compute z = a Wᵀ + b for a batch of rows (Ma §4, eq. 4.4, in torch's (m, d) layout)")


class LinearFunction(torch.autograd.Function):
    """Exercise 2: write the linear layer's backward: ∂J/∂a, ∂J/∂W, ∂J/∂b from δ = ∂J/∂z (Ma §3, Claims 3.2 and 3.4).

    Shape: δ (n, m) -> ∂J/∂a (n, d), ∂J/∂W (m, d), ∂J/∂b (m,).
    """

    @staticmethod
    def forward(a: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a @ W.T + b

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        a, W, _ = inputs
        ctx.save_for_backward(a, W)

    @staticmethod
    def backward(ctx, delta: torch.Tensor):
        a, W = ctx.saved_tensors
        # Hint: each gradient has the shape of what it differentiates; sum δ over the examples for b
        raise NotImplementedError("Lab 3, exercise 2 (lab03.LinearFunction): write the linear layer's backward: ∂J/∂a, ∂J/∂W, ∂J/∂b from δ = ∂J/∂z (Ma §3, Claims 3.2 and 3.4)")


class ReLUFunction(torch.autograd.Function):
    """Exercise 3: write ReLU's backward: ∂J/∂z = ∂J/∂a ⊙ 1{z ≥ 0} (Ma §3, Claim 3.3, eq. 3.12).

    Shape: any; ∂J/∂z has the shape of z.
    """

    @staticmethod
    def forward(z: torch.Tensor) -> torch.Tensor:
        return z.clamp(min=0)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, delta: torch.Tensor):
        (z,) = ctx.saved_tensors
        # Hint: ReLU'(z) is 1 where z > 0 and 0 elsewhere (take 0 at the kink z = 0, as torch does)
        raise NotImplementedError("Lab 3, exercise 3 (lab03.ReLUFunction): write ReLU's backward: ∂J/∂z = ∂J/∂a ⊙ 1{z ≥ 0} (Ma §3, Claim 3.3, eq. 3.12)")


class SigmoidFunction(torch.autograd.Function):
    """Exercise 4: write the sigmoid's forward and backward: a = 1 / (1 + e^(−z)), ∂J/∂z = ∂J/∂a ⊙ a ⊙ (1 − a) (Ma §3, Claim 3.3, eq. 3.12).

    Shape: any; a and ∂J/∂z have the shape of z.
    """

    @staticmethod
    def forward(z: torch.Tensor) -> torch.Tensor:
        # Hint: torch.exp; for very negative z, e^(−z) overflows to inf and 1 / inf = 0, which is the right limit
        raise NotImplementedError("Lab 3, exercise 4 (lab03.SigmoidFunction): write the sigmoid's forward and backward: a = 1 / (1 + e^(−z)), ∂J/∂z = ∂J/∂a ⊙ a ⊙ (1 − a) (Ma §3, Claim 3.3, eq. 3.12)")

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(output)  # σ'(z) = σ(z)(1 − σ(z)) needs only the output a

    @staticmethod
    def backward(ctx, delta: torch.Tensor):
        (a,) = ctx.saved_tensors
        raise NotImplementedError("Lab 3, exercise 4 (lab03.SigmoidFunction): write the sigmoid's forward and backward: a = 1 / (1 + e^(−z)), ∂J/∂z = ∂J/∂a ⊙ a ⊙ (1 − a) (Ma §3, Claim 3.3, eq. 3.12)")


class SquaredLossFunction(torch.autograd.Function):
    """Exercise 5: write the mean squared loss J = (1/n) Σᵢ ½‖o⁽ⁱ⁾ − y⁽ⁱ⁾‖² and its backward ∂J/∂o = (o − y)/n (Ma eq. 3.4, eq. 3.16).

    Shape: o (n, k), y (n, k) -> J a scalar; backward: ∂J/∂o (n, k), None for y.
    """

    @staticmethod
    def forward(o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError('Lab 3, exercise 5 (lab03.SquaredLossFunction): write the mean squared loss J = (1/n) Σᵢ ½‖o⁽ⁱ⁾ − y⁽ⁱ⁾‖² and its backward ∂J/∂o = (o − y)/n (Ma eq. 3.4, eq. 3.16)')

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(*inputs)

    @staticmethod
    def backward(ctx, upstream: torch.Tensor):
        o, y = ctx.saved_tensors
        # Hint: upstream is ∂(whatever comes after)/∂J, a scalar (1 when J is the loss itself); y gets no gradient
        raise NotImplementedError('Lab 3, exercise 5 (lab03.SquaredLossFunction): write the mean squared loss J = (1/n) Σᵢ ½‖o⁽ⁱ⁾ − y⁽ⁱ⁾‖² and its backward ∂J/∂o = (o − y)/n (Ma eq. 3.4, eq. 3.16)')


class LogisticLossFunction(torch.autograd.Function):
    """Exercise 6: write the logistic loss on logits z and its backward ∂J/∂z = (σ(z) − y)/n (Ng & Katanforoosh eq. 3.9 and §3.2).

    J = (1/n) Σᵢ −[y log σ(z) + (1 − y) log(1 − σ(z))], written stably as
    (1/n) Σᵢ [log(1 + e^(−|z|)) + max(z, 0) − y z].
    Shape: z (n, 1), y (n, 1) with entries in [0, 1] -> J a scalar; backward: ∂J/∂z (n, 1), None for y.
    """

    @staticmethod
    def forward(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        # Hint: the stable form never takes log(0) nor exp of a large positive number
        raise NotImplementedError('Lab 3, exercise 6 (lab03.LogisticLossFunction): write the logistic loss on logits z and its backward ∂J/∂z = (σ(z) − y)/n (Ng & Katanforoosh eq. 3.9 and §3.2)')

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(*inputs)

    @staticmethod
    def backward(ctx, upstream: torch.Tensor):
        z, y = ctx.saved_tensors
        raise NotImplementedError('Lab 3, exercise 6 (lab03.LogisticLossFunction): write the logistic loss on logits z and its backward ∂J/∂z = (σ(z) − y)/n (Ng & Katanforoosh eq. 3.9 and §3.2)')
