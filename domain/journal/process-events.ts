/**
 * A process's history as the journal reads it: each run of a workflow (a chain of runs when it
 * continues as new), with the events that say something, their payloads already opened and
 * converted (temporal/process-history.ts does that). Plain data: the mapping of each workflow
 * type to journal entries (`process-journal.ts`) is pure and tested on built histories.
 */

/** The event types the journal reads; any other event of a history is left out when it is read. */
export const journalEventTypes = [
  'WorkflowExecutionStarted',
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionCanceled',
  'ActivityTaskScheduled',
  'ActivityTaskCompleted',
  'ActivityTaskFailed',
  'ActivityTaskTimedOut',
  'WorkflowExecutionSignaled',
  'WorkflowExecutionUpdateAccepted',
  'WorkflowExecutionUpdateCompleted',
] as const;
export type JournalEventType = (typeof journalEventTypes)[number];

export interface ProcessFailure {
  message: string;
  /** An ApplicationFailure's type, when it has one. */
  type?: string;
}

export interface ProcessEvent {
  eventId: number;
  eventType: JournalEventType;
  /** ISO instant. */
  at: string;
  /**
   * The workflow type (started), activity type (scheduled), signal name (signaled) or update
   * name (update accepted).
   */
  name?: string;
  /** The workflow's input, an activity's, a signal's or an update's arguments. */
  args?: unknown[];
  /** A completed activity's or workflow's result. */
  result?: unknown;
  failure?: ProcessFailure;
  /** On an activity's completion, failure or time-out: the event that scheduled it. */
  scheduledEventId?: number;
  /** On an update's acceptance and completion. */
  updateId?: string;
  /** On the start of a run that continues an earlier one: that run. */
  continuedFromRunId?: string;
}

export interface ProcessRun {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** Read from the S3 archive: the Temporal server no longer holds it. */
  archived: boolean;
  events: ProcessEvent[];
}
