/** The local Step Functions runtime of the embedded stack (see docs/sfn-conformance.md). */
export {
  lambdaInvokerFromTemplate,
  loadStateMachinesFromTemplate,
  type TemplateFunction,
} from "./cdk-template";
export { CronExpressionError, parseCron } from "./cron";
export { type CompiledDefinition, parseDefinition } from "./definition";
export { InvalidDefinitionError, StatesFailureError, StepFunctionsApiError } from "./errors";
export { startStepFunctionsApi } from "./http-api";
export { type LocalHandler, type RunReport, runDefinition } from "./run-definition";
export {
  type ExecutionStatus,
  type HistoryEvent,
  type InvokeLambda,
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
} from "./runtime";
export { type ClockMode, type ScheduledTimer, ScheduledWorkError, VirtualClock } from "./virtual-clock";
