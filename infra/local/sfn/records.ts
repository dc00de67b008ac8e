/**
 * Records of the local Step Functions runtime: state machines, executions, their stored history events,
 * task tokens, and the strands (running branches) that execute them. Shared by the API (runtime.ts,
 * store.ts) and the interpreter (states.ts, task-state.ts).
 */
import type { CompiledDefinition } from "./definition";
import type { ScheduledTimer, VirtualClock } from "./virtual-clock";

export type InvokeLambda = (
  functionArn: string,
  payload: unknown,
  context: { functionName: string; awsRequestId: string },
) => Promise<unknown>;

/**
 * IAM as the state machine's (or the scheduler's) role meets it (infra/local/iam, ADR 0025): the AccessDenied
 * message AWS would give for `action` on `resource`, or undefined when the role allows it.
 */
export type AuthorizeRole = (roleArn: string, action: string, resource: string) => string | undefined;

export interface LocalStepFunctionsOptions {
  clock: VirtualClock;
  invokeLambda: InvokeLambda;
  /** Checks what a role does (lambda:InvokeFunction, states:StartExecution, s3:GetObject); all allowed when absent. */
  authorize?: AuthorizeRole;
  region?: string;
  accountId?: string;
  /** Where closed executions' histories are kept (a file in it, ADR 0072); in memory without one. */
  dataDir?: string;
  /** S3 GetObject for a Distributed Map's ItemReader: the object's text. */
  readS3Object?: (bucket: string, key: string) => Promise<string>;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** One history event as GetExecutionHistory returns it (HistoryEvent in the API reference). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export interface StoredEvent {
  id: number;
  previousEventId: number;
  timestampMs: number;
  type: string;
  details: Record<string, unknown> | undefined;
}

export interface StateMachineRecord {
  arn: string;
  name: string;
  definitionText: string;
  definition: CompiledDefinition;
  roleArn: string;
  creationMs: number;
}

export interface ExecutionRecord {
  arn: string;
  name: string;
  machine: StateMachineRecord;
  inputText: string;
  input: unknown;
  status: ExecutionStatus;
  startMs: number;
  stopMs: number | undefined;
  outputText: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  events: StoredEvent[];
  root: CancelScope;
  openTokens: Set<TokenRecord>;
  timeoutTimer: ScheduledTimer | undefined;
  contextExecution: Record<string, unknown>;
  contextStateMachine: Record<string, unknown>;
  /** Ends the execution when its history reaches the 25,000-event quota (limits.ts). */
  onHistoryFull: () => void;
  /** RedriveExecution (redrive.ts): how often, when last, and where a redrive resumes. */
  redriveCount: number;
  redriveMs: number | undefined;
  resumeAt: ResumePoint | undefined;
}

/** The top-level state an execution was last in, with its input and the variables at its entry. */
export interface ResumePoint {
  state: string;
  input: unknown;
  variables: Record<string, unknown>;
}

/** Cancellation of a branch tree: stopping an execution, or a sibling branch failing. */
export class CancelScope {
  reason: Error | undefined;
  readonly waiters = new Set<(e: Error) => void>();
  private readonly children = new Set<CancelScope>();

  constructor(private readonly parent?: CancelScope) {
    parent?.children.add(this);
    this.reason = parent?.reason;
  }

  cancel(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    for (const wake of [...this.waiters]) wake(reason);
    this.waiters.clear();
    for (const child of [...this.children]) child.cancel(reason);
  }

  check(): void {
    if (this.reason) throw this.reason;
  }

  detach(): void {
    this.parent?.children.delete(this);
  }
}

export interface Strand {
  exec: ExecutionRecord;
  scope: CancelScope;
  release: () => void;
  lastEventId: number;
  /** Type of the state the strand is in, for `<Type>StateAborted` when it is cancelled while blocked. */
  stateType?: string;
}

export type Outcome =
  | { kind: "success"; output: unknown }
  | { kind: "failure"; error: string; cause: string | undefined };

export interface TokenRecord {
  token: string;
  exec: ExecutionRecord;
  closed: boolean;
  submitted: boolean;
  early: Outcome | undefined;
  deliver: ((outcome: Outcome) => void) | undefined;
  heartbeat: (() => void) | undefined;
}

export interface StateResult {
  output: unknown;
  next: string | undefined;
}

/**
 * Names of state machines and executions: 1–80 characters, none of whitespace, brackets `< > { } [ ]`,
 * wildcards `? *`, special characters `" # % \\ ^ | ~ \` $ & , ; : /` or control characters
 * (API reference, StartExecution `name`).
 */
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

export function validName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  }
  return true;
}
