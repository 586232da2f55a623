/**
 * Text and architecture embeddings through the exported encoders, fed exactly
 * as the trainer's collate functions feed PyTorch (training/archbert/data.py):
 * token ids from the shared tokenizer (with [cls]/[sep], MAX_TEXT_TOKENS ids
 * at most for queries, questions and statements; unknown words left out,
 * unknown-words.ts), graphs from the shared
 * featurizer as a dense batch (ops, bins, adj[from][to] = 1, node_mask), binned
 * with the set's own bin layout (its bins.json). A set whose text_encoder
 * takes a `numbers` input is given each token's number channel
 * (number-channel.ts), as the dataset stored it for the trainer.
 * With heads.ts, the only code that builds ONNX Runtime tensors.
 */
import * as ort from 'onnxruntime-node';
import type { BlockCounts, OpGraph } from '../../graph/types.js';
import { BIN_COLUMNS, MAX_NODES, featurize, type Featurized } from './featurize.js';
import { MAX_TEXT_TOKENS } from './limits.js';
import { NO_NUMBER, numberChannel } from './number-channel.js';
import type { ModelSet } from './model-set.js';
import { knownWordIds } from './unknown-words.js';

export interface ArchEncoding {
  /** L2-normalised pooled embedding. */
  embedding: Float32Array;
  /** Node states [n, H] (row-major) and their count, for the caption decoder. */
  nodeStates: Float32Array;
  n: number;
  hidden: number;
}

/**
 * The [graph] node's final state: the last of an encoding's node states, since the featurizer appends that node
 * last (training/archbert/model.py last_valid_state picks the same row). Heads of a set trained with
 * Config.head_graph_state read it beside the embedding.
 */
export function graphNodeState(a: Pick<ArchEncoding, 'nodeStates' | 'n' | 'hidden'>): Float32Array {
  return a.nodeStates.subarray((a.n - 1) * a.hidden, a.n * a.hidden);
}

/** Token ids → padded int64 batch (pad = 0) with its attention mask. */
export function padIds(seqs: number[][]): { ids: ort.Tensor; mask: ort.Tensor } {
  const L = Math.max(1, ...seqs.map((s) => s.length));
  const ids = new BigInt64Array(seqs.length * L);
  const mask = new BigInt64Array(seqs.length * L);
  seqs.forEach((s, i) => {
    for (let j = 0; j < s.length && j < L; j++) {
      ids[i * L + j] = BigInt(s[j]!);
      mask[i * L + j] = 1n;
    }
  });
  return { ids: new ort.Tensor('int64', ids, [seqs.length, L]), mask: new ort.Tensor('int64', mask, [seqs.length, L]) };
}

/** Splits a [B, E] output into B rows. */
export function rows(t: ort.Tensor): Float32Array[] {
  const data = t.data as Float32Array;
  const [b, e] = t.dims as number[];
  return Array.from({ length: b! }, (_, i) => data.slice(i * e!, (i + 1) * e!));
}

/** Embeddings of texts (token ids via the shared tokenizer). */
export async function embedTexts(set: ModelSet, texts: string[], maxLength = MAX_TEXT_TOKENS): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  return embedTokenIds(set, texts.map((t) => set.tokenizer.encode(t, { maxLength }).ids));
}

/** The number channel of token id sequences, padded as padIds pads them (NO_NUMBER on padding). */
export function padNumbers(tokens: readonly string[], seqs: number[][]): ort.Tensor {
  const L = Math.max(1, ...seqs.map((s) => s.length));
  const out = new Float32Array(seqs.length * L).fill(NO_NUMBER);
  seqs.forEach((s, i) => out.set(numberChannel(s.map((id) => tokens[id] ?? '[unk]')), i * L));
  return new ort.Tensor('float32', out, [seqs.length, L]);
}

/**
 * Embeddings of already tokenized texts (one text_encoder call), each read
 * without its unknown words (unknown-words.ts) unless `keepUnknownWords` (the
 * ids as the dataset wrote them, as the trainer reads them); a set whose
 * encoder reads the number channel gets it too.
 */
export async function embedTokenIds(set: ModelSet, tokenized: number[][], opts: { keepUnknownWords?: boolean } = {}): Promise<Float32Array[]> {
  const seqs = opts.keepUnknownWords ? tokenized : tokenized.map((s) => knownWordIds(s, set.tokenizer));
  const { ids, mask } = padIds(seqs);
  const feeds: Record<string, ort.Tensor> = { input_ids: ids, attention_mask: mask };
  if ((await set.session('text_encoder')).inputNames.includes('numbers')) feeds.numbers = padNumbers(set.tokenizer.tokens, seqs);
  const out = await set.run('text_encoder', feeds);
  return rows(out.embedding!);
}

/** Dense batch of featurized graphs, as training/archbert/data.py collate_graphs builds it. */
export function collateGraphs(graphs: Array<Pick<Featurized, 'ops' | 'bins' | 'edges' | 'n'>>): Record<string, ort.Tensor> {
  const B = graphs.length;
  const N = Math.max(1, ...graphs.map((g) => g.n));
  const ops = new BigInt64Array(B * N);
  // as wide as the set's bin layout (every row of one batch comes from one featurize layout)
  const W = graphs[0]?.bins[0]?.length ?? BIN_COLUMNS;
  const bins = new BigInt64Array(B * N * W);
  const adj = new Float32Array(B * N * N);
  const mask = new Float32Array(B * N);
  graphs.forEach((g, b) => {
    for (let i = 0; i < g.n; i++) {
      ops[b * N + i] = BigInt(g.ops[i]!);
      for (let k = 0; k < W; k++) bins[(b * N + i) * W + k] = BigInt(g.bins[i]![k]!);
      mask[b * N + i] = 1;
    }
    for (const [from, to] of g.edges) adj[b * N * N + from * N + to] = 1;
  });
  return {
    ops: new ort.Tensor('int64', ops, [B, N]),
    bins: new ort.Tensor('int64', bins, [B, N, W]),
    adj: new ort.Tensor('float32', adj, [B, N, N]),
    node_mask: new ort.Tensor('float32', mask, [B, N]),
  };
}

/** Encodes featurized graphs (one batch; callers chunk large sets). */
export async function encodeFeaturized(set: ModelSet, graphs: Array<Pick<Featurized, 'ops' | 'bins' | 'edges' | 'n'>>): Promise<ArchEncoding[]> {
  if (graphs.length === 0) return [];
  const feeds = collateGraphs(graphs);
  const out = await set.run('arch_encoder', feeds);
  const emb = rows(out.embedding!);
  const states = out.node_states!;
  const [, N, H] = states.dims as number[];
  const data = states.data as Float32Array;
  return graphs.map((g, b) => ({
    embedding: emb[b]!,
    nodeStates: data.slice(b * N! * H!, (b * N! + g.n) * H!),
    n: g.n,
    hidden: H!,
  }));
}

/**
 * Featurizes (coarsening above 512 nodes, and binning with the set's layout, as its dataset did) and encodes one
 * analysed graph; `blocks`: its facts' block counts, so a "blocks"-layout set does not search for them again.
 */
export async function encodeArchitecture(set: ModelSet, og: OpGraph, blocks?: BlockCounts): Promise<ArchEncoding & { featurized: Featurized }> {
  const featurized = featurize(og, MAX_NODES, set.binLayout, blocks);
  const [enc] = await encodeFeaturized(set, [featurized]);
  return { ...enc!, featurized };
}

/** Similarity of two embeddings: their dot product, the cosine since both are L2-normalised (find's ranking, eval's retrieval). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
