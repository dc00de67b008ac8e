/**
 * From `cdk synth` output to what the local runtime executes: the state machine definitions with
 * every intrinsic resolved (infra/local/template-intrinsics.ts, shared with the IAM roles), and the
 * Lambda functions mapped to their handler modules through the resource Metadata our CDK constructs
 * write ("contract-ops:entry" = handler file relative to the repo root, "contract-ops:handler" =
 * export name). So the embedded stack runs what would be deployed, never a hand-written copy.
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { TemplateIntrinsicError, templateResolver } from "../template-intrinsics";
import { InvalidDefinitionError } from "./errors";
import type { InvokeLambda } from "./runtime";

export interface TemplateFunction {
  logicalId: string;
  functionName: string;
  /** Absolute path of the handler module (.ts). */
  entry: string;
  /** Name of the exported handler function. */
  handler: string;
  /** `Timeout` in seconds (CloudFormation's default 3): past it the invocation fails with Sandbox.Timedout. */
  timeoutSeconds: number;
  /** `MemorySize` in MB (CloudFormation's default 128), reported to the handler as on Lambda. */
  memoryMb: number;
}

interface Resource {
  Type?: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export class TemplateResolutionError extends InvalidDefinitionError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export function loadStateMachinesFromTemplate(
  template: object,
  options: {
    region: string;
    accountId: string;
    repoRoot: string;
    /**
     * The embedded stack's bucket for each role a bucket resource declares in its
     * `contract-ops:bucket` metadata ("usage", "mail"): what a `Ref` to that bucket resolves to.
     */
    bucketNames?: Record<string, string>;
  },
): {
  stateMachines: Array<{ logicalId: string; name: string; definition: object }>;
  functions: Map<string, TemplateFunction>;
} {
  const resources = ((template as { Resources?: Record<string, Resource> }).Resources ?? {}) as Record<
    string,
    Resource
  >;
  const functions = new Map<string, TemplateFunction>();
  const intrinsics = templateResolver(template, {
    region: options.region,
    accountId: options.accountId,
    ...(options.bucketNames ? { bucketNames: options.bucketNames } : {}),
  });
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== "AWS::Lambda::Function") continue;
    const nameProp = r.Properties?.FunctionName;
    if (nameProp !== undefined && typeof nameProp !== "string") {
      throw new TemplateResolutionError(
        `Lambda function ${logicalId}: FunctionName must be a literal string to be mapped locally`,
      );
    }
    const functionName = nameProp ?? logicalId;
    const entry = r.Metadata?.["contract-ops:entry"];
    if (typeof entry !== "string") continue;
    const handler = r.Metadata?.["contract-ops:handler"];
    functions.set(intrinsics.getAtt(logicalId, "Arn", logicalId), {
      logicalId,
      functionName,
      entry: isAbsolute(entry) ? entry : resolve(options.repoRoot, entry),
      handler: typeof handler === "string" ? handler : "handler",
      timeoutSeconds: typeof r.Properties?.Timeout === "number" ? r.Properties.Timeout : 3,
      memoryMb: typeof r.Properties?.MemorySize === "number" ? r.Properties.MemorySize : 128,
    });
  }

  const resolveValue = (value: unknown, where: string): string => {
    let resolved: unknown;
    try {
      resolved = intrinsics.resolve(value, where);
    } catch (error) {
      if (error instanceof TemplateIntrinsicError)
        throw new TemplateResolutionError(error.message, { cause: error });
      throw error;
    }
    if (typeof resolved !== "string")
      throw new TemplateResolutionError(`${where}: cannot resolve ${JSON.stringify(value)} to text`);
    return resolved;
  };

  const stateMachines: Array<{ logicalId: string; name: string; definition: object }> = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== "AWS::StepFunctions::StateMachine") continue;
    const where = `state machine ${logicalId}`;
    const props = r.Properties ?? {};
    const nameProp = props.StateMachineName;
    const name = nameProp === undefined ? logicalId : resolveValue(nameProp, `${where} StateMachineName`);
    let text: string;
    if (props.DefinitionString !== undefined)
      text = resolveValue(props.DefinitionString, `${where} DefinitionString`);
    else if (props.Definition !== undefined) text = JSON.stringify(props.Definition);
    else
      throw new TemplateResolutionError(
        `${where}: no DefinitionString or Definition (DefinitionS3Location is not supported)`,
      );
    const substitutions = (props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
    if (Object.keys(substitutions).length > 0) {
      text = substitute(text, (key) => {
        if (!(key in substitutions))
          throw new TemplateResolutionError(`${where}: no DefinitionSubstitutions entry for \${${key}}`);
        return resolveValue(substitutions[key], `${where} DefinitionSubstitutions.${key}`);
      });
    }
    let definition: object;
    try {
      definition = JSON.parse(text) as object;
    } catch (error) {
      throw new TemplateResolutionError(
        `${where}: the resolved definition is not valid JSON: ${(error as Error).message}`,
      );
    }
    stateMachines.push({ logicalId, name, definition });
  }
  return { stateMachines, functions };
}

function substitute(text: string, lookup: (name: string) => string): string {
  return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => lookup(name.trim()));
}

/**
 * An `invokeLambda` for LocalStepFunctions that calls the handler modules of the template's
 * functions in-process, with a minimal Lambda context (middy handlers accept it).
 */
export function lambdaInvokerFromTemplate(functions: Map<string, TemplateFunction>): InvokeLambda {
  const loaded = new Map<string, Promise<(event: unknown, context: unknown) => unknown>>();
  const load = (fn: TemplateFunction) => {
    let p = loaded.get(`${fn.entry}#${fn.handler}`);
    if (!p) {
      p = import(pathToFileURL(fn.entry).href).then((mod: Record<string, unknown>) => {
        const h = mod[fn.handler];
        if (typeof h !== "function")
          throw new Error(`${fn.entry} does not export a function '${fn.handler}'`);
        return h as (event: unknown, context: unknown) => unknown;
      });
      loaded.set(`${fn.entry}#${fn.handler}`, p);
    }
    return p;
  };
  return async (functionArn, payload, context) => {
    const fn = functions.get(functionArn);
    if (!fn) {
      const error = new Error(`Function not found: ${functionArn}`);
      error.name = "Lambda.ResourceNotFoundException";
      throw error;
    }
    const handler = await load(fn);
    return withTimeout(fn, context.awsRequestId, (deadline) =>
      Promise.resolve(handler(payload, lambdaContext(functionArn, fn, context.awsRequestId, deadline))),
    );
  };
}

/**
 * Lambda's timeout, in the function's own (wall) time: a handler still running `Timeout` seconds after it
 * started fails as Lambda reports it (errorType `Sandbox.Timedout`), and its late result is dropped.
 */
function withTimeout<T>(
  fn: TemplateFunction,
  awsRequestId: string,
  run: (deadline: number) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new Error(
        `RequestId: ${awsRequestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
      );
      error.name = "Sandbox.Timedout";
      reject(error);
    }, fn.timeoutSeconds * 1000);
    run(deadline).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function lambdaContext(
  functionArn: string,
  fn: TemplateFunction,
  awsRequestId: string,
  deadline: number,
): Record<string, unknown> {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
