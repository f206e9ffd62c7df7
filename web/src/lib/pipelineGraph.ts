// From the API's task list to the graph the run page draws.
//
// The tasks form a tree (parent_id): the root DAG's tasks, sub-DAGs holding
// their own tasks, loops holding one ITERATION per item, each iteration
// holding the loop body's tasks. The view shows that tree with some groups
// (DAG, LOOP, ITERATION nodes) *collapsed* into one node carrying the state
// counts of everything inside, and the others *expanded* into a frame around
// their children. By default groups are expanded breadth-first while the
// drawing stays at most DEFAULT_VISIBLE nodes, so a small run shows every
// task and a run with a 1,000-item ParallelFor shows the loop as one node
// (KFP gives up on such graphs: kubeflow/pipelines#2913). The user's
// expand/collapse clicks are kept as the set of groups that differ from the
// default, so the URL stays short and the default can still adapt to a run
// that grows while it is watched.
import type { PipelineTask } from '../api/pipelines';
import type { SpecDeps } from './pipelineSpec';
import { countStates, type StateCounts } from './pipelineStates';

export const DEFAULT_VISIBLE = 40;
// An expanded loop with more iterations than this is drawn as a grid.
export const GRID_FROM = 8;

export interface TaskTree {
  byId: Map<string, PipelineTask>;
  // Parent node id ('' for the root DAG) -> child node ids, in run order.
  children: Map<string, string[]>;
}

function childOrder(a: PipelineTask, b: PipelineTask): number {
  const ai = a.iteration_index ?? -1;
  const bi = b.iteration_index ?? -1;
  if (ai !== bi) return ai - bi;
  return a.node_id.localeCompare(b.node_id);
}

export function buildTaskTree(tasks: PipelineTask[]): TaskTree {
  const byId = new Map(tasks.map((t) => [t.node_id, t]));
  const children = new Map<string, string[]>();
  const grouped = new Map<string, PipelineTask[]>();
  for (const t of tasks) {
    // A parent the server did not list (should not happen) hangs at the root.
    const parent = t.parent_id && byId.has(t.parent_id) ? t.parent_id : '';
    const list = grouped.get(parent);
    if (list) list.push(t);
    else grouped.set(parent, [t]);
  }
  // Sorted per parent: siblings are all iterations or all tasks, which
  // keeps the order consistent.
  for (const [parent, list] of grouped) children.set(parent, list.sort(childOrder).map((t) => t.node_id));
  return { byId, children };
}

export function childrenOf(tree: TaskTree, id: string): string[] {
  return tree.children.get(id) ?? [];
}

export function isGroup(tree: TaskTree, id: string): boolean {
  return childrenOf(tree, id).length > 0;
}

// Every task below `id` (not counting it).
export function descendants(tree: TaskTree, id: string): PipelineTask[] {
  const out: PipelineTask[] = [];
  const stack = [...childrenOf(tree, id)];
  while (stack.length) {
    const c = stack.pop()!;
    out.push(tree.byId.get(c)!);
    stack.push(...childrenOf(tree, c));
  }
  return out;
}

// An iteration with a single task is drawn as that task (labelled with the
// iteration's name): a cairn `for_each` step is LOOP -> ITERATION -> task,
// and a frame around one box would only add noise.
function passThrough(tree: TaskTree, id: string): string {
  let cur = id;
  for (;;) {
    const t = tree.byId.get(cur);
    const kids = childrenOf(tree, cur);
    if (t?.kind !== 'ITERATION' || kids.length !== 1) return cur;
    cur = kids[0];
  }
}

// Groups expanded by default, breadth-first, while the number of boxes drawn
// stays within `budget`.
export function defaultExpanded(tree: TaskTree, budget = DEFAULT_VISIBLE): Set<string> {
  const expanded = new Set<string>();
  let visible = childrenOf(tree, '').length;
  let level = childrenOf(tree, '').map((id) => passThrough(tree, id));
  while (level.length) {
    const next: string[] = [];
    for (const id of level) {
      const kids = childrenOf(tree, id);
      if (kids.length === 0) continue;
      // Expanding replaces the group's box by a frame header plus its children.
      if (visible + kids.length > budget) continue;
      visible += kids.length;
      expanded.add(id);
      next.push(...kids.map((k) => passThrough(tree, k)));
    }
    level = next;
  }
  return expanded;
}

