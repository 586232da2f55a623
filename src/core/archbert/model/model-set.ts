/**
 * The model set: the trained ArchBERT files (models/archbert/: five ONNX
 * models, the vocabulary, the QA answer list, the op and shape-bin tables)
 * loaded once per process and verified, with one ONNX Runtime session per
 * model, created on first use and kept. It runs a model on given feeds and
 * nothing more: how the encoders are fed is embed.ts, how the heads are fed
 * and read is heads.ts.
 *
 * Load-time check: manifest.json records the sha256 of every file of the set
 * (written by training/archbert/export.py). Every model and vocabulary file is
 * hashed and compared, so a vocabulary from one run with encoders from another
 * (token ids would silently mean different words) is a clear error, never a
 * wrong answer. ops.json must also equal what this build's featurizer
 * produces, or the architecture encoder would read other op ids, and bins.json
 * must be exactly one of the featurizer's bin layouts (bin-layout.ts: "log",
 * "bucket" or "blocks", the bundled set's); the set then featurizes with that layout.
 *
 * Optional models: caption_cross_kv + caption_decoder_step (the caption
 * decoder's cross-attention keys/values once per search, then steps from a
 * key/value cache: training/archbert/decoder_cache.py), used by heads.ts when
 * the manifest lists both; sets exported before them load as before. The
 * first version's caption_decoder_cached.onnx is no longer read (nor
 * verified): a set that has only it decodes through caption_decoder, as
 * accurately; add_cached_decoder.py replaces it with the pair.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InputError } from '../../errors.js';
import { MAX_JSON_INPUT_BYTES, readInputFileSync } from '../../io/files.js';
import { SessionOpener, type Device } from '../../runtime/session.js';
import { binLayoutOfFile, type BinLayout } from './bin-layout.js';
import { OP_VOCAB } from './featurize.js';
import { Tokenizer, type VocabFile } from './tokenizer.js';

export const MODEL_FILES = ['text_encoder', 'arch_encoder', 'reasoning_head', 'qa_head', 'caption_decoder'] as const;
/** Models a set may have; each is loaded (and verified) only when the manifest lists it. */
export const OPTIONAL_MODEL_FILES = ['caption_cross_kv', 'caption_decoder_step'] as const;
export type ModelName = (typeof MODEL_FILES)[number] | (typeof OPTIONAL_MODEL_FILES)[number];
const DATA_FILES = ['vocab.json', 'answers.json', 'ops.json', 'bins.json'] as const;

export interface ArchbertManifest {
  created?: string;
  commit?: string | null;
  data?: { hash?: string; dir?: string };
  files: Record<string, { bytes: number; sha256: string }>;
  metrics?: Record<string, unknown>;
  caption_limit?: number | null;
  [key: string]: unknown;
}

