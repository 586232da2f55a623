/**
 * Over 450 lines: the batch loop, the unit bookkeeping and the model runs all work on one Prepared state.
 *
 * Feature extraction for a zoo on an image dataset.
 *
 * The work is cut into units (one model × one chunk of the listing, see
 * shards.ts): each unit is read from the cache or extracted and written to
 * it as soon as its chunk is done, and a model's features are its units in
 * listing order. Batches never straddle two chunks, so a unit holds the same
 * bits whichever run (one process or a shard of many) computed it.
 *
 * Images are decoded once per batch and shared by every model (and one input
 * tensor is built per distinct preprocessing, shared by models that agree on
 * it). Decoding runs in sharp's thread pool while ONNX Runtime runs the
 * previous batch: two batches are always being decoded ahead, so neither
 * side waits on the other (onnxruntime-node's run() is synchronous on the
 * main thread, sharp's work is not).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { InputError, WorkError } from '../errors.js';
import type { SessionOpener } from '../runtime/session.js';
import { CACHE_VERSION, FeatureCache, sha256 } from './cache.js';
import type { ImageDataset, ImageItem } from './datasets.js';
import type { FeatureSet } from './featureset.js';
import { decodeImage, fillTensor, geometryKey, planResize, preprocessingKey, type DecodedImage, type Geometry } from './preprocess.js';
import { DEFAULT_CHUNK_SIZE, inShard, planChunks, unitNumber, type ShardSpec } from './shards.js';
import { boxCorners, boxTarget, globalAverage, roiAverage, type FeatureMap } from './roi.js';
import { exposeOutputs, findClassifierFeature, findDetectorFeature, findLogits, hasTensor, parseModel } from './surgery.js';
import { inputSizeProblem, type Task, type ZooModel } from './zoo.js';

export interface ProgressEvent {
  model: string;
  done: number;
  total: number;
  /** seconds spent on this model so far */
  seconds: number;
  cached?: boolean;
  failed?: boolean;
}

export interface ExtractOptions {
  opener: SessionOpener;
  cache: FeatureCache | null;
  batchSize?: number;
  /** Images decoded at once (default: 1 per 8 CPU cores, at least 1; see defaultDecodeConcurrency). */
  decodeConcurrency?: number;
  /** Batches decoded ahead of the one being run (default 2; 0 = decode, then run, no overlap). */
  prefetch?: number;
  strict?: boolean;
  onProgress?: (e: ProgressEvent) => void;
  /** Images per unit of work (default DEFAULT_CHUNK_SIZE); shards and the run that merges them must agree on it. */
  chunkSize?: number;
  /** Only this shard's units: each is written to the cache as it completes, and no features are returned. */
  shard?: ShardSpec | null;
}

/** Units of work of a run (of its shard, when sharded): in the cache at the end (`done`, of which `cached` were there before) or not (`failed`). */
export interface UnitCounts {
  units: number;
  done: number;
  cached: number;
  failed: number;
}

export interface ModelFailure {
  name: string;
  message: string;
}

export interface ExtractResult {
  features: FeatureSet[];
  failures: ModelFailure[];
  /** Images that could not be decoded (empty when every model came from the cache and none was recorded). */
  skipped: Array<{ path: string; reason: string }>;
  /** Things to tell the user (e.g. the CUDA fallback). */
  messages: string[];
  /** Problems that were worked around, e.g. a damaged cache entry that was recomputed. */
  warnings: string[];
  seconds: number;
  /** Of `seconds`, the part before the first image: hashing, cache look-ups, graph surgery, session creation. */
  setupSeconds: number;
  /** Units of work (absent for precomputed features). */
  units?: UnitCounts;
}

