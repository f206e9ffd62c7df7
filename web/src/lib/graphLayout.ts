// Positions for a ViewGraph, computed by dagre (top to bottom). Expanded
// groups are dagre clusters (compound nodes) around their children; dagre
// cannot route edges to a cluster, so buildViewGraph already connects edges
// to the first and last tasks inside, plus hidden header -> first-task edges
// that keep each frame's header on top. Sizes are fixed per box kind, which
// keeps the layout independent of the text (measured: 300 nodes in ~0.6 s on
// the 2-core machine, specs/web-ui.md §6).
import dagre from '@dagrejs/dagre';
import type { ViewGraph, ViewNodeKind } from './pipelineGraph';

export const BOX: Record<ViewNodeKind, { width: number; height: number }> = {
  task: { width: 190, height: 48 },
  group: { width: 220, height: 78 },
  header: { width: 250, height: 34 },
};

export interface Rect {
  x: number; // top-left
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: Map<string, Rect>;
  frames: Map<string, Rect>;
  width: number;
  height: number;
}

export function layoutGraph(graph: ViewGraph): Layout {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 46, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const f of graph.frames) g.setNode(f.id, {});
  for (const n of graph.nodes) g.setNode(n.id, { ...BOX[n.kind] });
  for (const f of graph.frames) if (f.frame) g.setParent(f.id, f.frame);
  for (const n of graph.nodes) if (n.frame) g.setParent(n.id, n.frame);
  for (const e of graph.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);

  const rect = (id: string): Rect => {
    const n = g.node(id) as { x: number; y: number; width: number; height: number };
    return { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
  };
  const nodes = new Map(graph.nodes.map((n) => [n.id, rect(n.id)]));
  const frames = new Map(graph.frames.map((f) => [f.id, rect(f.id)]));
  const label = g.graph() as { width?: number; height?: number };
  return { nodes, frames, width: label.width ?? 0, height: label.height ?? 0 };
}
