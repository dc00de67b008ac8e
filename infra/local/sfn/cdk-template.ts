/**
 * From `cdk synth` output to what the local runtime executes: the state machine definitions with
 * every intrinsic (Fn::Join, Fn::GetAtt …Arn, Ref, Fn::Sub, pseudo parameters) resolved, and the
 * Lambda functions mapped to their handler modules through the resource Metadata our CDK constructs
 * write ("contract-ops:entry" = handler file relative to the repo root, "contract-ops:handler" =
 * export name). So the embedded stack runs what would be deployed, never a hand-written copy.
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
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
  const partition = options.region.startsWith("cn-") ? "aws-cn" : "aws";
  const functionNames = new Map<string, string>();
  const functions = new Map<string, TemplateFunction>();

  const arnOf = (name: string) =>
    `arn:${partition}:lambda:${options.region}:${options.accountId}:function:${name}`;
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== "AWS::Lambda::Function") continue;
    const nameProp = r.Properties?.FunctionName;
    if (nameProp !== undefined && typeof nameProp !== "string") {
      throw new TemplateResolutionError(
        `Lambda function ${logicalId}: FunctionName must be a literal string to be mapped locally`,
      );
    }
    const functionName = nameProp ?? logicalId;
    functionNames.set(logicalId, functionName);
    const entry = r.Metadata?.["contract-ops:entry"];
    if (typeof entry !== "string") continue;
    const handler = r.Metadata?.["contract-ops:handler"];
    functions.set(arnOf(functionName), {
      logicalId,
      functionName,
      entry: isAbsolute(entry) ? entry : resolve(options.repoRoot, entry),
      handler: typeof handler === "string" ? handler : "handler",
      timeoutSeconds: typeof r.Properties?.Timeout === "number" ? r.Properties.Timeout : 3,
      memoryMb: typeof r.Properties?.MemorySize === "number" ? r.Properties.MemorySize : 128,
    });
  }

  const bucketName = (resource: Resource | undefined): string | undefined => {
    if (resource?.Type !== "AWS::S3::Bucket") return undefined;
    const role = resource.Metadata?.["contract-ops:bucket"];
    return typeof role === "string" ? options.bucketNames?.[role] : undefined;
  };

  const pseudo: Record<string, string> = {
    "AWS::Region": options.region,
    "AWS::AccountId": options.accountId,
    "AWS::Partition": partition,
    "AWS::URLSuffix": partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
  };
  const ref = (name: string, where: string): string => {
    const p = pseudo[name];
    if (p !== undefined) return p;
    const fn = functionNames.get(name);
    if (fn !== undefined) return fn;
    const bucket = bucketName(resources[name]);
    if (bucket !== undefined) return bucket;
    throw new TemplateResolutionError(
      `${where}: cannot resolve Ref ${name} (only Lambda functions, buckets named in bucketNames and pseudo parameters)`,
    );
  };
  const getAtt = (logicalId: string, attribute: string, where: string): string => {
    const fn = functionNames.get(logicalId);
    if (fn !== undefined && attribute === "Arn") return arnOf(fn);
    throw new TemplateResolutionError(`${where}: cannot resolve Fn::GetAtt ${logicalId}.${attribute}`);
  };
  const resolveValue = (value: unknown, where: string): string => {
    if (typeof value === "string") return value;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new TemplateResolutionError(`${where}: cannot resolve ${JSON.stringify(value)}`);
    }
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length !== 1 || key === undefined)
      throw new TemplateResolutionError(`${where}: not an intrinsic function: ${JSON.stringify(value)}`);
    switch (key) {
      case "Ref":
        return ref(String(arg), where);
      case "Fn::GetAtt": {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(".");
        return getAtt(String(id), String(attr), where);
      }
      case "Fn::Join": {
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== "string" || !Array.isArray(arg[1])) {
          throw new TemplateResolutionError(`${where}: malformed Fn::Join`);
        }
        return (arg[1] as unknown[]).map((part) => resolveValue(part, where)).join(arg[0]);
      }
      case "Fn::Sub": {
        const [text, vars] = Array.isArray(arg)
          ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>]
          : [arg, {}];
        if (typeof text !== "string") throw new TemplateResolutionError(`${where}: malformed Fn::Sub`);
        // `${!Literal}` is Fn::Sub's escape for a literal `${Literal}` (left for DefinitionSubstitutions).
        return substitute(text, (name) => {
          if (name in vars) return resolveValue(vars[name], where);
          const [id, attr] = name.split(".");
          return attr ? getAtt(id as string, attr, where) : ref(name, where);
        }).replaceAll("${!", "${");
      }
      default:
        throw new TemplateResolutionError(`${where}: intrinsic function ${key} is not supported`);
    }
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
