"""The base of every cs229nn module: one set of parameters, two backward passes."""

import math
from typing import Dict, Optional

import torch

from cs229nn.mode import check_mode, current_mode


class TwinModule(torch.nn.Module):
    """A module that computes the same function in two modes.

    * ``"manual"``: through a :mod:`cs229nn.functional` Function whose backward
      is written by hand from the notes;
    * ``"autograd"``: through plain torch ops, differentiated by torch.

    Subclasses implement ``forward_manual`` and ``forward_autograd`` with the same
    signature; ``forward`` picks one. The mode of an enclosing
    :func:`cs229nn.backprop_mode` block wins over the module's own ``mode``.
    """

    def __init__(self, mode: str = "manual") -> None:
        super().__init__()
        self.mode = mode

    @property
    def mode(self) -> str:
        """"manual" or "autograd"; assigning anything else raises ``ValueError`` (a typo must not switch modes)."""
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        self._mode = check_mode(mode)

    @property
    def effective_mode(self) -> str:
        return current_mode() or self.mode

    def forward(self, *args, **kwargs):
        if self.effective_mode == "manual":
            return self.forward_manual(*args, **kwargs)
        return self.forward_autograd(*args, **kwargs)

    def forward_manual(self, *args, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError

    def forward_autograd(self, *args, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError

    def notation(self) -> Dict[str, str]:
        """Parameter name -> the notes' symbol (e.g. ``{"weight": "W^[2]"}``); used in reports."""
        return {}

    def extra_repr(self) -> str:
        return f"mode={self.mode!r}"


def reset_like_torch(weight: torch.Tensor, bias: Optional[torch.Tensor]) -> None:
    """torch.nn.Linear's and Conv2d's default: W and b uniform on ±1/√fan_in (kaiming_uniform_ with a = √5).

    So a cs229nn layer and its torch counterpart start equal under the same seed.
    """
    torch.nn.init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = weight[0].numel()  # inputs feeding one output: d, or C_in·k_H·k_W
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        torch.nn.init.uniform_(bias, -bound, bound)


def notes_names(model: torch.nn.Module) -> Dict[str, str]:
    """Map every parameter's qualified name in ``model`` to its notes symbol, if it has one."""
    names: Dict[str, str] = {}
    for prefix, module in model.named_modules():
        if isinstance(module, TwinModule):
            for local, symbol in module.notation().items():
                names[f"{prefix}.{local}" if prefix else local] = symbol
    return names
