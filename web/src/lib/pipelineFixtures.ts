// Task lists shaped like runs/get answers, shared by the pipeline tests.
import type { PipelineTask, TaskKind, TaskState } from '../api/pipelines';

export function task(
  node_id: string,
  kind: TaskKind,
  state: TaskState,
  extra: Partial<PipelineTask> = {},
): PipelineTask {
  const slash = node_id.lastIndexOf('/');
  const parent_id = extra.parent_id ?? (slash >= 0 ? node_id.slice(0, slash) : node_id.match(/^(.*)\[\d+\]$/)?.[1] ?? '');
  const key = node_id.slice(slash + 1);
  return {
    node_id,
    parent_id,
    task_key: key.replace(/\[\d+\]$/, ''),
    display_name: key,
    component: `comp-${key.replace(/\[\d+\]$/, '')}`,
    kind,
    state,
    attempt: 1,
    ...extra,
  };
}

// A cairn YAML run: prepare -> train -> publish (skipped), a for_each
// `squares` with 3 single-task iterations, `boom` failing and `after-boom`
// not triggered.
export function cairnRunTasks(): PipelineTask[] {
  const iterations = [0, 1, 2].flatMap((i) => [
    task(`squares[${i}]`, 'ITERATION', 'SUCCEEDED', { parent_id: 'squares', iteration_index: i, display_name: `squares[${i}]`, component: 'comp-squares-loop' }),
    task(`squares[${i}]/squares`, 'CONTAINER', 'SUCCEEDED', { parent_id: `squares[${i}]`, cached: i === 2 }),
  ]);
  return [
    task('prepare', 'CONTAINER', 'SUCCEEDED'),
    task('train', 'CONTAINER', 'SUCCEEDED', { attempt: 2 }),
    task('publish', 'CONTAINER', 'SKIPPED'),
    task('squares', 'LOOP', 'SUCCEEDED', { component: 'comp-squares-loop' }),
    ...iterations,
    task('boom', 'CONTAINER', 'FAILED', { exit_code: 3 }),
    task('after-boom', 'CONTAINER', 'NOT_TRIGGERED'),
  ];
}

export const CAIRN_SPEC = `
name: demo
params: {n: 3}
steps:
  prepare:
    run: echo hi > "\${{ outputs.rows }}"
    outputs: {rows: int}
  train:
    run: echo "\${{ steps.prepare.outputs.rows }}"
  publish:
    when: steps.train.outputs.acc > 0.9
    needs: train
    run: echo publish
  squares:
    for_each: [1, 2, 3]
    run: echo $(( \${{ item }} * 2 ))
  boom:
    needs: [prepare]
    run: exit 3
  after-boom:
    needs: [boom, squares]
    run: echo never
`;
