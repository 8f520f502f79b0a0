/** Public API of the in-process fake Conductor server used by tests, the sandbox and benchmarks. */
export { startConductorServer } from "./server.js";
export type {
  ConductorFault,
  ConductorServer,
  ConductorServerOptions,
  JsonMap,
  PollData,
  RecordedRequest,
  StartWorkflowRequest,
  Task,
  TaskDef,
  TaskExecLog,
  TaskResult,
  TaskStatus,
  WaitForWorkflowOptions,
  Workflow,
  WorkflowDef,
  WorkflowStatus,
  WorkflowTask,
} from "./types.js";
