"""Counting parameters: the numbers behind the notes' "3d + 14" (Ng §3.1) and parameter sharing (Ng §3.3.2)."""

from typing import Iterable, Sequence, Union

import torch


def count_parameters(model: Union[torch.nn.Module, Iterable[torch.Tensor]], trainable_only: bool = True) -> int:
    """The number of scalar parameters of a module (or of an iterable of tensors).

    >>> count_parameters(torch.nn.Linear(12288, 1))   # one unit on a 64×64×3 image
    12289
    """
    params = model.parameters() if isinstance(model, torch.nn.Module) else model
    return sum(p.numel() for p in params if p.requires_grad or not trainable_only)


def mlp_parameter_count(sizes: Sequence[int], bias: bool = True) -> int:
    """Σ_ℓ (m_{ℓ−1} + 1) m_ℓ for layer sizes (d, m_1, …, k) (Ma §2: W^[ℓ] ∈ R^{m_ℓ×m_{ℓ−1}}, b^[ℓ] ∈ R^{m_ℓ})."""
    return sum((m_in + int(bias)) * m_out for m_in, m_out in zip(sizes[:-1], sizes[1:]))
