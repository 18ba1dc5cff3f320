"""Mutable slot grid of placed meetings, with Kempe-chain repair."""

from __future__ import annotations

from .problem import Problem, bits


class Schedule:
    """Meetings placed so far: ``slot_of[pair]`` plus per-party slot grids."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        n = problem.slots
        self.slot_of: dict[int, int] = {}
        self.at_b = [[-1] * n for _ in problem.buyers]
        self.at_c = [[-1] * n for _ in problem.companies]
        self.load_b = [0] * len(problem.buyers)
        self.load_c = [0] * len(problem.companies)
        self.busy_b = [0] * len(problem.buyers)
        self.busy_c = [0] * len(problem.companies)
        self.common = [
            problem.buyers[p.buyer].avail & problem.companies[p.company].avail
            for p in problem.pairs
        ]
        self.locked = set(problem.locks)
        for pair, slot in problem.locks.items():
            self.place(pair, slot)

    def place(self, pair: int, slot: int) -> None:
        """Put ``pair`` in ``slot`` (the caller checked it is free)."""
        p = self.problem.pairs[pair]
        self.slot_of[pair] = slot
        self.at_b[p.buyer][slot] = pair
        self.at_c[p.company][slot] = pair
        self.busy_b[p.buyer] |= 1 << slot
        self.busy_c[p.company] |= 1 << slot
        self.load_b[p.buyer] += 1
        self.load_c[p.company] += 1

    def remove(self, pair: int) -> None:
        """Take ``pair`` out of the schedule."""
        p = self.problem.pairs[pair]
        slot = self.slot_of.pop(pair)
        self.at_b[p.buyer][slot] = -1
        self.at_c[p.company][slot] = -1
        self.busy_b[p.buyer] &= ~(1 << slot)
        self.busy_c[p.company] &= ~(1 << slot)
        self.load_b[p.buyer] -= 1
        self.load_c[p.company] -= 1

    def has_room(self, pair: int) -> bool:
        """Both parties are below capacity."""
        p = self.problem.pairs[pair]
        return (
            self.load_b[p.buyer] < self.problem.buyers[p.buyer].capacity
            and self.load_c[p.company] < self.problem.companies[p.company].capacity
        )

    def free_common(self, pair: int) -> int:
        """Bitmask of slots available and free for both parties of ``pair``."""
        p = self.problem.pairs[pair]
        return self.common[pair] & ~self.busy_b[p.buyer] & ~self.busy_c[p.company]

    def try_place(self, pair: int, max_chain: int = 64) -> bool:
        """Place ``pair`` in a common free slot, else after one Kempe-chain swap."""
        free = self.free_common(pair)
        if free:
            self.place(pair, (free & -free).bit_length() - 1)
            return True
        p = self.problem.pairs[pair]
        b, c = p.buyer, p.company
        common = self.common[pair]
        # alpha: b free, c busy -> push c's alpha chain to a colour beta free at c.
        for start_b, mask_alpha, free_beta in (
            (False, common & ~self.busy_b[b], ~self.busy_c[c]),
            (True, common & ~self.busy_c[c], ~self.busy_b[b]),
        ):
            for alpha in bits(mask_alpha):
                for beta in bits(free_beta & self.problem.full & ~(1 << alpha)):
                    path = self._chain(b if start_b else c, start_b, alpha, beta, max_chain)
                    if path is not None:
                        self.swap(path, alpha, beta)
                        self.place(pair, alpha)
                        return True
        return False

    def _chain(
        self, vertex: int, buyer_side: bool, alpha: int, beta: int, max_chain: int
    ) -> list[int] | None:
        """Alternating alpha/beta path from ``vertex`` if every edge may swap colours."""
        path: list[int] = []
        k, other = alpha, beta
        both = (1 << alpha) | (1 << beta)
        pairs = self.problem.pairs
        while True:
            grid = self.at_b[vertex] if buyer_side else self.at_c[vertex]
            e = grid[k]
            if e < 0:
                return path
            if e in self.locked or self.common[e] & both != both or len(path) >= max_chain:
                return None
            path.append(e)
            vertex = pairs[e].company if buyer_side else pairs[e].buyer
            buyer_side = not buyer_side
            k, other = other, k

    def swap(self, path: list[int], alpha: int, beta: int) -> None:
        """Exchange slots ``alpha`` and ``beta`` on the meetings of ``path``."""
        slots = [self.slot_of[e] for e in path]
        for e in path:
            self.remove(e)
        for e, s in zip(path, slots, strict=True):
            self.place(e, beta if s == alpha else alpha)

    def meetings(self) -> dict[int, int]:
        """Copy of the pair-to-slot mapping."""
        return dict(self.slot_of)
