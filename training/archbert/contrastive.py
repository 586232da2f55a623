"""Multi-positive contrastive loss over the relevance lists (train.py
--multi-positive, issue 17).

Today's loss has one positive per text (the graph it was drawn for) and only
hides another graph when it carries the very same text. But a query such as
"a convolutional network for image classification" describes every
image-classification CNN of the batch, and texts.jsonl lists those graphs in
the query's `relevant` field; counting them as negatives teaches the encoder
to separate graphs the text cannot tell apart.

Which form: the mean over a text's positives of each positive's
log-likelihood against the negatives only,
    loss_i = mean_{p ∈ P_i} −log( e^{l_ip} / (e^{l_ip} + Σ_{n ∉ P_i} e^{l_in}) ),
not the log of the summed likelihood (−log Σ_p softmax_p). Why: the log-sum
is satisfied as soon as one positive ranks first, so the encoder may keep
only the easiest positive (the source graph, a family sibling) close, while
the relevance lists say every graph with all the stated properties belongs
above every graph without them: each positive must beat every negative. The
other positives are left out of each term's denominator (unlike SupCon's
L_out), so positives never compete with one another. With the source graph
as the only positive this is exactly today's cross-entropy, term for term.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

NEG = -1e4  # finite: a row without negatives gives a loss of ~0, not NaN gradients


def positive_matrix(graphs, texts, text_sets) -> torch.Tensor:
    """pos[i, j]: text i (drawn for graphs[i], a (text, tokens) pair) describes graphs[j]:
    j == i, graphs[j] is in the text's relevance list, or graphs[j] has the same text."""
    B = len(graphs)
    pos = torch.zeros(B, B, dtype=torch.bool)
    for i, (text, _) in enumerate(texts):
        relevant = set(graphs[i].query_relevant.get(text, ()))
        for j, g in enumerate(graphs):
            pos[i, j] = j == i or g.id in relevant or text in text_sets[g.idx]
    return pos


def _one_direction(logits, pos):
    neg_lse = torch.logsumexp(logits.masked_fill(pos, NEG), dim=1, keepdim=True)  # [R, 1]
    per_pos = F.softplus(neg_lse - logits)  # −log(e^l / (e^l + Σneg e))
    p = pos.to(logits.dtype)
    return ((per_pos * p).sum(1) / p.sum(1).clamp(min=1.0)).mean()


def multi_positive_infonce(logits, pos):
    """Symmetric loss for logits[text i, graph j] and the boolean positives pos[i, j]
    (the diagonal always positive): text→graph and graph→text, averaged."""
    pos = pos.to(logits.device)
    return 0.5 * (_one_direction(logits, pos) + _one_direction(logits.t(), pos.t()))
