// The list view of a pipeline run: every task as a table row, indented under
// its group, optionally only those in one state. For runs whose graph is too
// big to read; rows past ROW_LIMIT are shown on request so a 20,000-task run
// does not put 20,000 rows in the DOM at once.
import { useState } from 'react';
import type { TaskRow } from '../lib/pipelineGraph';
import { formatDuration, formatTime } from '../lib/format';
import { STATE_STYLE, VISUAL_STATES, visualState } from '../lib/pipelineStates';
import { href } from '../lib/urlState';
import { EmptyState } from './common';

const ROW_LIMIT = 1000;

export interface TaskListProps {
  rows: TaskRow[];
  state: string;
  onState: (state: string) => void;
  selected: string;
  onOpen: (taskId: string) => void;
}

export function TaskList({ rows, state, onState, selected, onOpen }: TaskListProps) {
  const [limit, setLimit] = useState(ROW_LIMIT);
  const kept = state ? rows.filter((r) => visualState(r.task) === state) : rows;
  // A filtered list is flat: indentation only means something for the whole tree.
  const indent = !state;
  return (
    <div>
      <div className="toolbar">
        <label>
          State{' '}
          <select aria-label="Show tasks in state" value={state} onChange={(e) => onState(e.target.value)}>
            <option value="">all</option>
            {VISUAL_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_STYLE[s].label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" data-testid="task-list-status">
          {kept.length} of {rows.length} tasks
        </span>
      </div>
      {kept.length === 0 ? (
        <EmptyState title={rows.length === 0 ? 'No tasks yet' : 'No task in this state'} />
      ) : (
        <table className="list tasks" data-testid="task-list">
          <thead>
            <tr>
              <th>Task</th>
              <th>Kind</th>
              <th>State</th>
              <th className="num">Attempt</th>
              <th>Started</th>
              <th className="num">Duration</th>
              <th>Tracking run</th>
            </tr>
          </thead>
          <tbody>
            {kept.slice(0, limit).map(({ task, depth }) => {
              const v = visualState(task);
              const end = task.finished_time || (task.state === 'RUNNING' ? Date.now() : 0);
              return (
                <tr key={task.node_id} className={selected === task.node_id ? 'selected' : ''} data-node-id={task.node_id}>
                  <td style={indent ? { paddingLeft: 10 + depth * 18 } : undefined}>
                    <button type="button" className="link" onClick={() => onOpen(task.node_id)} title={task.node_id}>
                      {task.display_name || task.task_key}
                    </button>
                  </td>
                  <td className="muted small">{task.kind.toLowerCase()}</td>
                  <td>
                    <span className="badge" style={{ background: STATE_STYLE[v].fill, color: STATE_STYLE[v].text }}>
                      {STATE_STYLE[v].label}
                    </span>
                  </td>
                  <td className="num">{task.attempt || ''}</td>
                  <td>{formatTime(task.started_time)}</td>
                  <td className="num">{task.started_time && end ? formatDuration(end - task.started_time) : ''}</td>
                  <td>{task.mlflow_run_id ? <a href={href.runById(task.mlflow_run_id)}>run</a> : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {kept.length > limit && (
        <button type="button" onClick={() => setLimit((l) => l + ROW_LIMIT)}>
          Show {Math.min(ROW_LIMIT, kept.length - limit)} more of {kept.length - limit} tasks
        </button>
      )}
    </div>
  );
}
