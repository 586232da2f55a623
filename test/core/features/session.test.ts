import { describe, expect, it } from 'vitest';
import type * as ort from 'onnxruntime-node';
import { WorkError } from '../../../src/core/errors.js';
import { SessionOpener, openSession, type SessionFactory } from '../../../src/core/runtime/session.js';

/** A fake ORT: records the providers asked for; CUDA loads only when `cudaWorks`. */
function fakeFactory(cudaWorks: boolean) {
  const calls: string[][] = [];
  const factory: SessionFactory = async (_model, options) => {
    const eps = (options.executionProviders ?? []).map((e) => (typeof e === 'string' ? e : e.name));
    calls.push(eps);
    if (eps.includes('cuda') && !cudaWorks) throw new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
    return { fake: eps } as unknown as ort.InferenceSession;
  };
  return { factory, calls };
}

describe('execution provider selection', () => {
  it('cpu asks for the CPU provider only', async () => {
    const f = fakeFactory(true);
    const s = await openSession(new Uint8Array(), 'm', { device: 'cpu' }, f.factory);
    expect(s.provider).toBe('cpu');
    expect(f.calls).toEqual([['cpu']]);
    expect(s.messages).toEqual([]);
  });

  it('cuda asks for CUDA only and fails with install instructions when it cannot load', async () => {
    const f = fakeFactory(false);
    const err = await openSession(new Uint8Array(), 'resnet', { device: 'cuda' }, f.factory).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkError);
    expect((err as Error).message).toMatch(/^resnet: cannot run on CUDA \(.*Failed to load shared library\)/);
    expect((err as Error).message).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node');
    expect(f.calls).toEqual([['cuda']]); // never ['cuda', 'cpu']: that does not fall back by itself
  });

  it('auto uses CUDA when it loads, silently', async () => {
    const f = fakeFactory(true);
    const s = await openSession(new Uint8Array(), 'm', { device: 'auto' }, f.factory);
    expect(s.provider).toBe('cuda');
    expect(s.messages).toEqual([]);
  });

  it('auto falls back to CPU and says so, once per run', async () => {
    const f = fakeFactory(false);
    const opener = new SessionOpener({ device: 'auto', intraOpThreads: 2 }, f.factory);
    const a = await opener.open(new Uint8Array(), 'a');
    const b = await opener.open(new Uint8Array(), 'b');
    expect(a.provider).toBe('cpu');
    expect(a.messages).toHaveLength(1);
    expect(a.messages[0]).toMatch(/CUDA is not available .*running on CPU/);
    expect(b.messages).toEqual([]);
    // CUDA is tried once, then the run goes straight to CPU.
    expect(f.calls).toEqual([['cuda'], ['cpu'], ['cpu']]);
  });

  it('passes the intra-op thread count through', async () => {
    let seen: ort.InferenceSession.SessionOptions | undefined;
    const factory: SessionFactory = async (_m, o) => {
      seen = o;
      return {} as ort.InferenceSession;
    };
    await openSession(new Uint8Array(), 'm', { device: 'cpu', intraOpThreads: 3 }, factory);
    expect(seen?.intraOpNumThreads).toBe(3);
  });

  it('the real runtime without a CUDA provider falls back under auto', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(new URL('../../../fixtures/rank/zoo-cls/gemm_a.onnx', import.meta.url));
    const s = await openSession(bytes, 'gemm_a', { device: 'auto' });
    // On a machine with the CUDA provider installed this is 'cuda'; here (no provider) it must be cpu with a message.
    if (s.provider === 'cpu') expect(s.messages[0]).toContain('running on CPU');
    await s.session.release();
  });
});

describe('spinning', () => {
  it('spin: false turns off ORT intra-op spinning; the default leaves ORT alone', async () => {
    const seen: Array<Record<string, unknown> | undefined> = [];
    const factory: SessionFactory = async (_m, o) => {
      seen.push(o.extra as Record<string, unknown> | undefined);
      return {} as ort.InferenceSession;
    };
    await openSession(new Uint8Array(), 'm', { device: 'cpu', spin: false }, factory);
    await openSession(new Uint8Array(), 'm', { device: 'cpu' }, factory);
    expect(seen).toEqual([{ session: { intra_op: { allow_spinning: '0' } } }, undefined]);
  });
});
