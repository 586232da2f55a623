/**
 * Structural checks every graph format shares: each tensor a node reads is
 * defined (by a node, a graph input, an initializer or an enclosing scope),
 * each graph output is produced, and the graph is acyclic. A graph failing
 * them is corrupt input (InputError), never something to analyse.
 */
import { InputError } from '../../errors.js';
import type { ArchNode, ParamInfo, TensorInfo } from '../types.js';

/** Reference and cycle checks: a graph that breaks them is corrupt, and analysis could not trust it. */
export function checkGraph(
  nodes: ArchNode[],
  inputs: TensorInfo[],
  outputs: TensorInfo[],
  initializers: Record<string, ParamInfo>,
  /** Whether an enclosing scope defines the name (subgraphs read outer tensors). */
  outer: (name: string) => boolean,
  file: string,
): void {
  // ONNX IR: "The graph MUST use single static assignment for all node outputs": every value name is
  // assigned once, by one node output, a graph input or an initializer. A second writer would make every
  // reader ambiguous (the analysis would silently follow one of them).
  const producer = new Map<string, number>();
  const inputNames = new Set(inputs.map((t) => t.name));
  nodes.forEach((n, i) =>
    n.outputs.forEach((t) => {
      if (!t) return;
      const first = producer.get(t);
      if (first !== undefined) throw new InputError(file, `tensor '${t}' is written by two nodes, '${nodes[first]!.id}' and '${n.id}' (each name may be assigned once)`);
      if (inputNames.has(t)) throw new InputError(file, `node '${n.id}' writes '${t}', which is a graph input (each name may be assigned once)`);
      if (Object.hasOwn(initializers, t)) throw new InputError(file, `node '${n.id}' writes '${t}', which is an initializer (each name may be assigned once)`);
      producer.set(t, i);
    }),
  );
  const isKnown = (t: string) => t === '' || producer.has(t) || Object.hasOwn(initializers, t) || outer(t) || inputNames.has(t);
  // Subgraph nodes may read names of this graph; their own checks saw `outer` ⊇ these names.
  for (const n of nodes) {
    for (const t of n.inputs) {
      if (!isKnown(t)) {
        throw new InputError(file, `node '${n.id}' (${n.op}) reads '${t}', which no node, graph input or initializer defines`);
      }
    }
  }
  for (const o of outputs) {
    if (!isKnown(o.name)) throw new InputError(file, `graph output '${o.name}' is not produced by any node`);
  }
  // Kahn's algorithm over producer → consumer edges.
  const indeg = new Array<number>(nodes.length).fill(0);
  const consumers: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    const seen = new Set<number>();
    for (const t of n.inputs) {
      const p = producer.get(t);
      if (p !== undefined && !seen.has(p)) {
        seen.add(p);
        consumers[p].push(i);
        indeg[i]++;
      }
    }
  });
  const queue: number[] = [];
  indeg.forEach((d, i) => d === 0 && queue.push(i));
  let done = 0;
  while (queue.length) {
    const i = queue.pop()!;
    done++;
    for (const c of consumers[i]) if (--indeg[c] === 0) queue.push(c);
  }
  if (done < nodes.length) {
    const stuck = nodes[indeg.findIndex((d) => d > 0)];
    throw new InputError(file, `the graph has a cycle (through node '${stuck.id}', ${stuck.op})`);
  }
}
