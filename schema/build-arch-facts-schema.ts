/**
 * Writes schema/arch-facts.schema.json from the vocabularies in
 * src/core/graph/categories.ts, family.ts and ideas/registry.ts, so the schema's enums cannot
 * drift from the code (test/core/graph/analyze-real.test.ts checks they match).
 *   npx tsx schema/build-arch-facts-schema.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTIVATIONS, NORMS, OP_CATEGORIES, TASKS } from '../src/core/graph/categories.js';
import { FAMILIES } from '../src/core/graph/family.js';
import { TASK_DETAIL_IDS } from '../src/core/graph/task-detail.js';
import { IDEA_IDS } from '../src/core/graph/ideas/registry.js';
const dim = { type: ['integer', 'string', 'null'] };
const tensor = { type: 'object', required: ['name', 'shape', 'dtype'], additionalProperties: false, properties: { name: { type: 'string' }, shape: { type: ['array', 'null'], items: dim }, dtype: { type: 'string' } } };
const count = { type: 'integer', minimum: 0 };
const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/archbert-etran/schema/arch-facts.schema.json',
  title: 'ArchFacts: output of `archbert describe --facts --json`',
  description: 'Exact, deterministic facts about a neural architecture. Names in ops/activations/norms come from src/core/graph/categories.ts (add, never rename).',
  type: 'object',
  required: ['file', 'format', 'inputs', 'outputs', 'params', 'macs', 'ops', 'depth', 'blocks', 'activations', 'norms', 'kernel_sizes', 'task', 'family', 'ideas'],
  additionalProperties: false,
  properties: {
    file: { type: 'string' },
    format: { enum: ['onnx', 'keras', 'tfjs-layers', 'tfjs-graph', 'native'] },
    inputs: { type: 'array', items: tensor },
    outputs: { type: 'array', items: tensor },
    params: {
      type: 'object', required: ['total', 'trainable', 'buffers'], additionalProperties: false,
      properties: {
        total: { ...count, description: 'trainable + buffers' },
        trainable: { ...count, description: 'learnable weights (each tensor once, tied weights once)' },
        buffers: { ...count, description: 'non-learned tensors: BatchNorm running mean/var, …' },
        by_category: { type: 'object', description: 'trainable parameters per op category (sums to trainable)', propertyNames: { enum: [...OP_CATEGORIES] }, additionalProperties: count },
      },
    },
    macs: { type: ['integer', 'null'], minimum: 0, description: 'multiply-accumulates of matrix products (conv, linear, matmul, einsum, attention, recurrent) at the analysed input size; null when shapes are unknown' },
    ops: { type: 'object', description: 'op category → count', propertyNames: { enum: [...OP_CATEGORIES] }, additionalProperties: count },
    depth: { ...count, description: 'weighted layers (conv, linear, recurrent) on the longest input→output path' },
    blocks: {
      type: 'object', additionalProperties: false,
      required: ['residual', 'depthwise_separable', 'squeeze_excitation', 'attention', 'inverted_residual', 'feature_pyramid'],
      properties: { residual: count, depthwise_separable: count, squeeze_excitation: count, attention: count, inverted_residual: count, feature_pyramid: count },
    },
    activations: { type: 'array', uniqueItems: true, items: { enum: [...ACTIVATIONS] } },
    norms: { type: 'array', uniqueItems: true, items: { enum: [...NORMS] } },
    kernel_sizes: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[0-9]+x[0-9]+$' } },
    task: { type: 'object', required: ['guess', 'detail', 'evidence'], additionalProperties: false, properties: { guess: { enum: [...TASKS] }, detail: { enum: [...TASK_DETAIL_IDS, null] }, evidence: { type: 'array', items: { type: 'string' } } } },
    family: { type: 'object', required: ['guess', 'evidence'], additionalProperties: false, properties: { guess: { enum: [...FAMILIES, null] }, evidence: { type: 'array', items: { type: 'string' } } } },
    ideas: {
      type: 'object', description: 'named design ideas present (src/core/graph/ideas/registry.ts), keyed by id in registry order: instances (null when not countable) and evidence node ids',
      propertyNames: { enum: [...IDEA_IDS] },
      additionalProperties: { type: 'object', required: ['count', 'evidence'], additionalProperties: false, properties: { count: { type: ['integer', 'null'], minimum: 1 }, evidence: { type: 'array', items: { type: 'string' } } } },
    },
    notes: { type: 'array', items: { type: 'string' } },
  },
};
writeFileSync(fileURLToPath(new URL('./arch-facts.schema.json', import.meta.url)), JSON.stringify(schema, null, 2) + '\n');
