"""Evaluation of a trained ArchBERT on one split. The exact definitions are in
training/archbert/README.md ("Metrics"); `archbert eval` (TypeScript, through
the exported ONNX models) implements the same ones.
"""
from __future__ import annotations

import math
from collections import Counter

import torch

from data import BOS, EOS, SPECIAL_IDS, MAX_CAPTION, collate_graphs, pad_numbers, pad_tokens

GRAPH_BATCH_NODES = 8192  # nodes per arch-encoder batch (padded B*N)


@torch.no_grad()
def embed_graphs(model, graphs):
    """(embeddings [G,E], list of (node_states [n,H])) in the given order; batches by size."""
    order = sorted(range(len(graphs)), key=lambda i: graphs[i].n)
    embs = [None] * len(graphs)
    states = [None] * len(graphs)
    i = 0
    while i < len(order):
        n = graphs[order[i]].n
        j = i + 1
        while j < len(order) and (j - i + 1) * graphs[order[j]].n <= GRAPH_BATCH_NODES and j - i < 64:
            j += 1
        idx = order[i:j]
        ops, bins, adj, mask = collate_graphs([graphs[k] for k in idx])
        e, s = model.arch(ops, bins, adj, mask)
        for r, k in enumerate(idx):
            embs[k] = e[r]
            states[k] = s[r, : graphs[k].n]
        i = j
    return torch.stack(embs), states


@torch.no_grad()
def embed_texts(model, token_lists, numbers=None, batch=256):
    """numbers: the dataset's number channel table (Dataset.numbers); None = no quantities."""
    out = []
    order = sorted(range(len(token_lists)), key=lambda i: len(token_lists[i]))
    res = [None] * len(token_lists)
    for b in range(0, len(order), batch):
        idx = order[b: b + batch]
        ids, mask = pad_tokens([token_lists[k] for k in idx])
        e, _ = model.text(ids, mask, pad_numbers([token_lists[k] for k in idx], numbers or {}))
        for r, k in enumerate(idx):
            res[k] = e[r]
    out = torch.stack(res) if res else torch.zeros(0, model.cfg.embed)
    return out


# ------------------------------------------------------------------ retrieval
def retrieval(model, graphs, g_emb, source_only=False, numbers=None):
    """Each distinct query text (kind "query") of the split against the whole
    gallery of the split's graphs. Relevant = every graph of the split the
    query describes (the dataset's `relevant` list: all stated properties
    hold), plus every graph having that exact query text; with source_only,
    just the latter (the graphs the text was generated from). Ranking by
    cosine (embeddings are unit-norm), ties broken by gallery order (the
    split's order in graphs.jsonl)."""
    index = {g.id: gi for gi, g in enumerate(graphs)}
    q_rel: dict[str, set[int]] = {}
    q_tok: dict[str, list] = {}
    for gi, g in enumerate(graphs):
        for text, tok in g.queries:
            rel = q_rel.setdefault(text, set())
            rel.add(gi)
            if not source_only:
                rel.update(index[i] for i in g.query_relevant.get(text, ()) if i in index)
            q_tok.setdefault(text, tok)
    texts = list(q_rel)
    if not texts:
        return {"r1": None, "r5": None, "mrr": None, "queries": 0, "gallery": len(graphs)}
    t_emb = embed_texts(model, [q_tok[t] for t in texts], numbers)
    sims = t_emb @ g_emb.t()  # [Q,G]
    r1 = r5 = mrr = 0.0
    n_rel = 0
    for qi, text in enumerate(texts):
        s = sims[qi]
        rel = q_rel[text]
        n_rel += len(rel)
        best = max(s[g].item() for g in rel)
        # rank of the first relevant = 1 + number of gallery items ranked before it
        # (strictly higher score, or equal score earlier in gallery order)
        first = min(g for g in rel if s[g].item() == best)
        higher = int((s > best).sum().item()) + int((s[:first] == best).sum().item())
        rank = higher + 1
        r1 += rank <= 1
        r5 += rank <= 5
        mrr += 1.0 / rank
    Q = len(texts)
    return {"r1": r1 / Q, "r5": r5 / Q, "mrr": mrr / Q, "queries": Q, "gallery": len(graphs), "mean_relevant": n_rel / Q}


# ------------------------------------------------------------------ reasoning
# rows per head call when the head reads node states: [rows, nodes, H] stays small
HEAD_CHUNK = 256


def padded_states(states_list):
    """Graphs' node states ([n_i, H] each) as one [B, max n_i, H] batch padded with zeros, and its node mask."""
    n = max(s.shape[0] for s in states_list)
    states = torch.zeros(len(states_list), n, states_list[0].shape[1])
    mask = torch.zeros(len(states_list), n)
    for i, s in enumerate(states_list):
        states[i, : s.shape[0]] = s
        mask[i, : s.shape[0]] = 1.0
    return states, mask


