/**
 * Understanding an `archbert ask` question: what kind of sentence it is
 * (yes/no, wh-question, statement to check) and what it asks about (an
 * Intent). Rules over the same vocabulary the dataset grammar uses, with the
 * everyday phrasings users type (terse topics, abbreviations, typos, polite
 * wrappers, rhetorical negatives, compared counts). ask/exact-answer.ts
 * answers an Intent from the facts; a question the rules miss is read from
 * the learned QA head's answer (intentFromAnswer).
 */
import { CONV_KINDS, type Modality } from '../facts/arch-summary.js';
import { parseConstraints } from './constraints.js';
import { familyMention } from './families.js';
import type { TaskKey } from './tasks.js';
import { featurePhrases } from './feature-phrases.js';
import { parseQuantities, parseStatedCounts, type QuantityConstraint } from './quantity.js';
import { correctWord } from './spelling.js';
import { canonicalPhrasing } from './phrasing-aliases.js';
import { KIND_CANON } from './vocabulary.js';

export type AskKind = 'yes_no' | 'choice' | 'value' | 'statement';

/** What the parser understood. `template` names the QA-head template it corresponds to (for the learned cross-check). */
export type Intent =
  /** keys must all be present (absent when negated); `absent` keys ("X instead of Y") must all be absent. */
  /** `anyOf`: "does it use batch norm or layer norm?" is true when one of them is there. */
  | { type: 'presence'; keys: string[]; negated: boolean; phrase: string; absent?: string[]; absentPhrase?: string; anyOf?: boolean }
  /** The vocabulary size (rows of the embedding table) or the attention window (tokens per window). */
  | { type: 'size_of'; what: 'vocab' | 'window' | 'classes' | 'heads' | 'inputs' | 'outputs' | 'width' | 'mlp_width' | 'patch' | 'max_len' }
  /** `also`: the other end of a range ("between 15M and 25M", "about 50M"): both must hold. */
  | { type: 'params_bound'; kind: 'max_params' | 'min_params'; value: number; text: string; also?: { kind: 'max_params' | 'min_params'; value: number }; trainable?: boolean }
  /** Stated counts compared ("fewer than 20 SE blocks"); all must hold. */
  | { type: 'quantity'; constraints: QuantityConstraint[] }
  | { type: 'modality_is'; modality: Modality }
  /** Kernel sizes against a stated size by area: any larger ("any kernel bigger than 3x3?") or all within it. */
  | { type: 'kernel_cmp'; larger: boolean; size: number; text: string; all: boolean }
  /** The number of graph inputs stated ("takes a single input tensor"). */
  | { type: 'inputs_are'; count: number }
  /** `modality`: "an image classification model" also states the input. */
  | { type: 'task_is'; task: TaskKey; modality?: Modality }
  | { type: 'family_is'; family: string }
  | { type: 'kind_is'; kind: 'convolutional' | 'transformer' | 'recurrent' | 'mlp' }
  | { type: 'lightweight' }
  /** `convKind`: kernels of one convolution kind only ("which kernel size do the depthwise convs use?"). */
  | { type: 'which'; what: 'norm' | 'activation' | 'pooling' | 'kernels' | 'blocks' | 'conv_kinds' | 'recurrent'; convKind?: string }
  /** The first convolution: its kernel, its stride, or both. */
  | { type: 'stem'; part: 'kernel' | 'stride' | 'all' }
  | { type: 'which_of'; options: string[]; negated: boolean }
  /** `trainable`: parameters without buffers and exporter-made constants. */
  | { type: 'count'; what: 'params' | 'layers' | 'depth' | 'macs' | 'op' | 'transformer_layers'; key?: string; trainable?: boolean }
  | { type: 'what'; what: 'task' | 'family' | 'kind' | 'after_conv' | 'modality' | 'largest_kernel' | 'year' | 'input' | 'output' | 'role' | 'output_activation' }
  /** A causal (decoder) attention mask. */
  | { type: 'causal' };

export interface ParsedQuestion {
  kind: AskKind;
  intent: Intent | null;
}

