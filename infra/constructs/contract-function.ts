/**
 * The one way this project makes a Lambda (style.md, Powertools examples): Node.js 22 on arm64, an
 * esbuild ESM bundle with the AWS SDK inside and minified (ADR 0046), built by ./lambda-bundle.ts with the
 * parts no handler runs left out (ADR 0080), X-Ray tracing on (the function's own subsegments come from
 * functions/adapters/tracer.ts, ADR 0082), its own log group with a retention, and its own role that starts with nothing but its
 * log group. Each caller then grants exactly what the function needs (`allow`), naming resources rather
 * than `*`.
 *
 * The resource Metadata `contract-ops:entry` / `contract-ops:handler` lets the local Step Functions
 * runtime map a function ARN in a synthesized definition to its handler module (infra/local/sfn).
 */

import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AssetHashType, type CfnElement, DockerImage, Duration, Fn, Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, "..", "..");

/**
 * The last group of the stack's id (a UUID CloudFormation draws when the stack is created), for names
 * of retained resources: a log group left behind by a rolled-back first deploy keeps its old name, and
 * the stack created again gets new ones instead of failing with AlreadyExists (ADR 0020).
 */
export function deploymentSuffix(scope: Construct): string {
  return Fn.select(4, Fn.split("-", Fn.select(2, Fn.split("/", Stack.of(scope).stackId))));
}

/** The CDK context flag that makes Lambda load source maps at run time (`--enable-source-maps`). */
export const SOURCE_MAPS_CONTEXT = "lambdaSourceMaps";

function sourceMapsAtRunTime(scope: Construct): boolean {
  const flag = scope.node.tryGetContext(SOURCE_MAPS_CONTEXT);
  return flag === true || flag === "true";
}

/** Path of a function's handler module relative to the repository root. */
export const handlerEntry = (name: string) => `functions/${name}/handler.ts`;

export interface ContractFunctionProps {
  /** Folder name under functions/. */
  name: string;
  description: string;
  environment: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  deadLetterQueue?: sqs.IQueue;
  reservedConcurrentExecutions?: number;
}

const BUNDLE_CLI = join(here, "lambda-bundle-cli.ts");

/**
 * The asset of one handler: built on this machine by ./lambda-bundle.ts in a child process (CDK's local
 * bundling is synchronous; esbuild's plugins need its asynchronous API), hashed by what was built, as
 * `NodejsFunction` does. There is no Docker fallback: a failed build fails the synth.
 */
function lambdaBundle(entry: string): lambda.Code {
  return lambda.Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry("public.ecr.aws/sam/build-nodejs22.x"),
      // Docker is never used (`tryBundle` builds or throws). CDK caches a bundle by its source path and
      // bundling options, so the command names the entry: each handler gets its own bundle.
      command: [
        "node",
        "--import",
        "tsx",
        "infra/constructs/lambda-bundle-cli.ts",
        ".",
        entry,
        "/asset-output",
      ],
      local: {
        tryBundle(outputDir) {
          execFileSync(process.execPath, ["--import", "tsx", BUNDLE_CLI, REPO_ROOT, entry, outputDir], {
            cwd: REPO_ROOT,
            stdio: ["ignore", "inherit", "inherit"],
          });
          return true;
        },
      },
    },
  });
}

export class ContractFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ContractFunctionProps) {
    super(scope, id);
    const entry = handlerEntry(props.name);

    this.logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName: `/aws/lambda/ContractOps-${props.name}-${deploymentSuffix(this)}`,
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `ContractOps ${props.name}: only what this function needs`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new lambda.Function(this, "Function", {
      functionName: `ContractOps-${props.name}`,
      description: props.description,
      code: lambdaBundle(entry),
      handler: "index.handler",
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      deadLetterQueue: props.deadLetterQueue,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      // Source maps are always shipped, but Node reads them only with --enable-source-maps, which costs
      // the map's parse (2–3 MB) at cold start and on every stack trace: on only when the stack is
      // synthesized with the context flag `lambdaSourceMaps=true` (docs/operations.md).
      environment: {
        ...props.environment,
        ...(sourceMapsAtRunTime(this) ? { NODE_OPTIONS: "--enable-source-maps" } : {}),
      },
    });
    (this.fn.node.defaultChild as lambda.CfnFunction).addMetadata("contract-ops:entry", entry);
    (this.fn.node.defaultChild as lambda.CfnFunction).addMetadata("contract-ops:handler", "handler");

    Validations.of(this).acknowledge(
      {
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "Only X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords, added by CDK for Tracing.ACTIVE): X-Ray has no resource-level permissions.",
      },
      {
        id: "AwsSolutions-L1",
        reason:
          "The project fixes the runtime at Node.js 22 (ADR 0001) (nodejs22.x, supported by Lambda); moving to a newer major is a deliberate, tested upgrade, not a synth-time default.",
      },
    );
  }

  /**
   * The cdk-nag finding for a Step Functions role allowed to invoke this function: the Lambda integration
   * grants the function ARN and `<arn>:*` (its versions and aliases), which is still this one function.
   */
  get invokeGrantFinding(): string {
    const logicalId = Stack.of(this).getLogicalId(this.fn.node.defaultChild as CfnElement);
    return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`;
  }

  /**
   * Grants `actions` on exactly `resources` (under `conditions`, if any); a wildcard in a resource must
   * come with the cdk-nag finding's reason.
   */
  allow(
    actions: string[],
    resources: string[],
    wildcard?: { finding: string; reason: string },
    conditions?: Record<string, Record<string, string | string[]>>,
  ): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }),
    );
    if (wildcard) Validations.of(this).acknowledge({ id: wildcard.finding, reason: wildcard.reason });
  }
}
