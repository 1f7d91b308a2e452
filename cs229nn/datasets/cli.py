"""``cs229nn data``: list, verify, render and preview the datasets.

    cs229nn data list                 names, sizes, provenance; renders nothing
    cs229nn data verify [NAME ...]    sha256 of every file against the manifest (exit 1 on a mismatch)
    cs229nn data render [--force]     render the soccer-ball images (--force overwrites modified files)
    cs229nn data show NAME [--out P]  print the splits and write a preview PNG

Every subcommand takes ``--root`` (default ``$CS229NN_DATA`` or the checkout's ``datasets/``),
which must be an existing folder (``render`` creates it). A mistake in the arguments is a
:class:`~cs229nn.usage.UsageError` (exit 2); a missing or modified data file exits with 1.
"""

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from cs229nn.datasets.checksums import ChecksumError
from cs229nn.datasets.paths import resolve_root
from cs229nn.datasets.registry import NAMES, SOCCER, TABULAR, check_dataset_name, verify
from cs229nn.usage import ArgumentParser, UsageError, data_root, output_file, output_folder


def soccer_status(root: Path) -> str:
    """A line about the soccer set that renders nothing."""
    from cs229nn.datasets.soccer import SPLITS

    sizes = "/".join(str(n) for n in SPLITS.values())
    state = f"rendered in {root / SOCCER}" if (root / SOCCER).exists() else "not rendered yet: run `cs229nn data render`"
    return f"{sizes} images ({'/'.join(SPLITS)}), 64×64 RGB, ball or no ball, rendered from a seed; {state}"


def cmd_list(args: argparse.Namespace) -> int:
    for name, cls in TABULAR.items():
        provenance = args.root / Path(cls.RELPATH).parent / "PROVENANCE.md"
        print(f"{name:9} {cls.SUMMARY}")
        print(f"{'':9} file {args.root / cls.RELPATH}; provenance {provenance}")
    print(f"{SOCCER:9} {soccer_status(args.root)}")
    print(f"{'':9} code cs229nn/datasets/soccer_render.py (procedural, no external source)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    failed = 0
    names = args.names or NAMES
    for name in names:
        if name == SOCCER and not (args.root / SOCCER).exists():
            print(f"{name:9} not rendered yet, nothing to verify; render it with: cs229nn data render")
            continue
        try:
            verify(name, args.root)
        except ChecksumError as err:
            failed += 1
            print(f"{name:9} FAILED: {err}")
        else:
            print(f"{name:9} ok")
    return 1 if failed else 0


def cmd_render(args: argparse.Namespace) -> int:
    from cs229nn.datasets.soccer import render_soccer

    print(f"soccer balls rendered in {render_soccer(args.root, force=args.force, progress=not args.quiet)}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    out = args.out
    if args.name == SOCCER:
        from cs229nn.datasets.soccer import preview_soccer

        print(f"preview written to {preview_soccer(args.root, out)}")
        return 0
    from cs229nn.datasets.preview import preview_tabular

    cls = TABULAR[args.name]
    for split in ("train", "test"):
        print(cls(args.root, split))
    print(f"preview written to {preview_tabular(cls, out, args.root)}")
    return 0


def dataset_name(text: str) -> str:
    """argparse type of a dataset NAME; the message lists the valid names."""
    try:
        return check_dataset_name(text)
    except ValueError as err:
        raise UsageError(str(err)) from None


def png_path(args: argparse.Namespace) -> Path:
    """``--out`` of ``show`` (default out/data/NAME.png), checked before anything is drawn."""
    out = output_file(args.out or Path("out") / "data" / f"{args.name}.png", example=f"{args.name}.png")
    if out.suffix.lower() != ".png":
        raise UsageError(f"--out {out}: the preview is a PNG; give a path ending in .png")
    return out


def build_parser() -> argparse.ArgumentParser:
    common = ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=None, help="datasets folder (default: $CS229NN_DATA or datasets/)")
    parser = ArgumentParser(prog="cs229nn data", description="List, verify, render and preview the datasets.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", parents=[common], help="names, sizes and provenance (renders nothing)").set_defaults(run=cmd_list)
    verify_parser = sub.add_parser("verify", parents=[common], help="check every file's sha256 against the manifest")
    verify_parser.add_argument("names", nargs="*", type=dataset_name, metavar="NAME", help=f"any of {', '.join(NAMES)}; default all")
    verify_parser.set_defaults(run=cmd_verify)
    render = sub.add_parser("render", parents=[common], help="render the soccer-ball images")
    render.add_argument("--force", action="store_true", help="render again and overwrite files that differ from the manifest")
    render.add_argument("--quiet", action="store_true", help="no progress bar")
    render.set_defaults(run=cmd_render)
    show = sub.add_parser("show", parents=[common], help="print a dataset's splits and write a preview PNG")
    show.add_argument("name", type=dataset_name, metavar="NAME", help=f"one of {', '.join(NAMES)}")
    show.add_argument("--out", type=Path, default=None, help="PNG path (default out/data/NAME.png)")
    show.set_defaults(run=cmd_show)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    # Check every path before any work: render may create its root, the others read an existing one.
    if args.command == "render":
        args.root = output_folder(resolve_root(args.root), "--root")
    else:
        args.root = data_root(args.root)
    if args.command == "show":
        args.out = png_path(args)
    try:
        return args.run(args)
    except FileExistsError as err:  # render without --force over modified files; cs229nn.cli reports data errors
        print(f"cs229nn data: error: {err}", file=sys.stderr)
        return 1
