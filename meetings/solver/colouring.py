"""Bipartite edge colouring with ``max degree`` colours (König) by Kempe chains."""

from __future__ import annotations

from collections.abc import Sequence


def edge_colouring(
    edges: Sequence[tuple[int, int]], n_left: int, n_right: int, colours: int
) -> list[int]:
    """Colour bipartite ``edges`` (left, right) so that no vertex sees a colour twice.

    Requires every degree to be at most ``colours``. Each edge is coloured
    directly or after swapping an alternating two-colour path: O(E·V) overall.
    """
    left = [[-1] * colours for _ in range(n_left)]
    right = [[-1] * colours for _ in range(n_right)]
    colour = [-1] * len(edges)
    for e, (u, v) in enumerate(edges):
        lu, rv = left[u], right[v]
        alpha = beta = -1
        for k in range(colours):
            free_u, free_v = lu[k] < 0, rv[k] < 0
            if free_u and free_v:
                alpha = beta = k
                break
            if free_u and alpha < 0:
                alpha = k
            if free_v and beta < 0:
                beta = k
        if alpha < 0 or beta < 0:
            raise ValueError(f"degree above {colours} at edge {e}")
        if alpha != beta:
            _swap_path(edges, colour, left, right, v, alpha, beta)
        lu[alpha] = e
        rv[alpha] = e
        colour[e] = alpha
    return colour


def _swap_path(edges, colour, left, right, start, alpha, beta) -> None:
    """Swap ``alpha``/``beta`` on the alternating path leaving right vertex ``start``."""
    path = []
    side, vertex, k = right, start, alpha
    while True:
        e = side[vertex][k]
        if e < 0:
            break
        path.append(e)
        u, v = edges[e]
        if side is right:
            side, vertex = left, u
        else:
            side, vertex = right, v
        k = beta if k == alpha else alpha
    for e in path:
        u, v = edges[e]
        if left[u][colour[e]] == e:
            left[u][colour[e]] = -1
        if right[v][colour[e]] == e:
            right[v][colour[e]] = -1
    for e in path:
        u, v = edges[e]
        new = beta if colour[e] == alpha else alpha
        colour[e] = new
        left[u][new] = e
        right[v][new] = e