/** Where the set lives: --models, else $ARCHBERT_MODELS, else models/archbert of this package. */
export function defaultModelDir(): string {
  if (process.env.ARCHBERT_MODELS) return resolve(process.env.ARCHBERT_MODELS);
  return resolve(new URL('../../../../models/archbert', import.meta.url).pathname);
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function readJson<T>(file: string): T {
  if (!existsSync(file)) throw new InputError(file, 'cannot read file');
  // A FIFO, a device or an oversized file is refused with its own reason, before any read.
  const text = readInputFileSync(file, MAX_JSON_INPUT_BYTES).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new InputError(file, `not valid JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

/**
 * The model version: a hash over the sha256 of every file of the set, so two
 * sets with the same files have the same version and any retrained file
 * changes it. Indexes record it.
 */
export function modelVersion(manifest: ArchbertManifest): string {
  const lines = Object.keys(manifest.files)
    .filter((f) => f !== 'parity.json')
    .sort()
    .map((f) => `${f} ${manifest.files[f]!.sha256}`);
  return sha256Hex(lines.join('\n')).slice(0, 16);
}

export interface ModelSetOptions {
  dir?: string;
  device?: Device;
  /** Threads inside one operator (0 = ORT default). */
  threads?: number;
}

/** One loaded, verified set. Sessions are created on first use and kept. */
export class ModelSet {
  readonly dir: string;
  readonly manifest: ArchbertManifest;
  readonly version: string;
  readonly tokenizer: Tokenizer;
  readonly answers: string[];
  /** The bin layout of the set's bins.json: graphs for its encoder are featurized with it. */
  readonly binLayout: BinLayout;
  /** Messages for the user (e.g. CUDA fallback), collected as sessions open. */
  readonly messages: string[] = [];
  private readonly bytes = new Map<ModelName, Uint8Array>();
  private readonly sessions = new Map<ModelName, Promise<ort.InferenceSession>>();
  private readonly opener: SessionOpener;

  private constructor(
    dir: string,
    manifest: ArchbertManifest,
    tokenizer: Tokenizer,
    answers: string[],
    binLayout: BinLayout,
    bytes: Map<ModelName, Uint8Array>,
    opts: ModelSetOptions,
  ) {
    this.dir = dir;
    this.manifest = manifest;
    this.version = modelVersion(manifest);
    this.tokenizer = tokenizer;
    this.answers = answers;
    this.binLayout = binLayout;
    this.bytes = bytes;
    this.opener = new SessionOpener({ device: opts.device ?? 'cpu', intraOpThreads: opts.threads ?? 1 });
  }

  /** Reads and verifies the set; throws InputError naming the file on any mismatch. */
  static load(opts: ModelSetOptions = {}): ModelSet {
    const dir = resolve(opts.dir ?? defaultModelDir());
    const manifestPath = join(dir, 'manifest.json');
    if (!existsSync(manifestPath)) {
      throw new InputError(
        manifestPath,
        'no trained ArchBERT model set here (train and export it with `npm run train:archbert`, or point --models / ARCHBERT_MODELS at one)',
      );
    }
    const manifest = readJson<ArchbertManifest>(manifestPath);
    if (!manifest || typeof manifest.files !== 'object' || manifest.files === null) {
      throw new InputError(manifestPath, 'manifest has no "files" table with sha256 hashes');
    }
    const verified = (name: string): Buffer => {
      const path = join(dir, name);
      const entry = manifest.files[name];
      if (!entry?.sha256) throw new InputError(manifestPath, `manifest lists no sha256 for ${name}`);
      if (!existsSync(path)) throw new InputError(path, 'missing from the model set');
      const buf = readInputFileSync(path);
      const got = sha256Hex(buf);
      if (got !== entry.sha256) {
        throw new InputError(
          path,
          `does not belong to this model set (sha256 ${got.slice(0, 12)}…, manifest.json expects ${entry.sha256.slice(0, 12)}…); re-export the set so its files come from one run`,
        );
      }
      return buf;
    };
    const bytes = new Map<ModelName, Uint8Array>();
    for (const m of MODEL_FILES) bytes.set(m, verified(`${m}.onnx`));
    for (const m of OPTIONAL_MODEL_FILES) if (Object.hasOwn(manifest.files, `${m}.onnx`)) bytes.set(m, verified(`${m}.onnx`));
    const text: Record<string, string> = Object.create(null);
    for (const f of DATA_FILES) text[f] = verified(f).toString('utf8');
    const parse = <T>(f: string): T => {
      try {
        return JSON.parse(text[f]!) as T;
      } catch {
        throw new InputError(join(dir, f), 'not valid JSON');
      }
    };
    let tokenizer: Tokenizer;
    try {
      tokenizer = Tokenizer.fromJSON(parse<VocabFile>('vocab.json'));
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(join(dir, 'vocab.json'), err instanceof Error ? err.message : String(err));
    }
    const answers = parse<{ answers: string[] }>('answers.json').answers;
    if (!Array.isArray(answers)) throw new InputError(join(dir, 'answers.json'), 'expected {"answers": [...]}');
    const ops = parse<{ ops: string[] }>('ops.json').ops;
    if (JSON.stringify(ops) !== JSON.stringify(OP_VOCAB)) {
      throw new InputError(join(dir, 'ops.json'), 'op vocabulary differs from this build\'s featurizer (the models were trained on another op list); re-train or use a matching build');
    }
    const binLayout = binLayoutOfFile(parse<unknown>('bins.json'));
    if (!binLayout) {
      throw new InputError(join(dir, 'bins.json'), 'shape bins differ from this build\'s featurizer; re-train or use a matching build');
    }
    return new ModelSet(dir, manifest, tokenizer, answers, binLayout, bytes, opts);
  }

  /** Whether the set has this model (the optional ones may be absent). */
  has(name: ModelName): boolean {
    return this.bytes.has(name);
  }

  /** The session of one model, created on first use. */
  session(name: ModelName): Promise<ort.InferenceSession> {
    let s = this.sessions.get(name);
    if (!s) {
      if (!this.bytes.has(name)) return Promise.reject(new InputError(join(this.dir, `${name}.onnx`), 'not part of this model set (its manifest does not list it)'));
      s = this.opener.open(this.bytes.get(name)!, join(this.dir, `${name}.onnx`)).then((o) => {
        this.messages.push(...o.messages);
        return o.session;
      });
      this.sessions.set(name, s);
    }
    return s;
  }

  async run(name: ModelName, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    const s = await this.session(name);
    return (await s.run(feeds)) as Record<string, ort.Tensor>;
  }
}

const cache = new Map<string, ModelSet>();

/** The process-wide set for a directory (loaded and verified once). */
export function loadModelSet(opts: ModelSetOptions = {}): ModelSet {
  const key = `${resolve(opts.dir ?? defaultModelDir())}|${opts.device ?? 'cpu'}|${opts.threads ?? 1}`;
  let set = cache.get(key);
  if (!set) {
    set = ModelSet.load(opts);
    cache.set(key, set);
  }
  return set;
}
