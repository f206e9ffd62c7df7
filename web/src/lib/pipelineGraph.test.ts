import { describe, expect, it } from 'vitest';
import { layoutGraph } from './graphLayout';
import {
  buildTaskTree,
  buildViewGraph,
  defaultExpanded,
  effectiveExpanded,
  headerId,
  structureKey,
  taskRows,
} from './pipelineGraph';
import { CAIRN_SPEC, cairnRunTasks, task } from './pipelineFixtures';
import { specDependencies } from './pipelineSpec';

const deps = specDependencies(CAIRN_SPEC);

describe('pipeline graph', () => {
  it('builds the execution tree in run order', () => {
    const tree = buildTaskTree(cairnRunTasks());
    expect(tree.children.get('')).toEqual(['after-boom', 'boom', 'prepare', 'publish', 'squares', 'train']);
    expect(tree.children.get('squares')).toEqual(['squares[0]', 'squares[1]', 'squares[2]']);
    expect(tree.children.get('squares[1]')).toEqual(['squares[1]/squares']);
  });

  it('expands a small run completely and draws single-task iterations as their task', () => {
    const tree = buildTaskTree(cairnRunTasks());
    const expanded = defaultExpanded(tree);
    expect([...expanded]).toEqual(['squares']);
    const g = buildViewGraph(tree, deps, expanded);
    const ids = g.nodes.map((n) => n.id).sort();
    expect(ids).toEqual(
      ['after-boom', 'boom', 'prepare', 'publish', headerId('squares'), 'squares[0]/squares', 'squares[1]/squares', 'squares[2]/squares', 'train'].sort(),
    );
    const it1 = g.nodes.find((n) => n.id === 'squares[1]/squares')!;
    expect(it1).toMatchObject({ kind: 'task', label: 'squares[1]', frame: 'squares' });
    expect(g.frames).toEqual([{ id: 'squares', label: 'squares', frame: null }]);
    const visible = g.edges.filter((e) => !e.hidden).map((e) => e.id).sort();
    // Edges into an expanded loop's frame reach its tasks; out of it, leave from them.
    expect(visible).toEqual(
      [
        'boom->after-boom',
        'prepare->boom',
        'prepare->train',
        'squares[0]/squares->after-boom',
        'squares[1]/squares->after-boom',
        'squares[2]/squares->after-boom',
        'train->publish',
      ].sort(),
    );
    expect(g.edges.filter((e) => e.hidden).map((e) => e.target).sort()).toEqual([
      'squares[0]/squares',
      'squares[1]/squares',
      'squares[2]/squares',
    ]);
  });

  it('collapses a loop into one group node with the counts of its tasks', () => {
    const tree = buildTaskTree(cairnRunTasks());
    const g = buildViewGraph(tree, deps, effectiveExpanded(tree, ['squares']));
    const group = g.nodes.find((n) => n.id === 'squares')!;
    expect(group).toMatchObject({ kind: 'group', size: 3, counts: { succeeded: 2, cached: 1 } });
    expect(g.frames).toEqual([]);
    expect(g.edges.map((e) => e.id)).toContain('squares->after-boom');
    // Toggling a task that is not a group changes nothing.
    expect(effectiveExpanded(tree, ['boom'])).toEqual(defaultExpanded(tree));
  });

  it('keeps a large ParallelFor collapsed by default and nests sub-DAG frames', () => {
    const tasks = [
      task('fan', 'LOOP', 'RUNNING', { component: 'comp-fan-loop' }),
      ...Array.from({ length: 100 }, (_, i) => [
        task(`fan[${i}]`, 'ITERATION', i < 50 ? 'SUCCEEDED' : 'PENDING', { parent_id: 'fan', iteration_index: i, display_name: `fan[${i}]` }),
        task(`fan[${i}]/a`, 'CONTAINER', i < 50 ? 'SUCCEEDED' : 'PENDING', { parent_id: `fan[${i}]` }),
        task(`fan[${i}]/b`, 'CONTAINER', i === 3 ? 'FAILED' : 'PENDING', { parent_id: `fan[${i}]` }),
      ]).flat(),
      task('sub', 'DAG', 'RUNNING', { component: 'comp-sub' }),
      task('sub/x', 'CONTAINER', 'SUCCEEDED'),
      task('sub/y', 'CONTAINER', 'RUNNING'),
    ];
    const tree = buildTaskTree(tasks);
    const expanded = defaultExpanded(tree);
    expect(expanded.has('fan')).toBe(false);
    expect(expanded.has('sub')).toBe(true);
    const subDeps = new Map([['comp-sub', new Map([['x', []], ['y', ['x']]])]]);
    const g = buildViewGraph(tree, subDeps, expanded);
    expect(g.nodes.find((n) => n.id === 'fan')).toMatchObject({ kind: 'group', size: 100, counts: { succeeded: 50, failed: 1, pending: 149 } });
    expect(g.edges.filter((e) => !e.hidden).map((e) => e.id)).toEqual(['sub/x->sub/y']);
    // An edge into an expanded group lands on its header, one out of it leaves from its last tasks.
    const withEdges = new Map([...subDeps, ['', new Map([['fan', []], ['sub', ['fan']], ['after', ['sub']]])]]);
    const chained = buildViewGraph(buildTaskTree([...tasks, task('after', 'CONTAINER', 'PENDING')]), withEdges, expanded);
    expect(chained.edges.filter((e) => !e.hidden).map((e) => e.id).sort()).toEqual(['fan->sub#header', 'sub/x->sub/y', 'sub/y->after']);
    // Expanding the loop shows its iterations as (collapsed) groups of two tasks.
    const open = buildViewGraph(tree, subDeps, effectiveExpanded(tree, ['fan']));
    expect(open.nodes.filter((n) => n.frame === 'fan' && n.kind === 'group')).toHaveLength(100);
    // ... in a 10 x 10 grid: hidden edges from each iteration to the one 10 further.
    const grid = open.edges.filter((e) => e.hidden && !e.source.endsWith('#header'));
    expect(grid).toHaveLength(90);
    expect(grid[0]).toMatchObject({ source: 'fan[0]', target: 'fan[10]' });
    const rows = new Set([...layoutGraph(open).nodes.entries()].filter(([id]) => id.startsWith('fan[')).map(([, r]) => r.y));
    expect(rows.size).toBe(10);
    const all = buildViewGraph(tree, subDeps, effectiveExpanded(tree, ['fan', 'fan[3]']));
    expect(all.frames.map((f) => f.id).sort()).toEqual(['fan', 'fan[3]', 'sub']);
    expect(all.nodes.find((n) => n.id === 'fan[3]/b')).toMatchObject({ frame: 'fan[3]', kind: 'task' });
  });

  it('lays the graph out top to bottom, frames around their tasks, layout keyed by structure only', () => {
    const tree = buildTaskTree(cairnRunTasks());
    const g = buildViewGraph(tree, deps, defaultExpanded(tree));
    const layout = layoutGraph(g);
    const y = (id: string) => layout.nodes.get(id)!.y;
    expect(y('prepare')).toBeLessThan(y('train'));
    expect(y('train')).toBeLessThan(y('publish'));
    expect(y(headerId('squares'))).toBeLessThan(y('squares[0]/squares'));
    const frame = layout.frames.get('squares')!;
    for (const id of ['squares[0]/squares', headerId('squares')]) {
      const r = layout.nodes.get(id)!;
      expect(r.x).toBeGreaterThanOrEqual(frame.x);
      expect(r.y).toBeGreaterThanOrEqual(frame.y);
      expect(r.x + r.width).toBeLessThanOrEqual(frame.x + frame.width);
      expect(r.y + r.height).toBeLessThanOrEqual(frame.y + frame.height);
    }
    const running = buildTaskTree(cairnRunTasks().map((t) => ({ ...t, state: 'RUNNING' as const })));
    expect(structureKey(buildViewGraph(running, deps, defaultExpanded(running)))).toBe(structureKey(g));
  });

  it('lists every task depth-first for the list view', () => {
    const rows = taskRows(buildTaskTree(cairnRunTasks()));
    expect(rows).toHaveLength(cairnRunTasks().length);
    const squares = rows.findIndex((r) => r.task.node_id === 'squares');
    expect(rows[squares]).toMatchObject({ depth: 0, group: true });
    expect(rows[squares + 1]).toMatchObject({ depth: 1, group: true });
    expect(rows[squares + 2]).toMatchObject({ depth: 2, group: false });
    // With the spec: a task after the ones it waits for.
    const ordered = taskRows(buildTaskTree(cairnRunTasks()), deps).filter((r) => r.depth === 0).map((r) => r.task.node_id);
    const before = (a: string, b: string) => expect(ordered.indexOf(a)).toBeLessThan(ordered.indexOf(b));
    before('prepare', 'train');
    before('train', 'publish');
    before('boom', 'after-boom');
    before('squares', 'after-boom');
    expect(ordered).toHaveLength(6);
  });
});
