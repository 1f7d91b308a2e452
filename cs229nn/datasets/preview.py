"""Preview PNGs of the tabular datasets: the picture a student should have in mind."""

from pathlib import Path
from typing import Optional, Type, Union

import numpy as np
from matplotlib.figure import Figure

from cs229nn.datasets.housing import HousingDataset
from cs229nn.datasets.tabular import TabularDataset
from cs229nn.datasets.vowels import Vowels
from cs229nn.plot import figure, save  # no pyplot: no global state, no GUI backend


def preview_tabular(
    cls: Type[TabularDataset], path: Union[str, Path], root: Optional[Union[str, Path]] = None
) -> Path:
    """Write a PNG of dataset ``cls``, train split as dots, test split as crosses; returns its path.

    Vowels: the F1–F2 chart, one colour per vowel (the slides' two-formant example).
    Housing: the target against each default feature (for Portland's area, the notes' Figure 1).
    """
    path = Path(path)
    if issubclass(cls, Vowels):
        fig = _vowel_chart(Vowels(root, "train", ("f1", "f2")), Vowels(root, "test", ("f1", "f2")))
    else:
        fig = _scatter_against_target(cls(root, "train"), cls(root, "test"))
    save(fig, path)
    return path


def _vowel_chart(train: Vowels, test: Vowels) -> Figure:
    fig, axes = figure(size=(7, 6))
    ax = axes[0, 0]
    for k, vowel in enumerate(train.classes):
        colour = f"C{k}"
        for split, marker in ((train, "o"), (test, "x")):
            x = split.data[split.targets == k].numpy()
            ax.scatter(x[:, 0], x[:, 1], s=10, c=colour, marker=marker, label=vowel if split is train else None)
    ax.set(xlabel="F1 (Hz)", ylabel="F2 (Hz)", title="Peterson & Barney vowels: train (o), test speakers (x)")
    ax.legend(ncol=2, fontsize="small")
    return fig


def _scatter_against_target(train: HousingDataset, test: HousingDataset) -> Figure:
    d = len(train.feature_names)
    cols = min(d, 4)
    rows = int(np.ceil(d / cols))
    fig, axes = figure(rows, cols, size=(3.2, 2.8))
    axes = axes.ravel()
    target = ", ".join(train.target_names)
    for j, (ax, name) in enumerate(zip(axes, train.feature_names)):
        ax.scatter(train.data[:, j], train.targets[:, 0], s=6, alpha=0.6, label="train")
        ax.scatter(test.data[:, j], test.targets[:, 0], s=10, marker="x", label="test")
        ax.set(xlabel=name, ylabel=target)
    for ax in axes[d:]:
        ax.set_visible(False)
    axes[0].legend(fontsize="small")
    fig.suptitle(f"{type(train).__name__}: {target} against each feature")
    return fig
