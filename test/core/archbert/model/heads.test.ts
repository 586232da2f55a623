/**
 * The learned heads' feeding and reading (model/heads.ts) with a stand-in
 * model set that records its feeds: the QA answer pick of the metric
 * definition, row-aligned pair batches, and the caption step's padding and
 * row selection (greedy over a batch, beam over one architecture).
 */
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { captionStep, pickAnswers, qaLogits, reasoningProbs, sigmoid } from '../../../../src/core/archbert/model/heads.js';
import type { ModelSet } from '../../../../src/core/archbert/model/model-set.js';

interface Call {
  name: string;
  feeds: Record<string, ort.Tensor>;
}

/**
 * A model set whose run() records the feeds and answers with `respond`; its heads declare the two embeddings as
 * inputs, then `extraInputs` (arch_graph_state for a set trained with Config.head_graph_state; node_states and
 * node_mask after it with Config.head_node_attention).
 */
function recordingSet(respond: (name: string, feeds: Record<string, ort.Tensor>) => Record<string, { data: Float32Array }>, extraInputs: string[] = []): { set: ModelSet; calls: Call[] } {
  const calls: Call[] = [];
  const set = {
    run: async (name: string, feeds: Record<string, ort.Tensor>) => {
      calls.push({ name, feeds });
      return respond(name, feeds);
    },
    session: async (name: string) => ({
      inputNames: [name === 'qa_head' ? 'question_embedding' : 'text_embedding', 'arch_embedding', ...extraInputs],
    }),
  } as unknown as ModelSet;
  return { set, calls };
}

/** An encoded architecture with this embedding and n node states of width H, row r filled with 100 * r + k. */
function encoding(embedding: Float32Array, n = 1, H = 2) {
  const nodeStates = Float32Array.from({ length: n * H }, (_, i) => 100 * Math.floor(i / H) + (i % H));
  return { embedding, nodeStates, n, hidden: H };
}

describe('QA answer pick', () => {
  it('answers with logit ≥ 0, most probable first, with sigmoid probabilities', () => {
    expect(pickAnswers([-1, 0, 2, -3], ['a', 'b', 'c', 'd'])).toEqual([
      { answer: 'c', prob: sigmoid(2) },
      { answer: 'b', prob: 0.5 },
    ]);
  });

  it('else the single argmax, lowest index on ties', () => {
    expect(pickAnswers([-1, -0.5, -2], ['a', 'b', 'c'])).toEqual([{ answer: 'b', prob: sigmoid(-0.5) }]);
    expect(pickAnswers([-2, -1, -1], ['a', 'b', 'c']).map((p) => p.answer)).toEqual(['b']);
  });
});

