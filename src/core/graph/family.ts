/**
 * Family guess from structural signatures only. The graph/model name is never
 * used to decide; when it names a family it is reported as separate evidence,
 * with whether it agrees. Two layers: the rules of family/by-ideas.ts read the
 * named design ideas and the finer task (a detector is named by its head, a
 * segmenter by its decoder, Xception by its separable flows, …) and win when
 * one fits; otherwise the backbone rules below (stem, block types,
 * activations, norms, widths) name the classification CNNs and transformer
 * stacks. Returns null (with the evidence looked at) when no rule fits: a
 * wrong family is worse than none.
 */
import type { BlockCounts, OpGraph } from './types.js';
import { CONV_LIKE } from './categorize.js';
import { opTopoOrder } from './depth.js';
import { ACTIVATIONS, NORMS } from './categories.js';
import type { IdeaFinding } from './ideas/context.js';
import { IDEA_FAMILY_RULES } from './family/by-ideas.js';

const ACT_OR_NORM = new Set<string>([...ACTIVATIONS, ...NORMS]);

export interface FamilyGuess {
  guess: string | null;
  evidence: string[];
}

export const FAMILIES = [
  'resnet', 'resnext', 'wide_resnet', 'mobilenet_v2', 'mobilenet_v3', 'efficientnet', 'densenet', 'vgg', 'alexnet', 'squeezenet',
  'shufflenet', 'mnasnet', 'convnext', 'regnet', 'vit', 'swin', 'inception', 'googlenet', 'unet', 'bert-like', 'gpt-like', 'lstm', 'gru',
  'rnn', 'transformer', 'mlp_mixer',
  // named from the design ideas and the head (family/by-ideas.ts) or the stem (srcnn)
  'maxvit', 'convmixer', 'xception', 'mobilenet_v1', 'nin', 'pointnet', 'dcgan', 'vae', 'autoencoder', 'espcn', 'srcnn', 'wavenet', 'tcn',
  'textcnn', 'yolo', 'centernet', 'pose_heatmap', 'retinanet', 'ssd', 'ssdlite', 'deeplab', 'fcn', 'lraspp', 'faster_rcnn', 'mask_rcnn',
  'keypoint_rcnn', 'fcos',
] as const;

/** the families the name evidence looked for before the idea rules; the later ids must start a word of the name ('nin' is no family of "running") */
const FIRST_FAMILIES = 26;

interface Ctx {
  og: OpGraph;
  ideas: Record<string, IdeaFinding>;
  taskDetail: string | null;
  ops: Record<string, number>;
  blocks: BlockCounts;
  activations: string[];
  norms: string[];
  intInput: boolean;
  causalMask: boolean;
}

export function guessFamily(
  og: OpGraph,
  ops: Record<string, number>,
  blocks: BlockCounts,
  activations: string[],
  norms: string[],
  opts: { intInput?: boolean; causalMask?: boolean; name?: string; ideas?: Record<string, IdeaFinding>; taskDetail?: string | null } = {},
): FamilyGuess {
  const ideas = opts.ideas ?? {};
  const taskDetail = opts.taskDetail ?? null;
  const backbone = structural({ og, ops, blocks, activations, norms, ideas, taskDetail, intInput: !!opts.intInput, causalMask: !!opts.causalMask });
  let r = backbone;
  for (const rule of IDEA_FAMILY_RULES) {
    const ev = rule.decide({ ideas, taskDetail, backbone: backbone.guess, ops, og });
    if (!ev) continue;
    r = { guess: rule.id, evidence: backbone.guess && backbone.guess !== rule.id ? [...ev, `backbone: ${backbone.guess}`] : ev };
    break;
  }
  if (opts.name) {
    const lower = opts.name.toLowerCase().replace(/[-\s]/g, '_');
    const mentions = (f: string, i: number) => {
      const key = f.replace('-like', '').replace('-', '_');
      return i < FIRST_FAMILIES ? lower.includes(key) : new RegExp(`(^|[^a-z])${key}`).test(lower);
    };
    const named = FAMILIES.map((f, i) => ({ f, i })).sort((a, b) => b.f.length - a.f.length).find(({ f, i }) => mentions(f, i))?.f;
    if (named) {
      const agree = r.guess === named || (r.guess !== null && named.startsWith(r.guess)) || (r.guess !== null && r.guess.startsWith(named));
      r.evidence.push(`(not used for the guess) the model name '${opts.name}' mentions '${named}'${agree ? ', consistent with the structure' : r.guess ? `, unlike the structural guess` : ''}`);
    }
  }
  return r;
}

