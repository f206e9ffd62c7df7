import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAIRN_SPEC } from './pipelineFixtures';
import { specDependencies } from './pipelineSpec';

const kfpSample = (name: string) => readFileSync(join(__dirname, '../../../tests/data/kfp', name), 'utf8');

describe('spec dependencies', () => {
  it('reads cairn YAML needs and step output references', () => {
    const root = specDependencies(CAIRN_SPEC).get('')!;
    expect(root.get('prepare')).toEqual([]);
    expect(root.get('train')).toEqual(['prepare']);
    expect(root.get('publish')).toEqual(['train']); // needs, and the when: reference
    expect(root.get('after-boom')).toEqual(['boom', 'squares']);
  });

  it('reads KFP IR dependentTasks and data producers per DAG', () => {
    const deps = specDependencies(kfpSample('pipeline_with_exit_handler.yaml'));
    expect(deps.get('')!.get('print-op')).toEqual(['exit-handler-1']);
    const inner = deps.get('comp-exit-handler-1')!;
    expect([...inner.keys()].sort()).toEqual(['fail-op', 'print-op-2']);
    const loops = specDependencies(kfpSample('pipeline_with_loops.yaml'));
    expect(loops.get('')!.get('for-loop-2')).toEqual(['args-generator-op']);
  });

  it('takes the pipeline out of a PipelineJob and ignores a PlatformSpec document', () => {
    const job = `pipelineSpec:\n  root:\n    dag:\n      tasks:\n        a: {}\n        b: {dependentTasks: [a, ghost]}\n`;
    expect(specDependencies(job).get('')!.get('b')).toEqual(['a']);
    const two = `root:\n  dag:\n    tasks:\n      a: {}\n---\nplatforms: {kubernetes: {}}\n`;
    expect(specDependencies(two).get('')!.get('a')).toEqual([]);
  });

  it('gives no edges for a spec it cannot read', () => {
    expect(specDependencies(undefined).size).toBe(0);
    expect(specDependencies('steps: [unclosed').size).toBe(0);
    expect(specDependencies('just text').size).toBe(0);
  });
});
