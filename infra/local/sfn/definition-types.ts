/** The compiled form of an Amazon States Language definition that the local runtime executes. */
import type { DistributedMapConfig } from "./distributed-map-definition";
import type { CompiledValue } from "./expressions";

export type LambdaIntegration = "invoke" | "invoke.waitForTaskToken" | "function";

export interface Retrier {
  errorEquals: string[];
  intervalSeconds: number;
  maxAttempts: number;
  backoffRate: number;
  maxDelaySeconds: number | undefined;
  jitter: "FULL" | "NONE";
}

export interface Catcher {
  errorEquals: string[];
  next: string;
  output: CompiledValue | undefined;
  assign: Map<string, CompiledValue> | undefined;
}

interface Base {
  name: string;
  next: string | undefined;
  end: boolean;
  output: CompiledValue | undefined;
  assign: Map<string, CompiledValue> | undefined;
}

export interface PassState extends Base {
  type: "Pass";
}
export interface TaskState extends Base {
  type: "Task";
  resource: string;
  integration: LambdaIntegration;
  /** For a bare function ARN resource: that ARN. */
  functionArn: string | undefined;
  arguments: CompiledValue | undefined;
  timeoutSeconds: CompiledValue | undefined;
  heartbeatSeconds: CompiledValue | undefined;
  retry: Retrier[];
  catch: Catcher[];
}
export interface ChoiceRule {
  condition: CompiledValue;
  next: string;
  output: CompiledValue | undefined;
  assign: Map<string, CompiledValue> | undefined;
}
export interface ChoiceState extends Base {
  type: "Choice";
  choices: ChoiceRule[];
  default: string | undefined;
}
export interface WaitState extends Base {
  type: "Wait";
  seconds: CompiledValue | undefined;
  timestamp: CompiledValue | undefined;
}
export interface SucceedState extends Base {
  type: "Succeed";
}
export interface FailState extends Base {
  type: "Fail";
  error: CompiledValue | undefined;
  cause: CompiledValue | undefined;
}
export interface ParallelState extends Base {
  type: "Parallel";
  arguments: CompiledValue | undefined;
  branches: StateList[];
  retry: Retrier[];
  catch: Catcher[];
}
export interface MapState extends Base {
  type: "Map";
  items: CompiledValue | undefined;
  itemSelector: CompiledValue | undefined;
  maxConcurrency: CompiledValue | undefined;
  processor: StateList;
  /** Set for a Map in DISTRIBUTED mode: its items run as child executions of a Map Run. */
  distributed: DistributedMapConfig | undefined;
  retry: Retrier[];
  catch: Catcher[];
}

export type CompiledState =
  | PassState
  | TaskState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;

export interface StateList {
  startAt: string;
  states: Map<string, CompiledState>;
}

export interface CompiledDefinition extends StateList {
  timeoutSeconds: number | undefined;
  /** Number of states, nested ones included (for information). */
  stateCount: number;
}