/** A model ready to run: session open, tensors resolved. */
interface Prepared {
  model: ZooModel;
  /** The model's place in the zoo (units are numbered by it). */
  place: number;
  /** Cache key of each chunk's unit. */
  keys: string[];
  /** Chunks still to extract in this run. */
  todo: Set<number>;
  session: ort.InferenceSession;
  provider: string;
  input: string;
  /** Fixed batch size the graph demands, or null when the batch dim is free. */
  fixedBatch: number | null;
  geometry: Geometry;
  prepKey: string;
  feature: string;
  logits: string | null;
  task: Task;
  stride?: number;
  // accumulated output
  rows: Float32Array[];
  probs: Float32Array[];
  targets: number[];
  labels: string[];
  cols: number;
  probCols: number;
  images: number;
  seconds: number;
  /** images and seconds when the current unit began */
  unitImages: number;
  unitSeconds: number;
  /** progress: images of this run's chunks gone through, of `total` */
  done: number;
  total: number;
  /** units extracted in this run */
  computed: FeatureSet[];
}

/** Cache key of a unit: model bytes + settings + its chunk's listing + task + code version (a one-chunk listing: the whole model's key as before units). */
export function featureKey(modelHash: string, model: ZooModel, listing: string, task: Task): string {
  return sha256(JSON.stringify([CACHE_VERSION, modelHash, model.settings, listing, task]));
}

/** Reads the graph and decides input, geometry, feature and logits tensors; exposes them as outputs. */
export async function prepareGraph(
  model: ZooModel,
  bytes: Uint8Array,
  task: Task,
  cache: FeatureCache | null,
  modelHash: string,
  warnings: string[] = [],
): Promise<{ graph: Uint8Array | string; input: string; fixedBatch: number | null; geometry: Geometry; feature: string; logits: string | null }> {
  const s = model.settings;
  const file = model.path;
  if (s.task && s.task !== task) {
    throw new InputError(file, `zoo.json says this is a ${s.task} model but the data is a ${task} dataset`);
  }
  const parsed = parseModel(bytes, file);
  const input = s.input ?? (parsed.inputs.length === 1 ? parsed.inputs[0]!.name : null);
  if (!input) throw new InputError(file, `the graph has ${parsed.inputs.length} inputs (${parsed.inputs.map((i) => i.name).join(', ')}); set "input" for ${model.name} in zoo.json`);
  const inputInfo = parsed.inputs.find((i) => i.name === input);
  if (!inputInfo) throw new InputError(file, `zoo.json "input": no graph input named '${input}'`);
  const shape = inputInfo.shape;
  if (shape.length !== 4) throw new InputError(file, `input '${input}' has ${shape.length} dims; an image model takes [N, C, H, W] or [N, H, W, C]`);
  const [h, w, c] = s.layout === 'NCHW' ? [shape[2], shape[3], shape[1]] : [shape[1], shape[2], shape[3]];
  if (c !== null && c !== 3) {
    throw new InputError(file, `input '${input}' has ${c} channels in ${s.layout} layout; set "layout" for ${model.name} in zoo.json if it is ${s.layout === 'NCHW' ? 'NHWC' : 'NCHW'}`);
  }
  const size = s.inputSize ?? (h && w ? ([h, w] as [number, number]) : null);
  if (!size) throw new InputError(file, `the input size is not fixed in the graph; set "input_size": [H, W] for ${model.name} in zoo.json`);
  // A graph may fix an input far larger than any image we would decode for it (zoo.json sizes are checked in zoo.ts).
  const sizeProblem = s.inputSize ? null : inputSizeProblem(size[0], size[1]);
  if (sizeProblem) throw new InputError(file, `the graph's input ${sizeProblem}; set a smaller "input_size" for ${model.name} in zoo.json`);
  const geometry: Geometry = { height: size[0], width: size[1], resize: s.resize, cropPct: s.cropPct };

  let feature: string;
  let logits: string | null = null;
  if (task === 'classification') {
    logits = findLogits(parsed, file, s.logits);
    const found = s.feature ?? findClassifierFeature(parsed, logits);
    if (!found) {
      throw new InputError(
        file,
        `cannot find the feature layer of ${model.name} (no Gemm/MatMul makes its logits '${logits}'); set "feature" (the penultimate tensor's name) for it in zoo.json`,
      );
    }
    feature = found;
  } else {
    const found = s.feature ?? findDetectorFeature(parsed);
    if (!found) throw new InputError(file, `cannot tell which feature map of ${model.name} to pool; set "feature" (a [N, C, H, W] tensor name) and "stride" for it in zoo.json`);
    feature = found;
  }
  if (!hasTensor(parsed, feature)) throw new InputError(file, `zoo.json "feature": no tensor named '${feature}' in ${model.name}'s graph`);
  const wanted = [feature, ...(logits ? [logits] : [])];
  let graph: Uint8Array | string = bytes;
  if (wanted.some((t) => !parsed.outputs.includes(t))) {
    // The derived graph is cached: re-serialising a large model costs more than reading it back.
    const derivedKey = sha256(JSON.stringify(['derived', modelHash, wanted]));
    const cached = cache ? await cache.readModel(derivedKey) : null;
    if (cached?.problem) warnings.push(`feature cache: derived model of ${model.name} damaged (${cached.problem}); rebuilt`);
    if (cached?.bytes) graph = cached.bytes;
    else {
      graph = exposeOutputs(parsed, wanted);
      if (cache) await cache.putModel(derivedKey, graph);
    }
  }
  const batchDim = shape[0];
  return { graph, input, fixedBatch: batchDim ?? null, geometry, feature, logits };
}