function structural(c: Ctx): FamilyGuess {
  const { og, ops, blocks } = c;
  const has = (k: string) => (ops[k] ?? 0) > 0;
  const act = (a: string) => c.activations.includes(a);
  const order = opTopoOrder(og);
  const nodes = og.nodes;
  const convs = order.filter((i) => CONV_LIKE.has(nodes[i]!.category));
  const firstW = order.find((i) => CONV_LIKE.has(nodes[i]!.category) || nodes[i]!.category === 'linear' || nodes[i]!.category === 'embedding');
  const stem = firstW !== undefined ? nodes[firstW]! : null;
  const stemK = stem?.kernel?.[0] ?? null;
  const stemS = stem?.stride?.[0] ?? null;
  const stemDesc = stem && stem.kernel ? `first layer: ${stem.category} ${stem.kernel.join('x')} stride ${stem.stride?.[0] ?? 1}${stem.outChannels ? `, ${stem.outChannels} channels` : ''}` : null;
  const ev: string[] = [];
  const done = (guess: string | null, ...e: string[]) => ({ guess, evidence: [...e, ...ev] });

  if ((has('lstm') || has('gru') || has('rnn')) && !convs.length) {
    // The gated cell names the family; a plain (Elman) RNN layer only when there is no gated one.
    const k = has('lstm') ? 'lstm' : has('gru') ? 'gru' : 'rnn';
    if (!blocks.attention) return done(k, `${k} layers ×${ops[k]} and no convolutions or attention`);
    // a recurrent encoder(-decoder) with attention over its states (Bahdanau / Luong seq2seq): the
    // recurrent layers make the family, the attention is reported as what it is
    return done(k, `${k} layers ×${ops[k]} and no convolutions`, `${blocks.attention} attention blocks over the recurrent states (softmax-weighted sums)`);
  }
  if (blocks.attention > 0) {
    const lnGelu = c.norms.includes('layer_norm') ? 'layer_norm' : c.norms.join('/') || 'no norm';
    if (c.intInput && has('embedding')) {
      if (c.causalMask && (ops.embedding ?? 0) >= 2 && (c.og.inputNodes.length >= 2)) {
        return done('transformer', `${blocks.attention} attention blocks over ${ops.embedding} token embeddings (source and target)`, 'causal mask in the decoder: encoder-decoder Transformer', `norm: ${lnGelu}`);
      }
      if (c.causalMask) return done('gpt-like', `${blocks.attention} attention blocks over token embeddings`, 'causal attention mask (decoder-only)', `norm: ${lnGelu}`);
      return done('bert-like', `${blocks.attention} attention blocks over token embeddings`, 'no causal mask found (bidirectional encoder)', `norm: ${lnGelu}`);
    }
    if (stem && CONV_LIKE.has(stem.category) && stemK && stemK === stemS && stemK >= 4) {
      const win = has('roll') || (ops.slice ?? 0) >= 4 * blocks.attention;
      if (stemK === 4 && (win || blocks.attention >= 12)) return done('swin', `patch embedding ${stemDesc} (4x4 patches)`, `${blocks.attention} attention blocks with shifted-window plumbing (${ops.slice ?? 0} slices)`, `norm: ${lnGelu}`);
      return done('vit', `patch embedding: ${stemDesc} (non-overlapping ${stemK}x${stemK} patches)`, `${blocks.attention} self-attention blocks`, `norm: ${lnGelu}${act('gelu') ? ', gelu MLP' : ''}`);
    }
    return done(null, `${blocks.attention} attention blocks, but no token embedding or patch-embedding stem that identifies a family`);
  }
  if (!blocks.attention && stem && CONV_LIKE.has(stem.category) && stemK && stemK === stemS && stemK >= 4 && convs.length === 1 && (ops.linear ?? 0) >= 4 && (ops.transpose ?? 0) >= 2) {
    return done('mlp_mixer', `patch embedding: ${stemDesc}, then only linear layers`, `${ops.transpose} transposes between token-mixing and channel-mixing MLPs`, `norm: ${c.norms.join(', ') || 'none'}`);
  }
  const dw = nodes.filter((n) => n.category === 'depthwise_conv');
  if (dw.length) {
    const dw7 = dw.filter((n) => n.kernel && n.kernel[0] === 7).length;
    if (dw7 >= 3 && c.norms.includes('layer_norm') && act('gelu')) return done('convnext', `${dw7} depthwise 7x7 convs with layer_norm and gelu (ConvNeXt block)`, stemDesc ?? '');
    if (blocks.inverted_residual >= 3) {
      const ir = `${blocks.inverted_residual} inverted residual blocks`;
      const se = blocks.squeeze_excitation;
      if (act('hard_swish')) return done('mobilenet_v3', ir, `hard_swish activations`, `${se} squeeze-excitation blocks${act('hard_sigmoid') ? ' (hard_sigmoid gates)' : ''}`);
      // EfficientNetV2 keeps the family name: its fused-MBConv early stages are said in the evidence (and in ideas)
      if (act('silu') && se > 0) return done('efficientnet', ir, `silu (swish) activations`, `${se} squeeze-excitation blocks`, ...(c.ideas.fused_mbconv ? [`${c.ideas.fused_mbconv.count ?? ''} fused-MBConv blocks in the early stages (EfficientNetV2)`.trim()] : []));
      if (act('relu6') && se === 0) return done('mobilenet_v2', ir, 'relu6 activations', 'no squeeze-excitation');
      if (act('relu') && se === 0) return done('mnasnet', ir, 'plain relu activations, no squeeze-excitation');
      return done(null, ir, `activations ${c.activations.join(', ')}; squeeze-excitation ${se}`);
    }
    const shuffle = channelShuffles(og);
    if (shuffle > 0) return done('shufflenet', `${shuffle} channel shuffles (reshape → transpose → reshape)`, `${dw.length} depthwise convs`, `${ops.concat ?? 0} concats`);
  }
  const grouped = nodes.filter((n) => n.category === 'grouped_conv');
  // a residual trunk whose graph also carries ideas no ResNet variant has (dense connectivity, gated
  // units, factorised n×1 convs: RAFT's encoders and update block) is not named after its trunk
  const foreign = ['dense_connectivity', 'gated_activation', 'factorised_convolution'].filter((i) => i in c.ideas);
  if (blocks.residual > 0 && foreign.length) return done(null, `${blocks.residual} residual blocks, but also ${foreign.join(', ').replace(/_/g, ' ')}: no residual family has those`);
  const stem7 = stem && stemK === 7 && stemS === 2;
  const maxAfterStem = firstW !== undefined && order.slice(order.indexOf(firstW), order.indexOf(firstW) + 5).some((i) => nodes[i]!.category === 'max_pool');
  if (blocks.residual > 0 && grouped.length) {
    const g = grouped[0]!.groups;
    if (stem7 && maxAfterStem) return done('resnext', `${blocks.residual} residual blocks with grouped 3x3 convs (groups=${g})`, `${stemDesc} + max_pool stem`);
    return done('regnet', `${blocks.residual} residual blocks with grouped convs (groups=${g}, fixed group width)`, `${stemDesc} without a max_pool`, `${blocks.squeeze_excitation} squeeze-excitation blocks`);
  }
  if (blocks.residual > 0 && stem7 && maxAfterStem) {
    const ratio = bottleneckRatio(og);
    if (ratio === 2) return done('wide_resnet', `${blocks.residual} residual bottleneck blocks whose middle width is half the output width (ResNet uses a quarter)`, `${stemDesc} + max_pool stem`);
    return done('resnet', `${blocks.residual} residual blocks (${ratio === 4 ? 'bottleneck, 4x expansion' : 'basic 3x3 + 3x3'})`, `${stemDesc} + max_pool stem`, 'batch_norm + relu');
  }
  const square = convs.filter((i) => (nodes[i]!.kernel?.[0] ?? 0) > 1 && nodes[i]!.kernel?.[0] === nodes[i]!.kernel?.[1]).length;
  if (blocks.residual > 0 && c.norms.includes('batch_norm') && square > 0 && !grouped.length && !dw.length) {
    // CIFAR-style ResNets: 3x3 stem, no max_pool. Pre-activation blocks (BN-ReLU-conv: the add
    // takes a conv output) whose first stage is ≥ 4x wider than the stem are Wide ResNets.
    const preds: number[][] = Array.from({ length: nodes.length }, () => []);
    for (const [a, b] of og.edges) preds[b]!.push(a);
    const adds = order.filter((i) => nodes[i]!.category === 'add' && preds[i]!.length >= 2);
    const preact = adds.filter((i) => preds[i]!.some((p) => CONV_LIKE.has(nodes[p]!.category))).length;
    const firstAdd = adds[0] !== undefined ? nodes[adds[0]]! : null;
    const width = firstAdd?.outShape && firstAdd.outShape.length === 4 ? Number(firstAdd.outShape[1]) : null;
    const widen = width && stem?.outChannels ? width / stem.outChannels : null;
    if (preact >= adds.length / 2 && widen !== null && widen >= 4) {
      return done('wide_resnet', `${blocks.residual} pre-activation residual blocks (the adds take conv outputs)`, `first stage ${width} channels = ${widen}x the ${stem!.outChannels}-channel stem`);
    }
    return done('resnet', `${blocks.residual} residual blocks of plain convs with batch_norm`, `${stemDesc ?? 'no stem found'}${maxAfterStem ? ' + max_pool' : ' (CIFAR-style stem, no max_pool)'}`);
  }
  const concats = og.nodes.map((n, i) => ({ n, i })).filter(({ n }) => n.category === 'concat');
  if (concats.length) {
    const preds: number[][] = Array.from({ length: nodes.length }, () => []);
    for (const [a, b] of og.edges) preds[b]!.push(a);
    // inception modules: ≥ 4 parallel branches ending in convs/pools at one resolution (not flattened multi-scale heads)
    const branchEnd = (p: number) => {
      const cat0 = nodes[p]!.category;
      return CONV_LIKE.has(cat0) || cat0.endsWith('_pool') || ACT_OR_NORM.has(cat0);
    };
    const wide = concats.filter(({ i }) => preds[i]!.length >= 4 && preds[i]!.filter(branchEnd).length >= 3).length;
    const maxFanIn = concats.reduce((m, { i }) => Math.max(m, preds[i]!.length), 0);
    // the conv behind each concat input, looking through norm/activation
    const convBehind = (p: number): number | null => {
      for (let step = 0, j = p; step < 3; step++) {
        if (CONV_LIKE.has(nodes[j]!.category)) return j;
        if (preds[j]!.length !== 1) return null;
        j = preds[j]![0]!;
      }
      return null;
    };
    const fire = concats.filter(({ i }) => {
      const ks = preds[i]!.map(convBehind).map((j) => (j === null ? null : nodes[j]!.kernel?.[0]));
      return ks.length === 2 && ks.includes(1) && ks.includes(3);
    }).length;
    const resizeOrDeconv = has('transposed_conv') || has('resize');
    if (fire >= 4 && !has('linear') && c.ideas.fire_module) return done('squeezenet', `${fire} fire modules (1x1 and 3x3 expand convs concatenated)`, 'no fully-connected layer (conv classifier + global pool)');
    if (concats.length >= 20 && blocks.residual === 0 && maxFanIn >= 8) {
      return done('densenet', `${concats.length} concats, up to ${maxFanIn} inputs each (dense connectivity: every layer sees all earlier ones), no residual adds`, `${ops.avg_pool ?? 0} avg_pool transitions`);
    }
    if (wide >= 3) return done('inception', `${wide} concats joining ≥4 parallel branches (inception modules)`, stemDesc ?? '');
    // U-Net: skip concats that take an upsampled (resize / transposed conv) decoder map directly
    const upConcats = concats.filter(({ i }) => preds[i]!.some((p) => ['resize', 'transposed_conv'].includes(nodes[p]!.category))).length;
    if (resizeOrDeconv && upConcats >= 2) return done('unet', `${upConcats} skip concats joining encoder features with upsampled decoder features`, `upsampling: ${['transposed_conv', 'resize'].filter(has).join(', ')}`);
  }
  const linears = nodes.filter((n) => n.category === 'linear');
  // SRCNN (Dong et al. 2014): three convs (9x9 patch extraction, 1x1 or 5x5 mapping, 5x5 reconstruction), no pooling, the image in and out
  const lastConv = convs.length ? nodes[convs[convs.length - 1]!]! : null;
  if (convs.length === 3 && !linears.length && stemK === 9 && lastConv?.kernel?.[0] === 5 && !['max_pool', 'avg_pool', 'transposed_conv'].some(has) && (c.taskDetail === 'image_restoration' || c.taskDetail === 'super_resolution')) {
    return done('srcnn', `three convs: ${convs.map((i) => nodes[i]!.kernel?.join('x')).join(', ')} (patch extraction, non-linear mapping, reconstruction)`, 'no pooling: the output image has the input size');
  }
  if (blocks.residual === 0 && convs.length >= 5 && linears.length >= 2 && has('max_pool')) {
    if (stemK === 11 && stemS === 4) return done('alexnet', `${stemDesc}`, `${convs.length} convs, ${linears.length} fully-connected layers`);
    const k3 = convs.filter((i) => nodes[i]!.kernel?.[0] === 3).length;
    if (k3 >= convs.length - 1) return done('vgg', `${convs.length} plain 3x3 convs in sequence with max_pool between stages, no skips`, `${linears.length} fully-connected layers`);
  }
  return done(null, `no family signature matched (residual ${blocks.residual}, attention ${blocks.attention}, depthwise ${dw.length}, concat ${ops.concat ?? 0})`);
}

