/**
 * Options shared by the commands that run the trained ArchBERT models
 * (describe, find, ask, index, eval): where the model set is and which device.
 */
import { Option, type Command } from 'commander';
import { loadModelSet, type ModelSet } from '../../core/archbert/model/model-set.js';
import { DEVICES, type Device } from '../../core/runtime/session.js';
import { warn } from '../common.js';

export interface ModelOptions {
  models?: string;
  device?: Device;
}

export function withModelOptions(cmd: Command): Command {
  return cmd
    .option('--models <dir>', 'the trained ArchBERT set (default: models/archbert of this package, or $ARCHBERT_MODELS)')
    .addOption(new Option('--device <device>', 'execution provider').choices([...DEVICES]).default('cpu'));
}

/** Loads (and verifies) the set; messages such as a CUDA fallback go to stderr. */
export function modelSetFor(opts: ModelOptions): ModelSet {
  return loadModelSet({ dir: opts.models, device: opts.device ?? 'cpu' });
}

export function flushModelMessages(set: ModelSet): void {
  for (const m of set.messages.splice(0)) warn(m);
}
