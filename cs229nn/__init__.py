"""cs229nn: the CS229 deep-learning notes in PyTorch, every layer twice.

Each layer exists as a *manual* ``torch.autograd.Function`` whose ``backward`` is
the notes' math written by hand (Ma Claims 3.2–3.4, Algorithm 4) and as an
``nn.Module`` that runs in ``mode="manual"`` or ``mode="autograd"`` with the
same parameters, so the two can be compared 1:1.

>>> import cs229nn
>>> model = cs229nn.nn.MLP([3, 4, 1])           # manual backward by default
>>> with cs229nn.backprop_mode("autograd"):     # the same model, torch's backward
...     _ = model(torch.randn(2, 3))
"""

from cs229nn.device import device
from cs229nn.mode import MODES, backprop_mode, current_mode, set_mode
from cs229nn import functional, nn  # noqa: E402  (submodules rely on the names above)
from cs229nn import backprop, init, optim, sampling, train  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "MODES",
    "backprop",
    "init",
    "optim",
    "sampling",
    "train",
    "backprop_mode",
    "current_mode",
    "device",
    "functional",
    "nn",
    "set_mode",
]
