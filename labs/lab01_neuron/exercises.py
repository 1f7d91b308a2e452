"""Lab 1: a single neuron. Everything you write for this lab lives in this file.

All functions take and return tensors. x holds one feature per house, shape (n,);
w and b are scalars (0-dimensional tensors).
"""

import torch


def neuron(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Exercise 1: compute h(x) = ReLU(w x + b) = max(w x + b, 0) for every house (Ma §2, eq. 2.1).

    Shape: x (n,), w (), b () -> h (n,).
    """
    # Hint: torch.clamp(..., min=0) is max(·, 0) element-wise
    raise NotImplementedError('Lab 1, exercise 1 (lab01.neuron): compute h(x) = ReLU(w x + b) = max(w x + b, 0) for every house (Ma §2, eq. 2.1)')


def squared_loss(h: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Exercise 2: compute the mean squared loss J = (1/n) Σᵢ ½ (h⁽ⁱ⁾ − y⁽ⁱ⁾)² (Ma §1, eq. 1.1 and 1.2).

    Shape: h (n,), y (n,) -> J ().
    """
    raise NotImplementedError('Lab 1, exercise 2 (lab01.squared_loss): compute the mean squared loss J = (1/n) Σᵢ ½ (h⁽ⁱ⁾ − y⁽ⁱ⁾)² (Ma §1, eq. 1.1 and 1.2)')


def neuron_gradients(x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor):
    """Exercise 3: compute ∂J/∂w and ∂J/∂b of the mean squared loss of the neuron, by the chain rule (Ma §3, eq. 3.3).

    With z = w x + b and h = ReLU(z): ∂J/∂z⁽ⁱ⁾ = (1/n)(h⁽ⁱ⁾ − y⁽ⁱ⁾) 1{z⁽ⁱ⁾ > 0},
    then ∂J/∂w = Σᵢ ∂J/∂z⁽ⁱ⁾ x⁽ⁱ⁾ and ∂J/∂b = Σᵢ ∂J/∂z⁽ⁱ⁾.
    Shape: x (n,), y (n,), w (), b () -> (∂J/∂w (), ∂J/∂b ()). Do not use autograd.
    """
    # Hint: a house whose z is ≤ 0 sits on the flat side of the kink: it contributes nothing
    raise NotImplementedError('Lab 1, exercise 3 (lab01.neuron_gradients): compute ∂J/∂w and ∂J/∂b of the mean squared loss of the neuron, by the chain rule (Ma §3, eq. 3.3)')


def kink_in_original_units(w: torch.Tensor, b: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """Exercise 4: find where the kink is, in the units of the raw feature, for a neuron fit on standardized x (Ma §2, eq. 2.1).

    The neuron sees x_s = (x − mean) / std; its kink is where w x_s + b = 0.
    Shape: all () -> the kink's x ().
    """
    raise NotImplementedError('Lab 1, exercise 4 (lab01.kink_in_original_units): find where the kink is, in the units of the raw feature, for a neuron fit on standardized x (Ma §2, eq. 2.1)')
