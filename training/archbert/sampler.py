"""The epoch plan of train.py: which graphs share a batch.

Anchors are shuffled, grouped into size-sorted chunks of 50 batches (less
padding), and each anchor is joined by its mined hard neighbour (data.py
hard_neighbours: the most similar graph by op histogram, or a same-family
sibling for real architectures), so that near-identical graphs meet as
in-batch negatives. With --family-negatives (issue 17) each anchor also
brings a sibling of its family (real) or generator style (generated), drawn
anew every epoch: graphs the text must tell apart by their details, not by
their family's look.
"""
from __future__ import annotations

import math
import random

from data import family_groups, family_partner, hard_neighbours


class Sampler:
    """Epoch plan: anchors shuffled, grouped into size-sorted chunks (padding
    efficiency), each anchor joined by its mined hard neighbour; with
    family_negatives also by a sibling of its family / generator style, drawn
    each epoch (then a third of the batch are anchors, so a step still holds
    about `batch` graphs)."""

    def __init__(self, graphs, n_ops, batch, real_fraction, seed, family_negatives=False):
        self.graphs = graphs
        self.family_negatives = family_negatives
        self.half = max(1, batch // 3 if family_negatives else batch // 2)  # anchors per batch
        self.groups = family_groups(graphs) if family_negatives else {}
        self.nb = hard_neighbours(graphs, n_ops, seed=seed)
        real = [i for i, g in enumerate(graphs) if g.source == "real"]
        gen = len(graphs) - len(real)
        self.real_factor = 1
        if real and gen and real_fraction > 0:
            self.real_factor = max(1, min(50, round(real_fraction * gen / ((1 - real_fraction) * len(real)))))
        self.pool = list(range(len(graphs))) + real * (self.real_factor - 1)

    def epoch(self, rng: random.Random):
        pool = self.pool[:]
        rng.shuffle(pool)
        chunk = self.half * 50
        batches = []
        for c in range(0, len(pool), chunk):
            part = sorted(pool[c: c + chunk], key=lambda i: self.graphs[i].n)
            for b in range(0, len(part), self.half):
                batches.append(self.batch_of(part[b: b + self.half], rng))
        rng.shuffle(batches)
        return batches

    def batch_of(self, anchors, rng: random.Random):
        """The anchors, their mined neighbours, then (family_negatives) one sibling
        each other than that neighbour; duplicates dropped, first occurrence kept."""
        partners = [self.nb[a] for a in anchors]
        if self.family_negatives:
            for a in anchors:
                f = family_partner(a, self.graphs, self.groups, {self.nb[a]}, rng)
                if f is not None:
                    partners.append(f)
        seen, members = set(), []
        for a in anchors + partners:
            if a not in seen:
                seen.add(a)
                members.append(a)
        return members

    def steps_per_epoch(self):
        return math.ceil(len(self.pool) / self.half)
