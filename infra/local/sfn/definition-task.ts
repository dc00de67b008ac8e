/**
 * Task states: the Lambda integrations this runtime runs (`lambda:invoke`, its `.waitForTaskToken`
 * variant and bare function ARNs) and their timeout/heartbeat fields.
 */
import { checkFields, isPositiveInt, optionalValue } from "./definition-fields";
import { compileCatch, compileRetry } from "./definition-retry-catch";
import type { LambdaIntegration, PassState, TaskState } from "./definition-types";
import { InvalidDefinitionError } from "./errors";
import { isTemplate } from "./expressions";

const STATES_LAMBDA = /^arn:aws[a-z-]*:states:::lambda:(invoke|invoke\.waitForTaskToken)$/;
export const LAMBDA_FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

export function compileTask(
  raw: Record<string, unknown>,
  where: string,
  base: Omit<PassState, "type">,
): TaskState {
  const resource = raw.Resource;
  if (typeof resource !== "string")
    throw new InvalidDefinitionError(`${where}: field 'Resource' is required`);
  let integration: LambdaIntegration;
  let functionArn: string | undefined;
  const m = STATES_LAMBDA.exec(resource);
  if (m) {
    integration = m[1] as LambdaIntegration;
    const args = raw.Arguments;
    if (args === null || typeof args !== "object" || Array.isArray(args)) {
      if (!isTemplate(args)) {
        throw new InvalidDefinitionError(
          `${where}: field 'Arguments' of ${resource} must be an object with FunctionName`,
        );
      }
    } else {
      const a = args as Record<string, unknown>;
      if (a.FunctionName === undefined) {
        throw new InvalidDefinitionError(
          `${where}: field 'Arguments.FunctionName' is required for ${resource}`,
        );
      }
      checkFields(
        a,
        ["FunctionName", "Payload", "InvocationType", "Qualifier", "ClientContext", "LogType"],
        `${where} field 'Arguments'`,
      );
      if (a.InvocationType !== undefined && a.InvocationType !== "RequestResponse") {
        throw new InvalidDefinitionError(
          `${where}: field 'Arguments.InvocationType' ${JSON.stringify(a.InvocationType)} is not supported (RequestResponse only)`,
        );
      }
    }
  } else if (LAMBDA_FUNCTION_ARN.test(resource)) {
    integration = "function";
    functionArn = resource;
  } else {
    throw new InvalidDefinitionError(
      `${where}: field 'Resource' ${JSON.stringify(resource)} is not supported; this runtime runs arn:aws:states:::lambda:invoke, arn:aws:states:::lambda:invoke.waitForTaskToken and Lambda function ARNs`,
    );
  }
  for (const f of ["TimeoutSeconds", "HeartbeatSeconds"] as const) {
    if (raw[f] !== undefined && !isTemplate(raw[f]) && !isPositiveInt(raw[f])) {
      throw new InvalidDefinitionError(
        `${where}: field '${f}' must be a positive integer or a JSONata expression`,
      );
    }
  }
  if (
    isPositiveInt(raw.TimeoutSeconds) &&
    isPositiveInt(raw.HeartbeatSeconds) &&
    raw.HeartbeatSeconds >= raw.TimeoutSeconds
  ) {
    throw new InvalidDefinitionError(
      `${where}: field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'`,
    );
  }
  return {
    ...base,
    type: "Task",
    resource,
    integration,
    functionArn,
    arguments: optionalValue(raw.Arguments, `${where} field 'Arguments'`),
    timeoutSeconds: optionalValue(raw.TimeoutSeconds, `${where} field 'TimeoutSeconds'`),
    heartbeatSeconds: optionalValue(raw.HeartbeatSeconds, `${where} field 'HeartbeatSeconds'`),
    retry: compileRetry(raw.Retry, where),
    catch: compileCatch(raw.Catch, where),
  };
}
