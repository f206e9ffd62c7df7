// Validates Argo Workflow YAML files offline against the JSON schema that
// @kubernetes-models/argo-workflows generates from the argo-workflows Go
// types (ajv inside). There is no `argo lint` in apt or npm; reference checks
// (entrypoint, template names, DAG dependencies) are cairn's own unit tests.
//   node validate-argo.mjs FILE...      exit 1 when any document is invalid
import fs from 'fs';
import * as yaml from 'js-yaml';
import { Workflow } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/Workflow';

let bad = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(fs.readFileSync(file, 'utf8'))) {
    try {
      new Workflow(doc).validate();
      console.log(`OK   ${file} ${doc.metadata?.name ?? doc.metadata?.generateName}`);
    } catch (e) {
      bad++;
      console.log(`FAIL ${file}: ${e.message.split('\n').slice(0, 6).join(' | ')}`);
    }
  }
}
process.exit(bad ? 1 : 0);
