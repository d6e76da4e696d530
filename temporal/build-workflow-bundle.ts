// Builds the workflow bundle that production workers load (WORKFLOW_BUNDLE_PATH).
import { mkdir, writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from './workflow-source.ts';

const target = new URL('./dist/workflow-bundle.js', import.meta.url);
const { code } = await bundleWorkflowCode({ workflowsPath });
await mkdir(new URL('./dist/', import.meta.url), { recursive: true });
await writeFile(target, code);
console.log(`Workflow bundle written to ${target.pathname} (${Math.round(code.length / 1024)} KiB)`);
