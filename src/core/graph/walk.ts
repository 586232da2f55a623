/**
 * Bounded breadth-first reach over a graph's adjacency lists: the nodes a
 * path from `start` along `next` arrives at, passing through nodes `through`
 * accepts and stopping at those `hit` accepts. Shared by the block counts and
 * the idea detectors, which both look a few hops around a node.
 */
export function reach(next: readonly (readonly number[])[], start: number, through: (i: number) => boolean, hit: (i: number) => boolean, maxSteps: number): number[] {
  const found: number[] = [];
  let frontier = next[start]!.slice();
  const seen = new Set<number>([start]);
  for (let step = 0; step < maxSteps && frontier.length; step++) {
    const following: number[] = [];
    for (const i of frontier) {
      if (seen.has(i)) continue;
      seen.add(i);
      if (hit(i)) found.push(i);
      else if (through(i)) following.push(...next[i]!);
    }
    frontier = following;
  }
  return found;
}
