// The run graph: xyflow renders the boxes dagre placed (lib/graphLayout.ts).
// Nothing is draggable or connectable; every box holds real buttons, so the
// graph is usable from the keyboard (Tab to a task, Enter opens its panel or
// expands/collapses a group) and xyflow's own node focus is turned off to
// avoid a second tab stop per box.
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  useReactFlow,
  useStore,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { createContext, memo, useContext, useEffect, useMemo } from 'react';
import type { PipelineTask } from '../api/pipelines';
import type { Layout } from '../lib/graphLayout';
import type { TaskTree, ViewGraph, ViewNode } from '../lib/pipelineGraph';
import { STATE_STYLE, visualState } from '../lib/pipelineStates';
import { CountChips } from './StateChips';

interface GraphActions {
  tree: TaskTree;
  selected: string;
  onOpen: (taskId: string) => void;
  onToggle: (groupId: string) => void;
}

// The click handlers and the task tree (live states) reach the boxes through
// context: xyflow node data stays what the layout needs.
const Actions = createContext<GraphActions | null>(null);

type BoxData = { view: ViewNode };
type FrameData = { label: string };

function StateLine({ task }: { task: PipelineTask }) {
  const v = visualState(task);
  const attempt = task.attempt && task.attempt > 1 ? ` · attempt ${task.attempt}` : '';
  return (
    <span className="pnode-state">
      <span className={`dot dot-${v}`} aria-hidden="true" />
      {STATE_STYLE[v].label}
      {attempt}
    </span>
  );
}

function groupWhat(task: PipelineTask, size: number | undefined): string {
  if (task.kind === 'LOOP') return `ParallelFor · ${size} iteration${size === 1 ? '' : 's'}`;
  if (task.kind === 'ITERATION') return `iteration · ${size} task${size === 1 ? '' : 's'}`;
  return `sub-DAG · ${size} task${size === 1 ? '' : 's'}`;
}

const hidden = { opacity: 0, pointerEvents: 'none' as const };

function Box({ data }: NodeProps<Node<BoxData>>) {
  const actions = useContext(Actions)!;
  const view = data.view;
  const task = actions.tree.byId.get(view.taskId);
  if (!task) return null;
  const v = visualState(task);
  const style = STATE_STYLE[v];
  const selected = actions.selected === view.taskId;
  const common = {
    'data-testid': `pipeline-${view.kind}`,
    'data-node-id': view.taskId,
    'data-state': v,
    style: { background: style.fill, borderColor: style.border, color: style.text },
  };
  if (view.kind === 'header') {
    return (
      <div className={`pnode pnode-header state-${v}`} {...common}>
        <Handle type="target" position={Position.Top} style={hidden} isConnectable={false} />
        <button type="button" className="pnode-toggle" onClick={() => actions.onToggle(view.taskId)} aria-expanded="true" aria-label={`Collapse ${view.label}`}>
          ▾
        </button>
        <button type="button" className="pnode-open" onClick={() => actions.onOpen(view.taskId)} aria-pressed={selected}>
          <span className="pnode-name">{view.label}</span> <span className="muted small pnode-what">{groupWhat(task, view.size)}</span>
        </button>
        <Handle type="source" position={Position.Bottom} style={hidden} isConnectable={false} />
      </div>
    );
  }
  return (
    <div className={`pnode pnode-${view.kind} state-${v}${selected ? ' selected' : ''}`} {...common}>
      <Handle type="target" position={Position.Top} style={hidden} isConnectable={false} />
      {view.kind === 'group' && (
        <button type="button" className="pnode-toggle" onClick={() => actions.onToggle(view.taskId)} aria-expanded="false" aria-label={`Expand ${view.label}`}>
          ▸
        </button>
      )}
      <button
        type="button"
        className="pnode-open"
        onClick={() => actions.onOpen(view.taskId)}
        aria-pressed={selected}
        aria-label={`${view.label}: ${style.label}`}
      >
        <span className="pnode-name">{view.label}</span>
        {view.kind === 'group' ? (
          <>
            <span className="pnode-state small">
              <span className={`dot dot-${v}`} aria-hidden="true" />
              {groupWhat(task, view.size)}
            </span>
            <CountChips counts={view.counts} />
          </>
        ) : (
          <StateLine task={task} />
        )}
      </button>
      <Handle type="source" position={Position.Bottom} style={hidden} isConnectable={false} />
    </div>
  );
}

function Frame({ data }: NodeProps<Node<FrameData>>) {
  return <div className="pframe" data-testid="pipeline-frame" aria-label={`Expanded group ${data.label}`} />;
}

const nodeTypes = { box: memo(Box), frame: memo(Frame) };

const FIT = { padding: 0.08, maxZoom: 1.1 };

// xyflow fits the view once; the pane narrows when the task panel opens,
// so fit again whenever its size changes.
function FitOnResize() {
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const { fitView } = useReactFlow();
  useEffect(() => {
    if (width > 0 && height > 0) void fitView(FIT);
  }, [width, height, fitView]);
  return null;
}

export interface PipelineGraphProps extends GraphActions {
  graph: ViewGraph;
  layout: Layout;
}

export function PipelineGraph({ graph, layout, tree, selected, onOpen, onToggle }: PipelineGraphProps) {
  const nodes = useMemo(() => {
    const depth = (frame: string | null): number => {
      let d = 0;
      for (let f = frame; f; f = graph.frames.find((x) => x.id === f)?.frame ?? null) d += 1;
      return d;
    };
    const out: Node[] = [];
    // Frames first and below the boxes; deeper frames above outer ones.
    for (const f of graph.frames) {
      const r = layout.frames.get(f.id)!;
      out.push({
        id: `frame:${f.id}`,
        type: 'frame',
        position: { x: r.x, y: r.y },
        data: { label: f.label },
        style: { width: r.width, height: r.height },
        width: r.width,
        height: r.height,
        zIndex: depth(f.frame) - 100,
        selectable: false,
        focusable: false,
      });
    }
    for (const n of graph.nodes) {
      const r = layout.nodes.get(n.id)!;
      out.push({
        id: n.id,
        type: 'box',
        position: { x: r.x, y: r.y },
        data: { view: n },
        // xyflow turns pointer events off on nodes that are neither
        // selectable nor draggable; the buttons inside need them.
        style: { width: r.width, height: r.height, pointerEvents: 'all' },
        width: r.width,
        height: r.height,
        selectable: false,
        focusable: false,
      });
    }
    return out;
  }, [graph, layout]);
  const edges = useMemo<Edge[]>(
    () =>
      graph.edges
        .filter((e) => !e.hidden)
        .map((e) => ({
          id: e.id,
          source: e.source,
          target: e.target,
          type: 'smoothstep',
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          focusable: false,
          selectable: false,
        })),
    [graph],
  );
  const actions = useMemo(() => ({ tree, selected, onOpen, onToggle }), [tree, selected, onOpen, onToggle]);
  return (
    <Actions.Provider value={actions}>
      <div className="pgraph" data-testid="pipeline-graph" data-nodes={graph.nodes.length}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          onlyRenderVisibleElements={graph.nodes.length > 200}
          fitView
          fitViewOptions={FIT}
          minZoom={0.05}
          maxZoom={2}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} />
          <FitOnResize />
        </ReactFlow>
      </div>
    </Actions.Provider>
  );
}
