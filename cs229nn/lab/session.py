"""What a running lab needs from its surroundings: quick mode, where figures go, its key results.

* ``CS229NN_QUICK=1`` (tests, CI) asks every lab for a small, fast version.
* Figures and results go under ``$CS229NN_OUT/labNN/`` (default ``out/labNN/``).
* ``record_results`` writes ``results.json`` there: the main job prints its table
  from it, and the tests assert the key results from it.
"""

import json
import os
from pathlib import Path
from typing import Any

from cs229nn.device import device


def quick() -> bool:
    """True when ``$CS229NN_QUICK`` is set to 1: use fewer epochs and smaller data."""
    return os.environ.get("CS229NN_QUICK", "0") == "1"


def output_dir(lab: int) -> Path:
    """``$CS229NN_OUT/labNN`` (default ``out/labNN``), created if needed."""
    folder = Path(os.environ.get("CS229NN_OUT", "out")) / f"lab{lab:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def record_results(lab: int, summary: str, **values: Any) -> Path:
    """Write the lab's key result (``summary``, one line for the main job's table) and its numbers.

    ``device`` defaults to :func:`cs229nn.device`, where the lab ran; pass it to say otherwise.
    """
    values.setdefault("device", str(device()))
    path = output_dir(lab) / "results.json"
    path.write_text(json.dumps({"lab": lab, "summary": summary, "quick": quick(), **values}, indent=1, default=float) + "\n")
    print(f"results written to {path}")
    return path
