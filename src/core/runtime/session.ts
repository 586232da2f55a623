/**
 * ONNX Runtime session creation and execution-provider selection.
 *
 * `--device cpu`  → the CPU provider.
 * `--device cuda` → the CUDA provider only; if it cannot load, a WorkError that
 *                   says how to install it (onnxruntime-node does not bundle it).
 * `--device auto` → try CUDA, and if that fails fall back to CPU and say so.
 *
 * Why not just pass ['cuda', 'cpu']: onnxruntime-node fails the whole session
 * when any listed provider cannot be appended, so it never falls back by
 * itself; the fallback has to be a second session creation.
 */
import * as ort from 'onnxruntime-node';
import { WorkError } from '../errors.js';

export type Device = 'auto' | 'cpu' | 'cuda';
export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda'];

export interface SessionSettings {
  device: Device;
  /** Threads ORT uses inside one operator; 0 or undefined = ORT's default (one per physical core). */
  intraOpThreads?: number;
  /**
   * Let ORT's worker threads spin while waiting for work (ORT's default: true). Feature extraction
   * turns it off: image decoding runs alongside inference, and spinning threads burn the CPU time
   * the decoder needs (measured: ~0.5 CPU-s per 128 ResNet-18 images on 2 cores, 15 % of inference).
   */
  spin?: boolean;
}

/** Creates a session for a model (bytes or path) with the given providers; injectable for tests. */
export type SessionFactory = (model: Uint8Array | string, options: ort.InferenceSession.SessionOptions) => Promise<ort.InferenceSession>;

export const ortSessionFactory: SessionFactory = (model, options) =>
  typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider the session actually runs on. */
  provider: 'cpu' | 'cuda';
  /** Things the user should be told (e.g. the CUDA fallback), for the command to print. */
  messages: string[];
}

export const CUDA_INSTALL_HINT =
  'the CUDA execution provider is not bundled with onnxruntime-node: on Linux x64 with CUDA 12 and cuDNN 9 installed, run ' +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (it downloads the provider from NuGet; see README "GPU (CUDA)"), ' +
  'or use --device cpu';

let quietLogs = false;
/** ORT's native logger prints its own red lines when a provider fails to load; we report the failure ourselves. */
function quietOrtLogs(): void {
  if (quietLogs) return;
  quietLogs = true;
  if (!ort.env.logLevel || ort.env.logLevel === 'warning') ort.env.logLevel = 'fatal';
}

function baseOptions(settings: SessionSettings): ort.InferenceSession.SessionOptions {
  const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  if (settings.intraOpThreads && settings.intraOpThreads > 0) options.intraOpNumThreads = settings.intraOpThreads;
  if (settings.spin === false) options.extra = { session: { intra_op: { allow_spinning: '0' } } };
  return options;
}

function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}

/**
 * Opens a session on the requested device. `label` names the model in errors.
 * Errors loading the model itself (not the provider) are rethrown as they are.
 */
export async function openSession(
  model: Uint8Array | string,
  label: string,
  settings: SessionSettings,
  factory: SessionFactory = ortSessionFactory,
): Promise<OpenedSession> {
  quietOrtLogs();
  const options = baseOptions(settings);
  if (settings.device === 'cpu') {
    return { session: await factory(model, { ...options, executionProviders: ['cpu'] }), provider: 'cpu', messages: [] };
  }
  let cudaError: unknown;
  try {
    const session = await factory(model, { ...options, executionProviders: ['cuda'] });
    return { session, provider: 'cuda', messages: [] };
  } catch (err) {
    cudaError = err;
  }
  if (settings.device === 'cuda') {
    throw new WorkError(`${label}: cannot run on CUDA (${reason(cudaError)}); ${CUDA_INSTALL_HINT}`, { cause: cudaError });
  }
  const session = await factory(model, { ...options, executionProviders: ['cpu'] });
  return {
    session,
    provider: 'cpu',
    messages: [
      `CUDA is not available (${reason(cudaError)}); running on CPU (for a GPU see README "GPU (CUDA)"; --device cpu skips this check)`,
    ],
  };
}

/**
 * Remembers a failed CUDA attempt so that `auto` tries CUDA once per run
 * rather than once per model (each failed attempt costs a provider load).
 */
export class SessionOpener {
  private cudaFailed = false;
  private said = new Set<string>();
  constructor(
    private readonly settings: SessionSettings,
    private readonly factory: SessionFactory = ortSessionFactory,
  ) {}

  async open(model: Uint8Array | string, label: string): Promise<OpenedSession> {
    const device: Device = this.settings.device === 'auto' && this.cudaFailed ? 'cpu' : this.settings.device;
    const opened = await openSession(model, label, { ...this.settings, device }, this.factory);
    if (this.settings.device === 'auto' && opened.provider === 'cpu') this.cudaFailed = true;
    // The fallback message is said once per run, not once per model.
    opened.messages = opened.messages.filter((m) => !this.said.has(m) && this.said.add(m));
    return opened;
  }
}
