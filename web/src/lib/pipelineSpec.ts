// The edges of a run graph. The API's tasks carry their place in the
// execution tree (parent_id) but not their upstream tasks, so the UI reads
// them from the run's spec (runs/get?include_spec=true): for every DAG, which
// sibling tasks each task waits for. Both formats the server runs are read:
//   KFP IR:     root.dag / components[c].dag .tasks[k]: dependentTasks plus
//               every `producerTask` named by its inputs (KFP does not always
//               list data producers in dependentTasks).
//   cairn YAML: steps[s]: `needs:` plus every `steps.X.outputs` reference.
// A spec that cannot be read gives no edges; the graph still shows every
// task, just without arrows.
import { parseAllDocuments } from 'yaml';

// DAG id ('' = the root DAG, else a component name) -> task key -> the keys
// of the sibling tasks it waits for.
export type SpecDeps = Map<string, Map<string, string[]>>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function producers(value: unknown, out: Set<string>) {
  if (Array.isArray(value)) value.forEach((v) => producers(v, out));
  else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'producerTask' && typeof v === 'string') out.add(v);
      else producers(v, out);
    }
  }
}

function kfpDagDeps(dag: unknown): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  const tasks = isObj(dag) && isObj(dag.tasks) ? dag.tasks : {};
  for (const [key, task] of Object.entries(tasks)) {
    const up = new Set<string>();
    if (isObj(task)) {
      if (Array.isArray(task.dependentTasks)) task.dependentTasks.forEach((d) => typeof d === 'string' && up.add(d));
      producers(task.inputs, up);
    }
    up.delete(key);
    deps.set(key, [...up].filter((k) => k in tasks).sort());
  }
  return deps;
}

function kfpDeps(spec: Obj): SpecDeps {
  const result: SpecDeps = new Map();
  if (isObj(spec.root)) result.set('', kfpDagDeps(spec.root.dag));
  if (isObj(spec.components)) {
    for (const [name, comp] of Object.entries(spec.components)) {
      if (isObj(comp) && isObj(comp.dag)) result.set(name, kfpDagDeps(comp.dag));
    }
  }
  return result;
}

function strings(value: unknown, out: string[]) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (isObj(value)) Object.values(value).forEach((v) => strings(v, out));
}

const STEP_REF = /\bsteps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\b/g;

function cairnDeps(spec: Obj): SpecDeps {
  const steps = isObj(spec.steps) ? spec.steps : {};
  const deps = new Map<string, string[]>();
  for (const [key, step] of Object.entries(steps)) {
    const up = new Set<string>();
    if (isObj(step)) {
      const needs = step.needs;
      if (typeof needs === 'string') up.add(needs);
      else if (Array.isArray(needs)) needs.forEach((n) => typeof n === 'string' && up.add(n));
      const texts: string[] = [];
      strings({ ...step, needs: undefined }, texts);
      for (const text of texts) for (const m of text.matchAll(STEP_REF)) up.add(m[1]);
    }
    up.delete(key);
    deps.set(key, [...up].filter((k) => k in steps).sort());
  }
  return new Map([['', deps]]);
}

// Reads the spec text the server stored for the run. Never throws.
export function specDependencies(specText: string | undefined): SpecDeps {
  if (!specText) return new Map();
  try {
    for (const doc of parseAllDocuments(specText)) {
      if (!('toJS' in doc) || doc.errors.length > 0) continue;
      const js: unknown = doc.toJS();
      if (!isObj(js)) continue;
      if (isObj(js.pipelineSpec)) return kfpDeps(js.pipelineSpec);
      if (isObj(js.root)) return kfpDeps(js);
      if (isObj(js.steps)) return cairnDeps(js);
    }
  } catch {
    // An unreadable spec only costs the arrows.
  }
  return new Map();
}