const YES_NO_START = /^(does|do|did|is|are|was|were|has|have|had|can|could|will|would|should|uses?|contains?)\b/;
const WH_START = /^(which|what|how|who|when|where|why|whats|what's|list|name|tell|give|show)\b/;

export function normalizeQuestion(q: string): string {
  return q
    .toLowerCase()
    .replace(/[a-z]+/g, correctWord)
    .replace(/normalis(ation|ed|e)/g, 'normaliz$1')
    .replace(/[‘’]/g, "'")
    // "fully connected (linear) layers": an aside in brackets reads as part of the phrase.
    .replace(/[()[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s+([?.!,])/g, '$1')
    .trim()
    // "# params", "num of GRU layers", "no. of heads": the count is asked.
    .replace(/^#\s*/, 'number of ')
    .replace(/\b(?:num|nr|no)\. of\b|\b(?:num|nr) of\b/g, 'number of')
    // Chat shorthand: "wat task?", "wht family", "fam?" (the family), "arch" (architecture).
    .replace(/\b(?:wat|wht|wut)\b/g, 'what')
    .replace(/\bwhats\b/g, "what's")
    .replace(/\bfam\b/g, 'family')
    .replace(/\barch\b(?= family|\?|$)/g, 'architecture');
}

/**
 * A bare topic noun ("norm layers?", "kernel sizes used?", "activation fn?",
 * "params?") asks for the values, not whether something exists; a bare
 * feature ("depthwise convs?", "layer norm?") stays a yes/no question.
 */
const TERSE_TOPIC = new RegExp(
  String.raw`^(?:the |its )?(?:` +
    String.raw`(?:norm(?:alization)?|activation|pooling|kernel|filter|convolution|conv|block|recurrent)s?(?: (?:layers?|types?|kinds?|functions?|fns?|sizes?|ops?|cells?|used))*` +
    String.raw`|non-?linearit(?:y|ies)|building blocks|task|purpose|family|architecture family|(?:total )?(?:params|parameters|param count|parameter count)(?: in millions)?|model size|depth|(?:total )?(?:macs|flops|gflops|gmacs)|layers|layer count` +
    String.raw`|(?:largest|biggest|max(?:imum)?) (?:kernel|filter)(?: size)?` +
    String.raw`|input(?: shape| size| resolution)?|output(?: shape)?|modality|stem|vocab(?:ulary)?(?: size)?|(?:number of )?classes|year` +
    String.raw`|hidden (?:size|dim(?:ension)?|width|units)|embedding (?:size|dim(?:ension)?|width)|d_?model|model (?:dim(?:ension)?|width)|patch(?:es)? size|(?:max(?:imum)? )?(?:sequence|context|input) (?:length|len)|context (?:size|window)` +
    String.raw`|(?:mlp|ffn|feed-?forward) (?:hidden )?(?:size|dim(?:ension)?|width)|(?:attention )?heads|number of heads` +
    String.raw`)(?: (?:used|present|in (?:it|this|here|the model|the net(?:work)?)|here|used in (?:it|this)))?$`,
);

/**
 * A sentence that opens with a topic noun and goes on ("MACs for one forward
 * pass?", "kernel sizes used by the convolutions?", "parameters in the head?")
 * asks for that topic's value.
 */
const TOPIC_START = new RegExp(
  String.raw`^(?:the |its )?(?:total )?(?:` +
    String.raw`(?:norm(?:alization)?|activation|pooling|kernel|filter|convolution|conv|block|recurrent) (?:layers?|types?|kinds?|functions?|fns?|sizes?|ops?|cells?)` +
    String.raw`|activations|norms|kernel sizes|non-?linearities|params|parameters|param count|parameter count|macs|flops|gflops|gmacs|multiply-accumulates|inputs?(?: tensors?| shapes?)|outputs?(?: tensors?| shapes?)|number of (?:inputs|outputs|input tensors|output tensors)` +
    String.raw`)\b(?! (?:is|are|was|were|does|do)\b)`,
);

/** "doesn't it use dropout?" asks the positive question ("No, it doesn't"): the negation is rhetorical. */
function dropRhetoricalNegation(q: string): string {
  return q
    // "could you tell me how many …", "do you know which …": the embedded question is what is asked.
    .replace(/^(?:could|can|would|will) you (?:please )?(?=(?:tell me|say|list|give me|show me|check)\b)/, '')
    .replace(/^(?:(?:do|does) (?:you|anyone) know|i(?:'d| would) like to know|i (?:want|need) to know|i wonder|(?:please )?(?:tell me|say|check))\s+(?=(?:how|what|which|whether|if)\b)/, '')
    .replace(/^(?:whether|if)\s+(?:it|this|the model|the network)\s+(uses|has|contains|is)\b/, (_m, v: string) => `${{ uses: 'does it use', has: 'does it have', contains: 'does it contain', is: 'is it' }[v]}`)
    .replace(/^(does|do|is|are|has|have|did|was|were|should|would|could)(?:n't|nt)\b/, '$1')
    .replace(/^can't\b/, 'can')
    .replace(/^won't\b/, 'will');
}

/** Kind of sentence: a yes/no question, a wh-question, or a statement to check. */
export function sentenceKind(q: string): 'yes_no' | 'wh' | 'statement' {
  if (/^(tell me|show me|give me|list|name|count|(the )?(total )?(number|count) of)\b/.test(q)) return 'wh';
  const s = q.replace(/^(so|and|ok|okay|hey|please|quick question)[,:]?\s+/, '');
  const bareText = s.replace(/[?.!\s]+$/, '');
  if (TERSE_TOPIC.test(bareText) || TOPIC_START.test(bareText)) return 'wh';
  // "grouped conv layer count?", "SE block number?": a noun phrase ending in count/number asks for it.
  if (!YES_NO_START.test(s) && /\b(?:count|number|total|amount)$/.test(bareText)) return 'wh';
  // "Uses GELU activations." is a statement with the subject left out; "uses gelu?" a question.
  if (/^(uses|contains|has|includes|employs|relies|features|lacks|applies)\b/.test(s) && !s.endsWith('?')) return 'statement';
  if (YES_NO_START.test(s)) return 'yes_no';
  if (WH_START.test(s) || /^(in which|on which|for which|at which)\b/.test(s)) return 'wh';
  if (s.endsWith('?')) return /\b(which|what|how many|how much)\b/.test(s) ? 'wh' : 'yes_no';
  return 'statement';
}

/** "is it a transformer?", "this is a CNN", "it's an RNN": the network named as what the model is (not "the GELU in the MLP"). */
const IS_A = String.raw`(?:^|\b(?:is|it's|its|as|be|was|being|it|this|that|model|network|net|architecture)\s+)(?:an?|the)\s+`;
const NET_KIND_PATTERNS: Array<[RegExp, Extract<Intent, { type: 'kind_is' }>['kind']]> = [
  [new RegExp(String.raw`${IS_A}(vision |pure )?(transformer|attention-based (network|model))\b`), 'transformer'],
  [new RegExp(String.raw`${IS_A}(cnn|convnet|convolutional (neural )?(network|net|model))\b`), 'convolutional'],
  [new RegExp(String.raw`${IS_A}(rnn|recurrent (neural )?(network|net|model))\b`), 'recurrent'],
  [new RegExp(String.raw`${IS_A}(mlp|multilayer perceptron|multi-layer perceptron|fully connected (network|net))\b`), 'mlp'],
  [/^(is|was) (it|this|the model|this model|the network|this network|the net) (purely |fully |entirely )?convolutional\b/, 'convolutional'],
  [/^(is|was) (it|this|the model|this model|the network|this network) (a )?transformer-based\b/, 'transformer'],
];

const WHICH_TOPICS: Array<[RegExp, Extract<Intent, { type: 'which' }>['what']]> = [
  [/normaliz|norm layers|\bnorms?\b/, 'norm'],
  [/activation|non-?linearit/, 'activation'],
  [/pool/, 'pooling'],
  [/kernel|filter size|receptive/, 'kernels'],
  [/block|building|module/, 'blocks'],
  [/convolution (types|kinds)|kinds? of convolution|types? of convolution|conv types/, 'conv_kinds'],
  [/recurren|rnn cell|cells/, 'recurrent'],
];

/**
 * "X instead of Y", "X rather than Y", "X and not Y", "X, not Y", "X and no Y", "X but no Y", "X with no Y",
 * "X, without Y": uses X and does not use Y. (Read as one negated sentence, "relu and no layer norm?" asked
 * whether both were absent.) "and no more than 20 …" is a bound, not a contrast.
 */
const CONTRAST =
  /(?:\b(?:instead of|rather than|as opposed to|in place of|(?:and|but) (?:not|no|without)|with no)\b|,\s*(?:not|no|without)\b)(?!\s+(?:more|fewer|less|bigger|larger|greater|smaller|higher|lower|over|under|above|below|only)\b)/;
const NEGATION = /\b(not|no|never|without|doesn't|don't|isn't|aren't|lacks?|free of|none)\b/;

/**
 * The two halves of a contrast in a yes/no question or statement ("does it use X but no Y?" →
 * "does it use X", "Y"), in the normalised text; null without one. ask/contrast-answer.ts asks
 * each half on its own when a design idea is named, since CONTRAST's presence intent reads only features.
 */
export function contrastHalves(raw: string): { used: string; excluded: string; kind: 'yes_no' | 'statement' } | null {
  const { kind, body } = readQuestion(raw);
  if (kind === 'wh') return null;
  const m = CONTRAST.exec(body);
  if (!m) return null;
  const used = body.slice(0, m.index).replace(/[\s,]+$/, '');
  const excluded = body.slice(m.index + m[0].length).trim();
  return used && excluded ? { used, excluded, kind } : null;
}

/** The sentence kind and the normalised body (closing punctuation dropped, aliases applied) that the rules read. */
function readQuestion(raw: string): { kind: 'yes_no' | 'wh' | 'statement'; body: string } {
  const q = dropRhetoricalNegation(normalizeQuestion(raw));
  return { kind: sentenceKind(q), body: canonicalPhrasing(q.replace(/[?.!]+$/, '')) };
}

/** Parses a question or statement into its kind and intent (null = not understood by the rules). */
export function parseQuestion(raw: string): ParsedQuestion {
  const { kind: sk, body } = readQuestion(raw);
  if (sk === 'wh') {
    // "which of these does it (not) use: a, b, c?" / "which of batch norm, layer norm or group norm is used?"
    const of = /which (?:one )?of (?:these|the following|them)?\s*(.*)$/.exec(body);
    if (of) {
      const opts = featurePhrases(body).map((p) => p.key);
      if (opts.length >= 2) return { kind: 'choice', intent: { type: 'which_of', options: [...new Set(opts)], negated: /\b(not|absent|missing|never|doesn't|isn't|aren't|lacks?)\b/.test(body) } };
    }
    // Bare topics ("params?", "depth?", "layers?"): the value itself.
    if (/^(?:what|which) is (?:the |its )?(?:total )?(?:param(?:eter)? count|number of param(?:eter)?s|model size)\b|^what(?:'s| is) (?:the )?size of (?:the |this )?(?:model|network|net)$/.test(body)) return { kind: 'value', intent: paramsIntent(body) };
    const bare = body.replace(/ (?:used|present|here|in (?:it|this|here|the model|the net(?:work)?))$/, '').replace(/^(?:the|its) /, '');
    if (/^(?:total )?(?:params|parameters|param count|parameter count|model size)(?: in millions)?$/.test(bare)) return { kind: 'value', intent: { type: 'count', what: 'params' } };
    if (/^(?:total )?(?:params|parameters|param count|parameter count)\b/.test(bare)) return { kind: 'value', intent: paramsIntent(body) };
    // Widths and lengths of a token model: d_model, the MLP's hidden width, the patch size, the longest sequence.
    if (/\b(?:mlp|ffn|feed-?forward|intermediate)\b/.test(body) && /\b(?:hidden|size|dim(?:ension)?s?|width|units|expansion)\b/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'mlp_width' } };
    if (/\b(?:hidden (?:size|dim(?:ension)?|width|units|state size)|embedding (?:size|dim(?:ension)?|width)|d_?model|model (?:dim(?:ension)?|width)|token (?:dim(?:ension)?|width))\b/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'width' } };
    if (/\bpatch(?:es)? size\b|\bsize of (?:the |each |its )?patch(?:es)?\b|\bpatch (?:resolution|dim(?:ension)?s?)\b|\bhow (?:big|large) are (?:the )?patches\b/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'patch' } };
    if (/\b(?:max(?:imum)?|longest) (?:sequence |input |context |token )?(?:length|len)\b|\bcontext (?:length|size|window)\b|\bmax(?:imum)? (?:number of )?(?:tokens|positions)\b|\b(?:input |token )?sequence (?:length|len)\b|\bseq(?:uence)? len\b|\binput length\b|\bhow many tokens\b/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'max_len' } };
    if (/\bencoder\b.*\bdecoder\b|\bdecoder\b.*\bencoder\b|\b(?:encoder|decoder)[- ]only\b/.test(body) && !/\bhow many\b|\bnumber of\b/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'role' } };
    if (/\bdepth\b|\bhow deep\b/.test(body) && !/\b(?:kernel|filter|multiplier)\b/.test(body)) return { kind: 'value', intent: { type: 'count', what: 'depth' } };
    // MACs / FLOPs and the graph depth are asked whatever else the sentence names ("MACs … at the exported input size?").
    if (/\b(?:macs|flops|gflops|gmacs|multiply-accumulates?|mac (?:count|ops|operations))\b/.test(body) && !/\b(?:kernel|filter)\b/.test(body)) return { kind: 'value', intent: { type: 'count', what: 'macs' } };
    if (/\b(?:graph|network|model) depth\b|^(?:what(?:'s| is) (?:the |its )?)?depth$/.test(body)) return { kind: 'value', intent: { type: 'count', what: 'depth' } };
    // "MACs for one forward pass at …": the topic named first is what is asked, whatever follows.
    if (/^(?:total )?(?:macs|flops|gflops|gmacs|multiply-accumulates)\b/.test(bare)) return { kind: 'value', intent: { type: 'count', what: 'macs' } };
    if (/^(?:layers|layer count)$/.test(bare)) return { kind: 'value', intent: { type: 'count', what: 'layers' } };
    // "what activation is on the output?", "final activation?", "output nonlinearity": the activation the outputs come out of.
    if (/\b(?:activation|non-?linearity|squashing function)s?\b/.test(body) && /\b(?:on|at|of|for|before) (?:the |its )?(?:output|final layer|last layer|logits)|\b(?:output|final|last) (?:activation|non-?linearity|layer'?s? activation)/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'output_activation' } };
    // "how big is the stem kernel?", "kernel size of the stem?" ("the first conv" reads as the stem): the stem, not a count of convs.
    if (/\bstem\b/.test(body) && /\b(?:kernel|filter|stride|size|big|large)\b/.test(body) && !/how many|number of/.test(body)) return { kind: 'value', intent: { type: 'stem', part: /stride/.test(body) ? 'stride' : 'kernel' } };
    if (/how many|how much|number of|count of|^count\b|\b(?:count|number|total)$|how big|how large|how deep|what size|size of/.test(body)) {
      if (/vocab/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'vocab' } };
      if (/\b(classes|categories|labels|output classes|outputs)\b/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'classes' } };
      if (/\bheads?\b/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'heads' } };
      // "how many transformer layers / encoder blocks / decoder layers": layers of the transformer, not weighted layers.
      if (/\b(?:transformer|encoder|decoder)s? (?:layers?|blocks?)\b|\b(?:encoder|decoder|transformer) layers?\b/.test(body)) return { kind: 'value', intent: { type: 'count', what: 'transformer_layers' } };
      if (/\binputs?\b(?! (?:shape|size|resolution|channels?|image))/.test(body) && !/\binputs? (?:to|of) (?:the )?\w/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'inputs' } };
      if (/\boutputs?\b(?! (?:shape|size|classes|channels?|dim))/.test(body) && /\b(?:tensors?|heads|outputs)\b/.test(body) && !/\bclasses\b/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'outputs' } };
      if (/\bwindows?\b/.test(body) && /size|big|large|tokens/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'window' } };
      if (/param|weights|big|large|size/.test(body) && !/kernel|filter|input|image/.test(body)) return { kind: 'value', intent: paramsIntent(body) };
      if (/macs?\b|flops|multiply|operations|compute/.test(body)) return { kind: 'value', intent: { type: 'count', what: 'macs' } };
      if (/how deep|\bdepth\b|longest path/.test(body) && !/weighted|layers/.test(body)) return { kind: 'value', intent: { type: 'count', what: 'depth' } };
      // A named kind first ("how many layer norms"), the generic "normalization layers" (all norm kinds together) otherwise.
      const byNamed = (ph: ReturnType<typeof featurePhrases>) => [...ph.filter((p) => p.key !== 'normalization'), ...ph.filter((p) => p.key === 'normalization')];
      let ph = byNamed(featurePhrases(body));
      // Plurals the vocabulary lacks ("layer norms", "relus"): retry on the singular words.
      if (!ph.length) ph = byNamed(featurePhrases(body.replace(/\b([a-z0-9]{2,}?)s\b/g, '$1')));
      if (ph.length) return { kind: 'value', intent: { type: 'count', what: 'op', key: ph[0]!.key } };
      if (/layer|deep/.test(body)) return { kind: 'value', intent: { type: 'count', what: 'layers' } };
      // A count of something the facts do not name ("how many dense blocks?"): not a list of block types.
      return { kind: 'value', intent: null };
    }
    if (/vocab/.test(body) && /size|big|large|how many|words|tokens|entries/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'vocab' } };
    if (/\bwindows?\b/.test(body) && /size|big|large|tokens|how many/.test(body) && !/pool/.test(body)) return { kind: 'value', intent: { type: 'size_of', what: 'window' } };
    if (/\bstem\b/.test(body)) return { kind: 'value', intent: { type: 'stem', part: /kernel|size|filter/.test(body) ? 'kernel' : /stride/.test(body) ? 'stride' : 'all' } };
    if (/\b(task|used for|designed for|good for|purpose|problem|meant (?:for|to)|supposed to|intended (?:for|to)|built for|does it do|is it for|solve|use case)\b/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'task' } };
    // "what's it for?", "what is srcnn for?", "what does this model do?": the whole model's purpose (not a part's role).
    if (/^what(?:'s| is| are)\s+(?:\S+\s+){0,3}for$|^what does (?:it|this|that|the)(?:\s+\S+){0,2}\s+do$/.test(body) && !/\b(?:layers?|blocks?|kernels?|conv\w*|norm\w*|activations?|pool\w*|heads?|stem|branch\w*|modules?)\b/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'task' } };
    if (/famil|which (architecture|model) is|what (architecture|model) is (this|it)|known architecture|based on/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'family' } };
    if (/\b(follows?|after|comes next)\b/.test(body) && /conv/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'after_conv' } };
    if (/\b(year|when)\b/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'year' } };
    if (/largest|biggest|widest/.test(body) && /kernel|filter/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'largest_kernel' } };
    if (/input (shape|size|resolution)|input tensor|resolution|^(?:what|which) (?:is|are) (?:the |its )?inputs?$|^inputs?$|what does it take(?: as input)?$/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'input' } };
    if (/\b(output|outputs|predicts?|produces?|returns?)\b/.test(body) && !/\b(task|used for|purpose)\b|activation|normaliz|\bnorms?\b|pool|kernel|block|layer/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'output' } };
    if (/(?:kind|sort|type) of (?:data|input)|input modality|data type|modality|what (?:data|input)|data goes in|goes into it/.test(body)) {
      // "…: images, text or audio?": a choice among the listed modalities.
      const listed = [...body.matchAll(/\b(images?|text|audio|video|point clouds?|tabular|tokens)\b/g)].length;
      return { kind: listed >= 2 ? 'choice' : 'value', intent: { type: 'what', what: 'modality' } };
    }
    if (/(type|kind|sort) of (neural )?(network|net|model|architecture)|is it a cnn/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'kind' } };
    for (const [re, what] of WHICH_TOPICS) {
      if (!re.test(body)) continue;
      if (what === 'kernels') {
        const convKind = featurePhrases(body).find((p) => p.key !== 'conv' && (CONV_KINDS as readonly string[]).includes(p.key))?.key;
        if (convKind) return { kind: 'choice', intent: { type: 'which', what, convKind } };
      }
      return { kind: 'choice', intent: { type: 'which', what } };
    }
    return { kind: 'value', intent: null };
  }
  // "BN or LN?", "relu or gelu?": a bare alternative asks which of them is used.
  const alt = featurePhrases(body);
  if (sk === 'yes_no' && alt.length >= 2 && alt[0]!.start === 0 && alt[alt.length - 1]!.end === body.length && /^(?:\s*(?:,|or|\/)\s*)+$/.test(body.slice(alt[0]!.end, alt[1]!.start))) {
    const gapsOk = alt.slice(1).every((p, i) => /^(?:\s*(?:,|or|\/)\s*)+$/.test(body.slice(alt[i]!.end, p.start)));
    if (gapsOk) return { kind: 'choice', intent: { type: 'which_of', options: [...new Set(alt.map((p) => p.key))], negated: false } };
  }
  // "is it an encoder or a decoder?": an alternative question, answered with the role.
  if (sk === 'yes_no' && /\b(?:encoder|decoder)(?:-only)?\s+or\s+(?:an?\s+)?(?:encoder|decoder)\b/.test(body)) return { kind: 'value', intent: { type: 'what', what: 'role' } };
  const kind: AskKind = sk === 'yes_no' ? 'yes_no' : 'statement';
  const negated = NEGATION.test(body);
  const contrast = CONTRAST.exec(body);
  if (contrast) {
    const cut = contrast.index;
    const phrases = featurePhrases(body);
    const used = phrases.filter((p) => p.end <= cut);
    const notUsed = phrases.filter((p) => p.start >= cut + contrast[0].length);
    if (used.length && notUsed.length) {
      const keys = [...new Set(used.map((p) => p.key))];
      const absent = [...new Set(notUsed.map((p) => p.key))].filter((k) => !keys.includes(k));
      if (absent.length) {
        return {
          kind,
          intent: { type: 'presence', keys, negated: NEGATION.test(body.slice(0, cut)), phrase: used.map((p) => p.phrase).join(', '), absent, absentPhrase: notUsed.map((p) => p.phrase).join(', ') },
        };
      }
    }
  }
  // "are any kernels bigger than 3x3?", "all kernels are at most 3x3": kernel sizes against a stated size.
  const kcmp = /\b(kernels?|filters?|conv(?:olution)?s?)\b.*?\b(bigger|larger|greater|wider|more|smaller|less|at most|no bigger|no larger|up to)\b(?: than)?\s+(\d+)\s*[x×]\s*(\d+)/.exec(body);
  if (kcmp) {
    const larger = /bigger|larger|greater|wider|more/.test(kcmp[2]!) && !/no bigger|no larger/.test(kcmp[2]!);
    const all = /\b(all|every|only|each)\b/.test(body) || !larger;
    return { kind, intent: { type: 'kernel_cmp', larger, size: Number(kcmp[3]) * Number(kcmp[4]), text: `${kcmp[3]}x${kcmp[4]}`, all: all && !larger ? true : false } };
  }
  // "takes a single input tensor", "has two inputs": the number of graph inputs.
  const inputs = /\b(?:takes?|has|have|with|accepts?|needs?)\s+(?:a\s+|exactly\s+|only\s+)?(single|one|two|three|four|\d+)\s+inputs?(?:\s+tensors?)?\b|\b(single|one|two|three|\d+)[- ]input\b/.exec(body);
  if (inputs) {
    const w = (inputs[1] ?? inputs[2])!;
    const n = ({ single: 1, one: 1, two: 2, three: 3, four: 4 } as Record<string, number>)[w] ?? Number(w);
    return { kind, intent: { type: 'inputs_are', count: n } };
  }
  // "fewer than 20 SE blocks", "depth above 200", "it has 12 attention blocks": a count compared.
  const quantities = parseQuantities(body);
  if (!quantities.length) quantities.push(...parseStatedCounts(body));
  if (quantities.length) return { kind, intent: { type: 'quantity', constraints: quantities } };
  const bounds = parseConstraints(body).filter((c) => c.kind === 'max_params' || c.kind === 'min_params');
  if (bounds.length) {
    const b = bounds[0] as Extract<Intent, { type: 'params_bound' }> & { kind: 'max_params' | 'min_params' };
    const other = bounds.find((c) => c.kind !== b.kind) as (Extract<Intent, { type: 'params_bound' }> & { kind: 'max_params' | 'min_params' }) | undefined;
    const trainable = /\btrainable\b/.test(body) ? { trainable: true } : {};
    return { kind, intent: { type: 'params_bound', kind: b.kind, value: b.value, text: b.text, ...(other ? { also: { kind: other.kind, value: other.value } } : {}), ...trainable } };
  }
  if (/\bcausal(?:ly)?\b|\bmasked (?:multi-head )?self-attention\b|\bdecoder-only\b/.test(body)) return { kind, intent: { type: 'causal' } };
  if (/\b(lightweight|light-weight|mobile|compact|efficient|small enough|tiny)\b/.test(body)) return { kind, intent: { type: 'lightweight' } };
  // "is it a transformer / a cnn / a recurrent network?" asks for the kind of network, not a family.
  const netKind = NET_KIND_PATTERNS.find(([re]) => re.test(body));
  if (netKind) return { kind, intent: { type: 'kind_is', kind: netKind[1] } };
  const phrases = featurePhrases(body);
  // "it uses layer norm and no batch norm": each feature keeps the polarity of its own cue.
  const cued = parseConstraints(body).filter((c): c is Extract<typeof c, { kind: 'has' | 'lacks' }> => c.kind === 'has' || c.kind === 'lacks');
  if (cued.some((c) => c.kind === 'has') && cued.some((c) => c.kind === 'lacks')) {
    const keys = [...new Set(cued.filter((c) => c.kind === 'has').map((c) => c.key))];
    const absent = [...new Set(cued.filter((c) => c.kind === 'lacks').map((c) => c.key))].filter((k) => !keys.includes(k));
    const said = (k: string) => cued.find((c) => c.key === k)!.text.replace(/^\S+\s+/, '');
    if (absent.length) return { kind, intent: { type: 'presence', keys, negated: false, phrase: keys.map(said).join(', '), absent, absentPhrase: absent.map(said).join(', ') } };
  }
  if (phrases.length) {
    const keys = [...new Set(phrases.map((p) => p.key))];
    // "X or Y" (and no "and" between the features) asks whether either is used.
    const between = phrases.length >= 2 ? body.slice(phrases[0]!.end, phrases[phrases.length - 1]!.start) : '';
    const anyOf = keys.length >= 2 && !negated && /\bor\b/.test(between) && !/\band\b|\bboth\b/.test(between) && !/\bboth\b/.test(body);
    return { kind, intent: { type: 'presence', keys, negated, phrase: phrases.map((p) => p.phrase).join(anyOf ? ' or ' : ', '), ...(anyOf ? { anyOf } : {}) } };
  }
  const stated = parseConstraints(body);
  // "does it take token ids as input?", "does it work on images?": the input modality.
  const inputWord = /\b(takes?|accepts?|inputs?|consumes?|operates? on|works? on|process(?:es)?|reads?|fed)\b/.test(body);
  const modalityStated = stated.find((c) => c.kind === 'modality');
  if (inputWord && modalityStated && modalityStated.kind === 'modality' && !stated.some((c) => c.kind === 'task')) return { kind, intent: { type: 'modality_is', modality: modalityStated.modality } };
  const fam = familyMention(body);
  const task = stated.find((c) => c.kind === 'task');
  // "an image classification model": the input modality is part of what is asked.
  const mod = stated.find((c) => c.kind === 'modality');
  const modality = mod && mod.kind === 'modality' ? { modality: mod.modality } : {};
  // "is it a seq2seq model?": a task word that is also a family name asks for the task.
  if (fam === 'seq2seq' && task && task.kind === 'task') return { kind, intent: { type: 'task_is', task: task.task, ...modality } };
  if (fam) return { kind, intent: { type: 'family_is', family: fam } };
  if (task && task.kind === 'task') return { kind, intent: { type: 'task_is', task: task.task, ...modality } };
  return { kind, intent: null };
}

/** A parameter-count question: all, trainable only, or one category's share ("how many parameters does the embedding have?"). */
function paramsIntent(body: string): Intent {
  // A part is asked when it is where the parameters are ("in the linear layers", "does the embedding have",
  // "conv parameters"), not when it is left out ("not counting the batchnorm running stats").
  const part = /param|weights/.test(body)
    ? featurePhrases(body).find((p) => {
        if (!PARAM_PARTS.has(p.key)) return false;
        const before = body.slice(0, p.start);
        if (/\b(?:not counting|excluding|except|without|apart from|besides|other than)\s+(?:the\s+|its\s+)?(?:\w+\s+)?$/.test(before)) return false;
        return /\b(?:in|of|inside|within|for|does|do|by)\s+(?:the\s+|its\s+|all\s+(?:the\s+)?|each\s+)?$/.test(before) || /^\s*(?:layers?\s+)?(?:param(?:eter)?s?|weights)\b/.test(body.slice(p.end));
      })
    : undefined;
  return { type: 'count', what: 'params', ...(/\btrainable\b|\blearn(?:able|ed)\b/.test(body) ? { trainable: true } : {}), ...(part ? { key: part.key } : {}) };
}

/** Model parts whose parameters the facts count separately ("how many parameters does the embedding have?"). */
const PARAM_PARTS = new Set(['embedding', 'linear', 'conv', 'depthwise_conv', 'grouped_conv', 'transposed_conv', 'batch_norm', 'layer_norm', 'group_norm', 'normalization', 'gru', 'lstm', 'rnn', 'recurrent', 'attention']);

/** Which QA template an answer string belongs to (used to understand a question the rules missed). */
export function intentFromAnswer(answer: string): Intent | null {
  const a = answer.toLowerCase();
  if (a === 'yes' || a === 'no' || a === 'none') return null;
  if (/^(under 100k|100k to 1m|1m to 5m|5m to 25m|25m to 100m|over 100m)$/.test(a)) return { type: 'count', what: 'params' };
  if (/^(\d+ to \d+|over 200)$/.test(a)) return { type: 'count', what: 'layers' };
  if (/^\d+x\d+$/.test(a)) return { type: 'which', what: 'kernels' };
  if (/normalization$/.test(a)) return { type: 'which', what: 'norm' };
  if (/pooling$/.test(a)) return { type: 'which', what: 'pooling' };
  if (/convolution$/.test(a)) return { type: 'which', what: 'conv_kinds' };
  if (/(classification|detection|segmentation|modeling|modelling|generation|translation|estimation|recognition)$/.test(a)) return { type: 'what', what: 'task' };
  if (Object.values(KIND_CANON).includes(a)) return { type: 'what', what: 'kind' };
  if (['image', 'text', 'video', 'audio', 'point cloud', 'vector'].includes(a)) return { type: 'what', what: 'modality' };
  if (['lstm', 'gru', 'simple rnn'].includes(a)) return { type: 'which', what: 'recurrent' };
  if (/^\d{4}$/.test(a)) return { type: 'what', what: 'year' };
  if (['relu', 'gelu', 'silu', 'relu6', 'hard swish', 'leaky relu', 'sigmoid', 'tanh', 'elu', 'mish', 'prelu', 'selu', 'hard sigmoid'].includes(a)) return { type: 'which', what: 'activation' };
  return null;
}

/** The statement form of a yes/no question, for the reasoning head ("does it use X?" → "it uses X"). */
export function statementForm(question: string, intent: Intent | null): string {
  if (intent?.type === 'presence') {
    const phrase = intent.phrase;
    const head = intent.negated ? `it does not use ${phrase}` : `it uses ${phrase}`;
    return intent.absent?.length ? `${head} and does not use ${intent.absentPhrase ?? intent.absent.join(', ')}.` : `${head}.`;
  }
  return normalizeQuestion(question).replace(/\?+$/, '.');
}
