/**
 * Errors of the local Step Functions runtime.
 *
 * API errors carry the AWS error code as `name` (what @aws-sdk/client-sfn exposes as `error.name`), so
 * callers handle `ExecutionAlreadyExists`, `TaskTimedOut`, … exactly as they do against AWS.
 * `StatesFailureError` is the in-execution failure (an ASL error name + cause) that Retry/Catch match.
 */

/** An error answered by the Step Functions API; `name` is the AWS error code. */
export class StepFunctionsApiError extends Error {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = code;
  }
}

export class InvalidDefinitionError extends StepFunctionsApiError {
  constructor(message: string, options?: ErrorOptions) {
    super("InvalidDefinition", message, options);
  }
}

export class ValidationApiError extends StepFunctionsApiError {
  constructor(message: string, options?: ErrorOptions) {
    super("ValidationException", message, options);
  }
}

/** A state failed with an ASL error name (e.g. `States.Timeout`, or a Lambda's errorType) and a cause. */
export class StatesFailureError extends Error {
  readonly error: string;
  readonly causeText: string | undefined;

  constructor(error: string, causeText?: string, options?: ErrorOptions) {
    super(`${error}${causeText === undefined ? "" : `: ${causeText}`}`, options);
    this.name = "StatesFailureError";
    this.error = error;
    this.causeText = causeText;
  }
}

/** Thrown inside a strand whose execution (or enclosing Parallel/Map) was stopped; unwinds it silently. */
export class StrandCancelledError extends Error {
  constructor(message = "the execution branch was cancelled", options?: ErrorOptions) {
    super(message, options);
    this.name = "StrandCancelledError";
  }
}