def head_outputs(head, cfg, t, g_emb, g_states, gidx):
    """A pair head (model.reasoning.logits or model.qa) on text rows t with graphs gidx: the two
    embeddings, and the graph inputs its configuration reads: the [graph] node's final state (the
    last of a graph's node states, as model.last_valid_state picks it) and, with
    Config.head_node_attention, the node states padded per chunk, with their mask."""
    if not cfg.head_graph_state:
        return head(t, g_emb[torch.tensor(gidx)])
    outs = []
    for b in range(0, len(gidx), HEAD_CHUNK):
        rows = gidx[b:b + HEAD_CHUNK]
        graph = torch.stack([g_states[i][-1] for i in rows])
        extra = padded_states([g_states[i] for i in rows]) if cfg.head_node_attention else ()
        outs.append(head(t[b:b + HEAD_CHUNK], g_emb[torch.tensor(rows)], graph, *extra))
    return torch.cat(outs, 0)


@torch.no_grad()
def reasoning(model, graphs, g_emb, g_states, numbers=None):
    toks, labels, gidx, tmpl = [], [], [], []
    for gi, g in enumerate(graphs):
        for s in g.statements:
            toks.append(s["tokens"])
            labels.append(int(s["label"]))
            gidx.append(gi)
            tmpl.append(s.get("template", "?"))
    if not toks:
        return {"accuracy": None, "f1": None, "statements": 0}
    t = embed_texts(model, toks, numbers)
    p = torch.sigmoid(head_outputs(model.reasoning.logits, model.cfg, t, g_emb, g_states, gidx))
    pred = (p >= 0.5).long().tolist()
    tp = sum(1 for a, b in zip(pred, labels) if a == 1 and b == 1)
    fp = sum(1 for a, b in zip(pred, labels) if a == 1 and b == 0)
    fn = sum(1 for a, b in zip(pred, labels) if a == 0 and b == 1)
    acc = sum(1 for a, b in zip(pred, labels) if a == b) / len(labels)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"accuracy": acc, "f1": f1, "statements": len(labels),
            "by_template": by_template(tmpl, [a == b for a, b in zip(pred, labels)])}


def by_template(templates, correct):
    """Share correct per generator template (where the learned model fails), worst first."""
    agg: dict[str, list] = {}
    for t, ok in zip(templates, correct):
        a = agg.setdefault(t, [0, 0])
        a[0] += int(ok)
        a[1] += 1
    rows = sorted(agg.items(), key=lambda kv: kv[1][0] / kv[1][1])
    return {t: {"correct": c / n, "n": n} for t, (c, n) in rows}


# ------------------------------------------------------------------ QA
@torch.no_grad()
def qa(model, graphs, g_emb, g_states, answers, include_family: bool, numbers=None):
    toks, gold, gidx, tmpl = [], [], [], []
    for gi, g in enumerate(graphs):
        for q in g.qa:
            if q.get("family_question") and not include_family:
                continue
            tmpl.append(q.get("template", "?"))
            toks.append(q["tokens"])
            gold.append(set(q["answers"]))
            gidx.append(gi)
    if not toks:
        return {"exact_match": None, "f1": None, "questions": 0}
    t = embed_texts(model, toks, numbers)
    logits = head_outputs(model.qa, model.cfg, t, g_emb, g_states, gidx)
    em = f1 = 0.0
    hits = []
    for i in range(len(toks)):
        pred = qa_predict(logits[i], answers)
        em += pred == gold[i]
        hits.append(pred == gold[i])
        f1 += 2 * len(pred & gold[i]) / (len(pred) + len(gold[i]))
    return {"exact_match": em / len(toks), "f1": f1 / len(toks), "questions": len(toks),
            "by_template": by_template(tmpl, hits)}


def qa_predict(logits, answers):
    """Answers with sigmoid ≥ 0.5 (logit ≥ 0); if none, the single argmax."""
    sel = (logits >= 0).nonzero().flatten().tolist()
    if not sel:
        sel = [int(torch.argmax(logits).item())]
    return {answers[i] for i in sel}


