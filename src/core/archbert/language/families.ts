/**
 * The architecture families a text names ("a swin transformer", "ResNet",
 * "mobilenet v3"), as the family keys of family-knowledge.ts: every surface
 * form of each family, longest first. Read by find's constraints, ask's "is
 * it a …?" and describe's family claims; whether a graph is of a family is
 * checked in constraint-check.ts.
 */
import { FAMILY_KNOWLEDGE } from '../facts/family-knowledge.js';

const FAMILY_FORMS: Array<[string, string]> = (() => {
  const forms: Array<[string, string]> = [];
  for (const [key, info] of Object.entries(FAMILY_KNOWLEDGE)) forms.push([info.display.toLowerCase(), key], [key, key]);
  forms.push(
    ['swin', 'swin'], ['efficientnet v2', 'efficientnetv2'], ['efficientnet-v2', 'efficientnetv2'], ['efficientnet_v2', 'efficientnetv2'],
    ['mobilenet v2', 'mobilenetv2'], ['mobilenet v3', 'mobilenetv3'], ['vision transformer', 'vit'], ['mlp-mixer', 'mlpmixer'], ['wide resnet', 'wideresnet'],
    ['mask r-cnn', 'maskrcnn'], ['faster r-cnn', 'fasterrcnn'], ['shufflenet', 'shufflenetv2'], ['mobilenet', 'mobilenetv2'],
    // RegNetX / RegNetY are the two RegNet design spaces (without / with SE): the same family to the structural rules.
    ['mlp mixer', 'mlpmixer'], ['mixer', 'mlpmixer'], ['densely connected', 'densenet'], ['dense connectivity', 'densenet'], ['channel shuffle', 'shufflenetv2'],
    ['deeplab', 'deeplabv3'], ['mobilenet v1', 'mobilenetv1'], ['mobilenet-v1', 'mobilenetv1'], ['network-in-network', 'nin'],
    ['heatmap pose net', 'poseheatmap'], ['simplebaseline', 'poseheatmap'], ['simple baseline', 'poseheatmap'],
    ['regnetx', 'regnet'], ['regnety', 'regnet'], ['regnet-x', 'regnet'], ['regnet-y', 'regnet'], ['regnet x', 'regnet'], ['regnet y', 'regnet'],
  );
  return forms.sort((a, b) => b[0].length - a[0].length);
})();

/** Words that name a kind of layer or network more than a family: never a family constraint. */
const GENERIC_FAMILY_WORDS = new Set(['transformer', 'rnn', 'lstm', 'gru', 'mlp', 'autoencoder', 'vae', 'dcgan', 'seq2seq', 'tcn', 'inception', 'ssd']);

/** Every known family a text names ("its design follows bert: a vit" → bert, vit), longest mentions first. */
export function familyMentions(q: string, opts: { specificOnly?: boolean } = {}): string[] {
  let text = q.toLowerCase();
  const out: string[] = [];
  for (let key = familyMention(text, opts); key !== null; key = familyMention(text, opts)) {
    if (!out.includes(key)) out.push(key);
    // Blank every form of this family out and look again.
    for (const [form, k] of FAMILY_FORMS) if (k === key) text = text.split(form).join(' ');
  }
  return out;
}

/** The known family a text names ("swin transformer" → swin), by its longest mention; null when none. */
export function familyMention(q: string, opts: { specificOnly?: boolean } = {}): string | null {
  const text = q.toLowerCase();
  for (const [form, key] of FAMILY_FORMS) {
    if (form.length < 3 || (opts.specificOnly && GENERIC_FAMILY_WORDS.has(key))) continue;
    // "a hierarchical vision transformer" describes a kind of network (Swin is one), not the ViT family; "ViT" names it.
    if (opts.specificOnly && form === 'vision transformer') continue;
    const re = new RegExp(`(^|[^a-z0-9])${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`);
    if (re.test(text)) return key;
  }
  return null;
}