function softmaxRows(logits: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, logits[r * cols + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(logits[r * cols + j]! - max);
    for (let j = 0; j < cols; j++) out[r * cols + j] = Math.exp(logits[r * cols + j]! - max) / sum;
  }
  return out;
}

interface DecodedBatch {
  items: ImageItem[];
  /** null where the image could not be decoded */
  images: Array<DecodedImage | null>;
}

function concat(chunks: Float32Array[], total: number): Float32Array {
  const out = new Float32Array(total);
  let o = 0;
  for (const c of chunks) out.set(c, o), (o += c.length);
  return out;
}

export async function extractFeatures(models: ZooModel[], data: ImageDataset, opts: ExtractOptions): Promise<ExtractResult> {
  const started = performance.now();
  const batchSize = opts.batchSize ?? 32;
  const shard = opts.shard ?? null;
  const task = data.task;
  const chunks = await planChunks(data.items, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const features: FeatureSet[] = [];
  const failures: ModelFailure[] = [];
  const messages: string[] = [];
  const warnings: string[] = [];
  const pending: Prepared[] = [];
  const units: UnitCounts = { units: 0, done: 0, cached: 0, failed: 0 };
  /** Per model (by zoo place): its units' features by chunk, cached or computed; kept only when a model's features are returned. */
  const parts = new Map<number, Array<FeatureSet | null>>();
  /** Unreadable images by chunk, as decoded in this run or as recorded by a cached unit. */
  const skippedByChunk: Array<Array<{ path: string; reason: string }> | null> = chunks.map(() => null);
  let strictError: InputError | null = null;
  const unitName = (model: ZooModel, c: number) => (chunks.length > 1 ? `${model.name} (images ${chunks[c]!.start + 1}–${chunks[c]!.end})` : model.name);

  setup: for (const [m, model] of models.entries()) {
    const mine = chunks.map((_, c) => c).filter((c) => inShard(unitNumber(m, c, chunks.length), shard));
    if (mine.length === 0 && shard) continue;
    units.units += mine.length;
    try {
      const bytes = await readFile(model.path).catch((err) => {
        throw new InputError(model.path, (err as Error).message);
      });
      const modelHash = sha256(bytes);
      const keys = chunks.map((ch) => featureKey(modelHash, model, ch.listing, task));
      const have: Array<FeatureSet | null> = chunks.map(() => null);
      for (const c of mine) {
        const read = opts.cache ? await opts.cache.read(keys[c]!) : null;
        if (read?.problem) warnings.push(`feature cache: entry of ${unitName(model, c)} damaged (${read.problem}); recomputed`);
        const hit = read?.hit ?? null;
        // --strict holds for cached features too: the entry records the images it skipped.
        if (hit && opts.strict && hit.skipped.length > 0) {
          const first = hit.skipped[0]!;
          strictError = new InputError(first.path, `unreadable image (${first.reason})`);
          break setup;
        }
        if (hit) skippedByChunk[c] ??= hit.skipped;
        have[c] = hit;
      }
      const todo = mine.filter((c) => !have[c]);
      units.cached += mine.length - todo.length;
      units.done += mine.length - todo.length;
      if (!shard) parts.set(m, have);
      if (todo.length === 0) {
        if (!shard) {
          const fs = assemble(model, have as FeatureSet[]);
          if (typeof fs === 'string') failures.push({ name: model.name, message: fs });
          else features.push(fs);
        }
        const images = mine.reduce((s, c) => s + have[c]!.images, 0);
        opts.onProgress?.({ model: model.name, done: images, total: images, cached: true, seconds: 0 });
        continue;
      }
      const g = await prepareGraph(model, bytes, task, opts.cache, modelHash, warnings);
      const opened = await opts.opener.open(g.graph, model.name);
      messages.push(...opened.messages);
      pending.push({
        model,
        place: m,
        keys,
        todo: new Set(todo),
        session: opened.session,
        provider: opened.provider,
        input: g.input,
        fixedBatch: g.fixedBatch,
        geometry: g.geometry,
        prepKey: preprocessingKey(g.geometry, model.settings),
        feature: g.feature,
        logits: g.logits,
        task,
        stride: model.settings.stride,
        rows: [],
        probs: [],
        targets: [],
        labels: [],
        cols: 0,
        probCols: 0,
        images: 0,
        seconds: 0,
        unitImages: 0,
        unitSeconds: 0,
        done: 0,
        total: todo.reduce((s, c) => s + chunks[c]!.end - chunks[c]!.start, 0),
        computed: [],
      });
    } catch (err) {
      if (err instanceof WorkError) throw err; // e.g. --device cuda without CUDA: nothing can run
      failures.push({ name: model.name, message: err instanceof Error ? err.message : String(err) });
      opts.onProgress?.({ model: model.name, done: 0, total: 0, seconds: 0, failed: true });
    }
  }
  if (strictError) {
    for (const p of pending) await p.session.release().catch(() => undefined);
    throw strictError;
  }
  const setupSeconds = (performance.now() - started) / 1000;
  const failed = new Set(failures.map((f) => f.name));
  if (pending.length === 0) {
    units.failed = units.units - units.done;
    return { features: order(features, models), failures, skipped: mergeSkipped(skippedByChunk), messages, warnings, seconds: setupSeconds, setupSeconds, units };
  }

  // Batches never straddle two chunks: a unit's rows come from the same batches whichever run computes it.
  const batches: Array<{ chunk: number; items: ImageItem[]; last: boolean; geometries: Geometry[] }> = [];
  chunks.forEach((ch, c) => {
    const users = pending.filter((p) => p.todo.has(c));
    if (users.length === 0) return;
    const geometries = [...new Map(users.map((p) => [geometryKey(p.geometry), p.geometry])).values()];
    for (let i = ch.start; i < ch.end; i += batchSize) batches.push({ chunk: c, items: data.items.slice(i, Math.min(ch.end, i + batchSize)), last: i + batchSize >= ch.end, geometries });
  });

  const limit = limiter(opts.decodeConcurrency ?? defaultDecodeConcurrency());
  const decodeBatch = (b: (typeof batches)[number]): Promise<DecodedBatch> =>
    Promise.all(
      b.items.map((it) =>
        limit(() => decodeImage(it.path, b.geometries)).catch((err: unknown) => {
          const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
          if (opts.strict) throw new InputError(it.path, `unreadable image (${reason})`);
          (skippedByChunk[b.chunk] ??= []).push({ path: it.path, reason });
          return null;
        }),
      ),
    ).then((images) => ({ items: b.items, images }));

  // `prefetch` batches decode while one is being run; with 0, decoding and inference take turns.
  const prefetch = opts.prefetch ?? 2;
  const ahead: Promise<DecodedBatch>[] = [];
  let nextBatch = 0;
  const refill = (upTo: number) => {
    while (ahead.length < upTo && nextBatch < batches.length) {
      const p = decodeBatch(batches[nextBatch]!);
      nextBatch++;
      p.catch(() => undefined); // surfaced when awaited
      ahead.push(p);
    }
  };
  const fail = (p: Prepared, message: string) => {
    failures.push({ name: p.model.name, message });
    failed.add(p.model.name);
    opts.onProgress?.({ model: p.model.name, done: p.done, total: p.total, seconds: p.seconds, failed: true });
  };
  for (let b = 0; b < batches.length; b++) {
    const { chunk, last } = batches[b]!;
    refill(Math.max(1, prefetch));
    const waitStart = performance.now();
    const batch = await ahead.shift()!;
    refill(prefetch);
    const waited = (performance.now() - waitStart) / 1000;
    const okIdx = batch.images.map((im, i) => (im ? i : -1)).filter((i) => i >= 0);
    const live = pending.filter((p) => p.todo.has(chunk) && !failed.has(p.model.name));
    for (const p of live) p.seconds += waited / live.length;
    for (const p of live) p.done += batch.items.length;
    // One tensor per distinct preprocessing, shared by the models that use it.
    const tensors = new Map<string, Float32Array>();
    for (const p of okIdx.length > 0 ? live : []) {
      const t0 = performance.now();
      let tensor = tensors.get(p.prepKey);
      if (!tensor) {
        const g = p.geometry;
        tensor = new Float32Array(okIdx.length * 3 * g.height * g.width);
        okIdx.forEach((src, dst) => fillTensor(tensor!, dst, batch.images[src]!.pixels.get(geometryKey(g))!, g, p.model.settings));
        tensors.set(p.prepKey, tensor);
      }
      try {
        await runModel(p, tensor, okIdx, batch);
      } catch (err) {
        fail(p, `${p.model.path}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        continue;
      }
      p.images += okIdx.length;
      p.seconds += (performance.now() - t0) / 1000;
      opts.onProgress?.({ model: p.model.name, done: p.done, total: p.total, seconds: p.seconds });
    }
    if (!last) continue;
    // The chunk is complete: each model that ran it writes its unit, so a run killed later keeps it.
    for (const p of live.filter((q) => !failed.has(q.model.name))) {
      const unit = finishUnit(p, chunk, skippedByChunk[chunk] ?? []);
      if (opts.cache) await opts.cache.put(p.keys[chunk]!, unit);
      units.done++;
      if (!shard) parts.get(p.place)![chunk] = unit;
      p.computed.push(unit);
    }
  }

  for (const p of pending) {
    await p.session.release().catch(() => undefined);
    if (failed.has(p.model.name) || shard) continue;
    const fs = assemble(p.model, parts.get(p.place)! as FeatureSet[], p.computed);
    if (typeof fs === 'string') failures.push({ name: p.model.name, message: fs });
    else features.push(fs);
  }
  units.failed = units.units - units.done;
  return {
    features: order(features, models),
    failures,
    skipped: mergeSkipped(skippedByChunk),
    messages,
    warnings,
    seconds: (performance.now() - started) / 1000,
    setupSeconds,
    units,
  };
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);

/** Every chunk's unreadable images, once each, in path order. */
function mergeSkipped(byChunk: Array<Array<{ path: string; reason: string }> | null>): Array<{ path: string; reason: string }> {
  const seen = new Map<string, { path: string; reason: string }>();
  for (const list of byChunk) for (const s of list ?? []) if (!seen.has(s.path)) seen.set(s.path, s);
  return [...seen.values()].sort(byPath);
}

/** The rows a model accumulated on one chunk, as that unit's FeatureSet; the accumulators start again for the next chunk. */
function finishUnit(p: Prepared, chunk: number, skipped: Array<{ path: string; reason: string }>): FeatureSet {
  p.todo.delete(chunk);
  const rows = p.labels.length;
  const unit: FeatureSet = {
    name: p.model.name,
    task: p.task,
    rows,
    cols: p.cols,
    X: concat(p.rows, rows * p.cols),
    probs: p.probCols > 0 ? concat(p.probs, rows * p.probCols) : null,
    probCols: p.probCols,
    targets: p.task === 'detection' ? Float32Array.from(p.targets) : null,
    labels: p.labels,
    images: p.images - p.unitImages,
    seconds: p.seconds - p.unitSeconds,
    skipped: [...skipped].sort(byPath),
    featureTensor: p.feature,
    stride: p.stride,
    provider: p.provider,
    cached: false,
  };
  p.rows = [];
  p.probs = [];
  p.targets = [];
  p.labels = [];
  p.unitImages = p.images;
  p.unitSeconds = p.seconds;
  return unit;
}

/**
 * A model's features from its units in listing order (a unit of no rows, every
 * image of its chunk unreadable, adds nothing), or why there are none.
 * `computed` are the units this run extracted: when there are any, `seconds`
 * is this run's time on the model, and the features are not "cached".
 */
function assemble(model: ZooModel, units: FeatureSet[], computed: FeatureSet[] = []): FeatureSet | string {
  const withRows = units.filter((u) => u.rows > 0);
  const rows = withRows.reduce((s, u) => s + u.rows, 0);
  if (rows === 0) return `${model.path}: no image could be read, no features`;
  const first = withRows[0]!;
  const odd = withRows.find((u) => u.cols !== first.cols || u.probCols !== first.probCols || (u.probs === null) !== (first.probs === null));
  if (odd) return `${model.path}: its cached units disagree (${first.cols} vs ${odd.cols} feature columns, ${first.probCols} vs ${odd.probCols} logits); clear the cache entry of this model`;
  if (units.length === 1) return { ...units[0]!, name: model.name };
  const join = (pick: (u: FeatureSet) => Float32Array | null) => concat(withRows.map((u) => pick(u)!), withRows.reduce((s, u) => s + pick(u)!.length, 0));
  const seconds = (computed.length > 0 ? computed : units).reduce((s, u) => s + u.seconds, 0);
  return {
    name: model.name,
    task: first.task,
    rows,
    cols: first.cols,
    X: join((u) => u.X),
    probs: first.probs ? join((u) => u.probs) : null,
    probCols: first.probCols,
    targets: first.targets ? join((u) => u.targets) : null,
    labels: withRows.flatMap((u) => u.labels),
    images: units.reduce((s, u) => s + u.images, 0),
    seconds,
    skipped: mergeSkipped(units.map((u) => u.skipped)),
    featureTensor: first.featureTensor,
    stride: first.stride,
    provider: (computed[0] ?? first).provider,
    cached: computed.length === 0,
  };
}

/**
 * How many images to decode at once. Decoding overlaps inference, and ONNX
 * Runtime already runs one thread per core: every extra decoding thread takes
 * a core from it, and its thread pool stalls at each barrier while one of its
 * threads is preempted. One decoder per 8 cores keeps up with inference
 * (≈ 3 ms per 320×256 JPEG → 224², against tens of ms per image of inference
 * per core) without starving it.
 */
export function defaultDecodeConcurrency(): number {
  return Math.max(1, Math.round(availableParallelism() / 8));
}

/** Runs at most `n` of the given tasks at a time, in the order they are asked for. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (running >= n) return;
    const start = queue.shift();
    if (start) start();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            running--;
            next();
          });
      });
      next();
    });
}

function order(features: FeatureSet[], models: ZooModel[]): FeatureSet[] {
  const rank = new Map(models.map((m, i) => [m.name, i]));
  return features.sort((a, b) => rank.get(a.name)! - rank.get(b.name)!);
}

/** Runs one model on a batch (in chunks when its graph fixes the batch size) and appends its rows. */
async function runModel(p: Prepared, tensor: Float32Array, okIdx: number[], batch: DecodedBatch): Promise<void> {
  const g = p.geometry;
  const per = 3 * g.height * g.width;
  const n = okIdx.length;
  const chunk = p.fixedBatch ?? n;
  const dims = (b: number) => (p.model.settings.layout === 'NCHW' ? [b, 3, g.height, g.width] : [b, g.height, g.width, 3]);
  for (let start = 0; start < n; start += chunk) {
    const b = Math.min(chunk, n - start);
    let input = tensor.subarray(start * per, (start + b) * per);
    if (p.fixedBatch && b < p.fixedBatch) {
      // Pad a short last chunk to the fixed batch size; the padding rows are dropped below.
      const padded = new Float32Array(p.fixedBatch * per);
      padded.set(input);
      input = padded;
    }
    const fetches = [p.feature, ...(p.logits ? [p.logits] : [])];
    const out = await p.session.run({ [p.input]: new ort.Tensor('float32', input, dims(p.fixedBatch ?? b)) }, fetches);
    const feat = out[p.feature]!;
    const featData = feat.data as Float32Array;
    const per0 = featData.length / (feat.dims[0] ?? 1);
    if (p.task === 'classification') {
      p.cols = per0;
      p.rows.push(featData.slice(0, b * per0));
      if (p.logits) {
        const lg = out[p.logits]!;
        const c = (lg.data as Float32Array).length / (lg.dims[0] ?? 1);
        p.probCols = c;
        p.probs.push(softmaxRows((lg.data as Float32Array).subarray(0, b * c), b, c));
      }
      for (let i = 0; i < b; i++) p.labels.push(batch.items[okIdx[start + i]!]!.label!);
    } else {
      poolBoxes(p, feat, b, start, okIdx, batch);
    }
  }
}

function poolBoxes(p: Prepared, feat: ort.Tensor, b: number, start: number, okIdx: number[], batch: DecodedBatch): void {
  const layout = p.model.settings.layout;
  if (feat.dims.length !== 4) throw new Error(`feature map '${p.feature}' has shape [${feat.dims.join(', ')}], expected 4 dims`);
  const [C, H, W] = layout === 'NCHW' ? [feat.dims[1]!, feat.dims[2]!, feat.dims[3]!] : [feat.dims[3]!, feat.dims[1]!, feat.dims[2]!];
  if (p.stride === undefined) {
    const g = p.geometry;
    const sy = g.height / H;
    const sx = g.width / W;
    if (!Number.isInteger(sy) || sy !== sx) {
      throw new Error(`cannot infer the stride of '${p.feature}' (input ${g.height}×${g.width}, map ${H}×${W}); set "stride" for ${p.model.name} in zoo.json`);
    }
    p.stride = sy;
  }
  const cols = p.model.settings.imageFeature ? 2 * C : C;
  p.cols = cols;
  const data = feat.data as Float32Array;
  for (let i = 0; i < b; i++) {
    const src = okIdx[start + i]!;
    const item = batch.items[src]!;
    const img = batch.images[src]!;
    const map: FeatureMap = { data, offset: i * C * H * W, channels: C, height: H, width: W, layout };
    const plan = planResize(img.width, img.height, p.geometry);
    let imageFeature: Float32Array | null = null;
    if (p.model.settings.imageFeature) {
      imageFeature = new Float32Array(C);
      globalAverage(map, imageFeature, 0);
    }
    for (const box of item.boxes ?? []) {
      const row = new Float32Array(cols);
      roiAverage(map, boxCorners(box, img.width, img.height), img.width, img.height, plan, p.stride, row, 0);
      if (imageFeature) row.set(imageFeature, C);
      p.rows.push(row);
      p.labels.push(box.label);
      p.targets.push(...boxTarget(box, img.width, img.height));
    }
  }
}