/** reshape → transpose → reshape chains (ShuffleNet channel shuffle). */
function channelShuffles(og: OpGraph): number {
  const preds: number[][] = Array.from({ length: og.nodes.length }, () => []);
  const succ: number[][] = Array.from({ length: og.nodes.length }, () => []);
  for (const [a, b] of og.edges) {
    preds[b]!.push(a);
    succ[a]!.push(b);
  }
  let n = 0;
  og.nodes.forEach((node, i) => {
    if (node.category !== 'transpose') return;
    if (preds[i]!.some((p) => og.nodes[p]!.category === 'reshape') && succ[i]!.some((s) => og.nodes[s]!.category === 'reshape' || og.nodes[s]!.category === 'flatten')) n++;
  });
  return n;
}

/** out/mid channel ratio of 1x1 → 3x3 → 1x1 bottlenecks (4 for ResNet, 2 for Wide ResNet), null if none. */
function bottleneckRatio(og: OpGraph): number | null {
  const succ: number[][] = Array.from({ length: og.nodes.length }, () => []);
  for (const [a, b] of og.edges) succ[a]!.push(b);
  const ratios: number[] = [];
  og.nodes.forEach((n, i) => {
    if (n.category !== 'conv' || n.kernel?.[0] !== 3 || !n.outChannels) return;
    // follow norm/activation to the next conv inside the block: never across an add, or a
    // BN-folded basic block (conv → relu → add → relu → the next stage's 1x1 downsample)
    // would read the downsample's 2x widening as a Wide-ResNet bottleneck
    let frontier = succ[i]!;
    for (let step = 0; step < 3; step++) {
      const next: number[] = [];
      for (const j of frontier) {
        const m = og.nodes[j]!;
        if (m.category === 'conv') {
          if (m.kernel?.[0] === 1 && m.outChannels) ratios.push(m.outChannels / n.outChannels!);
        } else if (m.category !== 'add') next.push(...succ[j]!);
      }
      frontier = next;
    }
  });
  if (!ratios.length) return null;
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)]!;
}
