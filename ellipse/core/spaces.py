"""What the blocks other apps add to the company and buyer spaces depend on.

The spaces' templates include blocks of apps above companies/ and buyers/ (the invitation with
its agenda, the trainings): their views cannot import them. Each such app registers, in its
``AppConfig.ready``, a function answering the version (stamps, the day…) its block is cached
under; a space that caches its whole content keys it on :func:`space_blocks_version` too, so a
change any block would show moves the page on."""

from __future__ import annotations

from collections.abc import Callable

SPACES = ("company", "buyer")

_versions: dict[str, list[Callable[[], str]]] = {space: [] for space in SPACES}


def register_space_block(version: Callable[[], str], *, spaces: tuple[str, ...] = SPACES) -> None:
    """Called once by the app owning a block, with its version function and the spaces that
    show the block."""
    for space in spaces:
        if version not in _versions[space]:
            _versions[space].append(version)


def space_blocks_version(space: str) -> str:
    """The versions of the blocks of ``space`` (``"company"`` or ``"buyer"``), as one string."""
    return ":".join(version() for version in _versions[space])