describe('pair heads', () => {
  it('feed text i with architecture i, 1024 rows a call, one output row per pair', async () => {
    const E = 2;
    const n = 1030;
    const texts = Array.from({ length: n }, (_, i) => Float32Array.of(i, 0));
    const archs = Array.from({ length: n }, (_, i) => encoding(Float32Array.of(0, 10 * i)));
    // The stand-in QA head answers [text[0], arch[1]] per row; the reasoning head text[0] + arch[1].
    const { set, calls } = recordingSet((name, feeds): Record<string, { data: Float32Array }> => {
      const t = feeds[name === 'qa_head' ? 'question_embedding' : 'text_embedding']!.data as Float32Array;
      const a = feeds.arch_embedding!.data as Float32Array;
      const B = t.length / E;
      const out = new Float32Array(name === 'qa_head' ? 2 * B : B);
      for (let i = 0; i < B; i++) {
        if (name === 'qa_head') out.set([t[i * E]!, a[i * E + 1]!], 2 * i);
        else out[i] = t[i * E]! + a[i * E + 1]!;
      }
      return name === 'qa_head' ? { logits: { data: out } } : { prob: { data: out } };
    });
    const logits = await qaLogits(set, texts, archs);
    expect(calls.map((c) => c.feeds.arch_embedding!.dims)).toEqual([
      [1024, E],
      [6, E],
    ]);
    expect(logits).toHaveLength(n);
    expect([...logits[1029]!]).toEqual([1029, 10290]);
    const probs = await reasoningProbs(set, texts.slice(0, 3), archs.slice(0, 3));
    expect(probs).toEqual([0, 11, 22]);
    expect(await qaLogits(set, [], [])).toEqual([]);
    expect(calls.every((c) => !('arch_graph_state' in c.feeds))).toBe(true);
  });

  it("feed a head that declares arch_graph_state each architecture's [graph] node state: its last node-state row", async () => {
    // architecture i has i + 1 nodes of width 3; its last row is [100 i, 100 i + 1, 100 i + 2]
    const archs = [0, 1, 2].map((i) => encoding(Float32Array.of(i, 0), i + 1, 3));
    const texts = archs.map(() => Float32Array.of(1, 1));
    const { set, calls } = recordingSet((name, feeds): Record<string, { data: Float32Array }> => {
      const g = feeds.arch_graph_state!.data as Float32Array;
      const B = g.length / 3;
      const out = Float32Array.from({ length: B }, (_, i) => g[i * 3 + 2]!);
      return name === 'qa_head' ? { logits: { data: out } } : { prob: { data: out } };
    }, ['arch_graph_state']);
    expect((await qaLogits(set, texts, archs)).map((r) => r[0])).toEqual([2, 102, 202]);
    expect(await reasoningProbs(set, texts, archs)).toEqual([2, 102, 202]);
    expect(calls[0]!.feeds.arch_graph_state!.dims).toEqual([3, 3]);
    expect([...(calls[0]!.feeds.arch_graph_state!.data as Float32Array)]).toEqual([0, 1, 2, 100, 101, 102, 200, 201, 202]);
  });

  it('feed a head that declares node_states the node states padded to the call\'s largest graph, with their mask', async () => {
    // architectures of 1 and 3 nodes of width 2: rows [0, 1] and [0, 1, 100, 101, 200, 201]
    const archs = [encoding(Float32Array.of(0, 0), 1), encoding(Float32Array.of(1, 0), 3)];
    const texts = archs.map(() => Float32Array.of(1, 1));
    const { set, calls } = recordingSet((name, feeds): Record<string, { data: Float32Array }> => {
      const B = feeds.node_mask!.dims[0]!;
      const out = new Float32Array(B);
      return name === 'qa_head' ? { logits: { data: out } } : { prob: { data: out } };
    }, ['arch_graph_state', 'node_states', 'node_mask']);
    await qaLogits(set, texts, archs);
    const f = calls[0]!.feeds;
    expect(f.node_states!.dims).toEqual([2, 3, 2]);
    expect([...(f.node_states!.data as Float32Array)]).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 100, 101, 200, 201]);
    expect([...(f.node_mask!.data as Float32Array)]).toEqual([1, 0, 0, 1, 1, 1]);
    expect([...(f.arch_graph_state!.data as Float32Array)]).toEqual([0, 1, 200, 201]);
  });

  it('split calls of a head that reads node states so the padded states stay bounded (1 << 16 node rows), in order', async () => {
    // 500 pairs with 300-node graphs: 218 rows a call (218 * 300 <= 65536 < 219 * 300), not 1024
    const archs = Array.from({ length: 500 }, (_, i) => encoding(Float32Array.of(i, 0), 300, 1));
    const texts = archs.map(() => Float32Array.of(0, 0));
    const { set, calls } = recordingSet((name, feeds): Record<string, { data: Float32Array }> => {
      const a = feeds.arch_embedding!.data as Float32Array;
      const out = Float32Array.from({ length: a.length / 2 }, (_, i) => a[2 * i]!);
      return name === 'qa_head' ? { logits: { data: out } } : { prob: { data: out } };
    }, ['arch_graph_state', 'node_states', 'node_mask']);
    const probs = await reasoningProbs(set, texts, archs);
    expect(calls.map((c) => c.feeds.node_states!.dims)).toEqual([
      [218, 300, 1],
      [218, 300, 1],
      [64, 300, 1],
    ]);
    expect(probs).toEqual(archs.map((_, i) => i));
  });
});

describe('caption step', () => {
  const H = 2;
  const archA = { nodeStates: Float32Array.of(1, 1, 2, 2), n: 2, hidden: H };
  const archB = { nodeStates: Float32Array.of(3, 3, 4, 4, 5, 5), n: 3, hidden: H };
  const V = 4;
  const decoder = () =>
    recordingSet((_name, feeds) => {
      const B = feeds.input_ids!.dims[0]!;
      return { logits: { data: Float32Array.from({ length: B * V }, (_, i) => i) } };
    });

  it('pads the batch to its largest graph, masks the padding, and decodes prefix i with architecture rows[i]', async () => {
    const { set, calls } = decoder();
    const step = captionStep(set, [archA, archB]);
    const logits = await step([[5, 7], [5, 8]], [1, 0]);
    const feeds = calls[0]!.feeds;
    expect(feeds.input_ids!.dims).toEqual([2, 2]);
    expect([...(feeds.input_ids!.data as BigInt64Array)]).toEqual([5n, 7n, 5n, 8n]);
    expect(feeds.node_states!.dims).toEqual([2, 3, H]);
    expect([...(feeds.node_states!.data as Float32Array)]).toEqual([3, 3, 4, 4, 5, 5, 1, 1, 2, 2, 0, 0]);
    expect([...(feeds.node_mask!.data as Float32Array)]).toEqual([1, 1, 1, 1, 1, 0]);
    expect(logits.map((l) => [...l])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it('without rows (beam search over one architecture) every prefix reads it, unpadded', async () => {
    const { set, calls } = decoder();
    await captionStep(set, [archA])([[5], [5], [5]]);
    const feeds = calls[0]!.feeds;
    expect(feeds.node_states!.dims).toEqual([3, 2, H]);
    expect([...(feeds.node_states!.data as Float32Array)]).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]);
    expect([...(feeds.node_mask!.data as Float32Array)]).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