export function effectiveExpanded(tree: TaskTree, toggled: Iterable<string>): Set<string> {
  const set = defaultExpanded(tree);
  for (const id of toggled) {
    if (!isGroup(tree, id)) continue;
    if (set.has(id)) set.delete(id);
    else set.add(id);
  }
  return set;
}

export type ViewNodeKind = 'task' | 'group' | 'header';

export interface ViewNode {
  id: string; // a node id; headers are `<frame id>#header`
  taskId: string; // the task the box stands for (a header: its frame's group)
  kind: ViewNodeKind;
  label: string;
  frame: string | null; // the expanded group drawn around it, null at the top level
  counts?: StateCounts; // groups and headers: the tasks inside
  size?: number; // groups and headers: number of children
}

export interface ViewFrame {
  id: string;
  label: string;
  frame: string | null;
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  hidden?: boolean; // header -> first tasks: only keeps the header on top in the layout
}

export interface ViewGraph {
  nodes: ViewNode[];
  frames: ViewFrame[];
  edges: ViewEdge[];
}

export function headerId(frameId: string): string {
  return `${frameId}#header`;
}

// The DAG of the spec whose tasks are the children of `parentId`.
function dagOf(tree: TaskTree, parentId: string): string | null {
  if (parentId === '') return '';
  const t = tree.byId.get(parentId);
  if (!t || t.kind === 'LOOP') return null; // iterations do not depend on each other
  return t.component;
}

export function buildViewGraph(tree: TaskTree, deps: SpecDeps, expanded: Set<string>): ViewGraph {
  const nodes: ViewNode[] = [];
  const frames: ViewFrame[] = [];
  const edges = new Map<string, ViewEdge>();
  // For each drawn child of an expanded container: the boxes edges enter
  // (its first tasks) and leave (its last tasks).
  const entries = new Map<string, string[]>();
  const exits = new Map<string, string[]>();

  const addEdge = (source: string, target: string, hidden = false) => {
    const id = `${source}->${target}`;
    if (!edges.has(id)) edges.set(id, { id, source, target, hidden });
  };

  // Draws the children of container `parentId` inside `frame`; returns the
  // entry and exit boxes of the whole container.
  const drawChildren = (parentId: string, frame: string | null): { entry: string[]; exit: string[] } => {
    const kids = childrenOf(tree, parentId);
    const keyOf = new Map<string, string>(); // task key -> child id
    for (const k of kids) keyOf.set(tree.byId.get(k)!.task_key, k);
    for (const kid of kids) draw(kid, frame);
    const dag = dagOf(tree, parentId);
    const upstream = new Map<string, string[]>();
    const hasDownstream = new Set<string>();
    if (dag !== null) {
      const dagDeps = deps.get(dag);
      for (const kid of kids) {
        const ups = (dagDeps?.get(tree.byId.get(kid)!.task_key) ?? [])
          .map((key) => keyOf.get(key))
          .filter((x): x is string => x !== undefined && x !== kid);
        upstream.set(kid, ups);
        ups.forEach((u) => hasDownstream.add(u));
      }
    }
    for (const [kid, ups] of upstream) {
      for (const u of ups) for (const s of exits.get(u)!) for (const t of entries.get(kid)!) addEdge(s, t);
    }
    // Iterations do not depend on each other, so dagre would put them all in
    // one row (500 iterations: 100,000 px wide). Hidden edges from each one
    // to the one `cols` further stack them into a roughly square grid.
    if (dag === null && kids.length > GRID_FROM) {
      const cols = Math.ceil(Math.sqrt(kids.length));
      for (let i = 0; i + cols < kids.length; i++) {
        for (const s of exits.get(kids[i])!) for (const t of entries.get(kids[i + cols])!) addEdge(s, t, true);
      }
      // Edges into the loop reach its first row only and leave from its
      // last: edges spanning the whole grid would scramble dagre's order.
      return {
        entry: kids.slice(0, cols).flatMap((k) => entries.get(k)!),
        exit: kids.slice(kids.length - cols).flatMap((k) => exits.get(k)!),
      };
    }
    const entry = kids.filter((k) => (upstream.get(k) ?? []).length === 0).flatMap((k) => entries.get(k)!);
    const exit = kids.filter((k) => !hasDownstream.has(k)).flatMap((k) => exits.get(k)!);
    return { entry, exit };
  };

  const draw = (id: string, frame: string | null) => {
    const shown = passThrough(tree, id);
    const task = tree.byId.get(shown)!;
    const label = tree.byId.get(id)!.display_name || tree.byId.get(id)!.task_key;
    const kids = childrenOf(tree, shown);
    if (kids.length === 0) {
      nodes.push({ id: shown, taskId: shown, kind: 'task', label, frame });
      entries.set(id, [shown]);
      exits.set(id, [shown]);
      return;
    }
    const counts = countStates(descendants(tree, shown));
    if (!expanded.has(shown)) {
      nodes.push({ id: shown, taskId: shown, kind: 'group', label, frame, counts, size: kids.length });
      entries.set(id, [shown]);
      exits.set(id, [shown]);
      return;
    }
    frames.push({ id: shown, label, frame });
    const header = headerId(shown);
    nodes.push({ id: header, taskId: shown, kind: 'header', label: task.display_name || label, frame: shown, counts, size: kids.length });
    const inner = drawChildren(shown, shown);
    for (const e of inner.entry) addEdge(header, e, true);
    // Edges into an expanded group point at its header: dagre then ranks the
    // whole frame below its upstream tasks, and the arrow reads "into the group".
    entries.set(id, [header]);
    exits.set(id, inner.exit.length ? inner.exit : [header]);
  };

  drawChildren('', null);
  return { nodes, frames, edges: [...edges.values()] };
}