# ------------------------------------------------------------------ captioning
@torch.no_grad()
def greedy_captions(model, states_list, max_len=MAX_CAPTION, batch=32):
    """Greedy decoding from [bos] until [eos] or max_len positions (incl. [bos])."""
    outs = []
    for b in range(0, len(states_list), batch):
        states, mask = padded_states(states_list[b: b + batch])
        B = states.shape[0]
        ids = torch.full((B, 1), BOS, dtype=torch.long)
        done = torch.zeros(B, dtype=torch.bool)
        for _ in range(max_len - 1):
            logits = model.caption(ids, states, mask)
            nxt = torch.argmax(logits, -1)
            nxt = torch.where(done, torch.full_like(nxt, EOS), nxt)
            ids = torch.cat([ids, nxt.unsqueeze(1)], 1)
            done |= nxt == EOS
            if bool(done.all()):
                break
        for row in ids.tolist():
            body = row[1:]
            if EOS in body:
                body = body[: body.index(EOS)]
            outs.append(body)
    return outs


def words(ids, vocab_tokens):
    """Metric units: tokens with '##' continuation pieces joined to the piece
    before them (i.e. whole words / punctuation), special ids dropped."""
    out = []
    for i in ids:
        if i in SPECIAL_IDS:
            continue
        t = vocab_tokens[i]
        if t.startswith("##") and out:
            out[-1] += t[2:]
        else:
            out.append(t)
    return out


def lcs(a, b):
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(hyp, ref):
    """ROUGE-L F1 (β = 1) from the longest common subsequence."""
    l = lcs(hyp, ref)
    if l == 0:
        return 0.0
    p, r = l / len(hyp), l / len(ref)
    return 2 * p * r / (p + r)


def ngrams(seq, n):
    return Counter(tuple(seq[i: i + n]) for i in range(len(seq) - n + 1))


def corpus_bleu4(hyps, refs_list):
    """Corpus BLEU-4 (Papineni et al. 2002): clipped n-gram precisions n=1..4
    pooled over the corpus with max counts over the references, uniform
    weights, brevity penalty with the closest reference length (shorter on
    ties); no smoothing (0 if any n-gram precision is 0)."""
    match = [0] * 4
    total = [0] * 4
    hyp_len = ref_len = 0
    for hyp, refs in zip(hyps, refs_list):
        hyp_len += len(hyp)
        ref_len += min((abs(len(r) - len(hyp)), len(r)) for r in refs)[1]
        for n in range(1, 5):
            h = ngrams(hyp, n)
            maxref = Counter()
            for r in refs:
                for g, c in ngrams(r, n).items():
                    maxref[g] = max(maxref[g], c)
            match[n - 1] += sum(min(c, maxref[g]) for g, c in h.items())
            total[n - 1] += max(len(hyp) - n + 1, 0)
    if min(match) == 0 or hyp_len == 0:
        return 0.0
    logp = sum(math.log(m / t) for m, t in zip(match, total)) / 4
    bp = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return bp * math.exp(logp)


def caption(model, graphs, g_states, vocab_tokens, limit=None):
    """Greedy caption per graph (graphs with ≥ 1 caption; the first `limit` in
    split order when limited). ROUGE-L = mean over graphs of the max over that
    graph's reference captions; BLEU-4 = corpus BLEU against all its captions."""
    idx = [i for i, g in enumerate(graphs) if g.captions]
    if limit:
        idx = idx[:limit]
    if not idx:
        return {"rouge_l": None, "bleu4": None, "graphs": 0}
    hyps_ids = greedy_captions(model, [g_states[i] for i in idx])
    hyps = [words(h, vocab_tokens) for h in hyps_ids]
    refs = [[words(tok, vocab_tokens) for _, tok in graphs[i].captions] for i in idx]
    rl = sum(max(rouge_l(h, r) for r in rs) for h, rs in zip(hyps, refs)) / len(idx)
    return {"rouge_l": rl, "bleu4": corpus_bleu4(hyps, refs), "graphs": len(idx),
            "examples": [{"graph": graphs[i].id, "generated": " ".join(h), "reference": " ".join(rs[0])}
                         for i, h, rs in list(zip(idx, hyps, refs))[:3]]}


def evaluate_split(model, ds, split, include_family, caption_limit=None, with_caption=True):
    graphs = ds.split(split)
    if not graphs:
        return None
    model.eval()
    g_emb, g_states = embed_graphs(model, graphs)
    out = {"graphs": len(graphs),
           "retrieval": retrieval(model, graphs, g_emb, numbers=ds.numbers),
           "retrieval_source_only": retrieval(model, graphs, g_emb, source_only=True, numbers=ds.numbers),
           "reasoning": reasoning(model, graphs, g_emb, g_states, ds.numbers),
           "qa": qa(model, graphs, g_emb, g_states, ds.answers, include_family, ds.numbers)}
    if with_caption:
        out["caption"] = caption(model, graphs, g_states, ds.vocab["tokens"], caption_limit)
    return out
