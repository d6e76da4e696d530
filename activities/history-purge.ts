// The workflow histories of a member's processes, deleted when the member is erased (RGPD
// article 17): from the Temporal server and from the S3 archive of closed histories. Their
// payloads are sealed (temporal/payload-codec.ts) but hold what the member typed (the answers
// to a garden's sign-up questions, their own name on an application they made online).
import type { WorkflowService } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { HistoryArchive } from '../adapters/store/history-archive.ts';

export interface HistoryPurgeOutcome {
  /** Closed runs deleted from the Temporal server. */
  runsDeleted: number;
  /** Archived runs deleted from S3 (with their earlier versions). */
  archivedRunsRemoved: number;
  /** Workflow ids with a run still open: left as they are (deleting would terminate it). */
  stillRunning: string[];
}

export interface HistoryPurge {
  purge(gardenId: string, workflowIds: readonly string[]): Promise<HistoryPurgeOutcome>;
}

/** Characters of the garden's workflow ids: nothing that could end the List Filter's quoted value. */
const safeWorkflowId = /^[A-Za-z0-9][A-Za-z0-9._:#-]*(\/[A-Za-z0-9._:#-]+)+$/;

const running = proto.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

/** gRPC's NOT_FOUND: a run deleted already (a retry of the erasure). */
const notFound = 5;

const isNotFound = (error: unknown) => (error as { code?: unknown } | undefined)?.code === notFound;

/**
 * Deletes every closed run of each workflow id (a continue-as-new chain: each run) from the
 * server, then its archived copies. Only ids of the garden are accepted. A run still open is
 * left alone and named in the outcome. Safe to repeat.
 */
export function createHistoryPurge(deps: {
  workflowService: WorkflowService;
  namespace: string;
  archive: Pick<HistoryArchive, 'removeWorkflow'>;
}): HistoryPurge {
  const { workflowService, namespace } = deps;

  async function runsOf(workflowId: string) {
    const runs: Array<{ runId: string; open: boolean }> = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await workflowService.listWorkflowExecutions({
        namespace,
        query: `WorkflowId = '${workflowId}'`,
        pageSize: 100,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      for (const info of page.executions ?? []) {
        const runId = info.execution?.runId;
        if (!runId) continue;
        const open = info.status === running;
        runs.push({ runId, open });
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return runs;
  }

  return {
    async purge(gardenId, workflowIds) {
      for (const workflowId of workflowIds) {
        if (!safeWorkflowId.test(workflowId) || workflowId.split('/', 1)[0] !== gardenId) {
          throw new RangeError(`Not a workflow id of garden ${gardenId}: ${JSON.stringify(workflowId)}`);
        }
      }
      const outcome: HistoryPurgeOutcome = { runsDeleted: 0, archivedRunsRemoved: 0, stillRunning: [] };
      for (const workflowId of new Set(workflowIds)) {
        const runs = await runsOf(workflowId);
        if (runs.some((run) => run.open)) outcome.stillRunning.push(workflowId);
        for (const run of runs.filter((run) => !run.open)) {
          try {
            await workflowService.deleteWorkflowExecution({
              namespace,
              workflowExecution: { workflowId, runId: run.runId },
            });
            outcome.runsDeleted++;
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        }
        // After the server's copy: a run archived meanwhile is caught here.
        outcome.archivedRunsRemoved += await deps.archive.removeWorkflow(gardenId, workflowId);
      }
      return outcome;
    },
  };
}