// What the layout depends on: boxes, frames and edges, not task states, so
// a poll that only changes states does not move anything.
export function structureKey(graph: ViewGraph): string {
  return [
    graph.nodes.map((n) => `${n.id}|${n.kind}|${n.frame ?? ''}`).join(','),
    graph.frames.map((f) => `${f.id}|${f.frame ?? ''}`).join(','),
    graph.edges.map((e) => e.id).join(','),
  ].join(';');
}

// Siblings in dependency order (a task after the ones it waits for), ties
// and tasks the spec does not know kept in run order.
export function orderedChildren(tree: TaskTree, deps: SpecDeps, parentId: string): string[] {
  const kids = childrenOf(tree, parentId);
  const dag = dagOf(tree, parentId);
  const dagDeps = dag === null ? undefined : deps.get(dag);
  if (!dagDeps) return kids;
  const byKey = new Map(kids.map((k) => [tree.byId.get(k)!.task_key, k]));
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (id: string, path: Set<string>) => {
    if (done.has(id) || path.has(id)) return; // path: a cycle (the server refuses those) must not hang the page
    path.add(id);
    for (const key of dagDeps.get(tree.byId.get(id)!.task_key) ?? []) {
      const up = byKey.get(key);
      if (up) visit(up, path);
    }
    done.add(id);
    out.push(id);
  };
  for (const k of kids) visit(k, new Set());
  return out;
}

export interface TaskRow {
  task: PipelineTask;
  depth: number;
  group: boolean;
}

// The list view: every task, depth-first, siblings in dependency order.
export function taskRows(tree: TaskTree, deps: SpecDeps = new Map()): TaskRow[] {
  const rows: TaskRow[] = [];
  const walk = (parent: string, depth: number) => {
    for (const id of orderedChildren(tree, deps, parent)) {
      const kids = childrenOf(tree, id);
      rows.push({ task: tree.byId.get(id)!, depth, group: kids.length > 0 });
      walk(id, depth + 1);
    }
  };
  walk('', 0);
  return rows;
}
