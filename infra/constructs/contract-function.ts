/**
 * The one way this project makes a Lambda (style.md, Powertools examples): Node.js 22 on arm64, an
 * esbuild ESM bundle with the AWS SDK inside and minified (ADR 0046), X-Ray tracing with the Powertools
 * Tracer's settings, its own log group with a retention, and its own role that starts with nothing but its
 * log group. Each caller then grants exactly what the function needs (`allow`), naming resources rather
 * than `*`.
 *
 * The resource Metadata `contract-ops:entry` / `contract-ops:handler` lets the local Step Functions
 * runtime map a function ARN in a synthesized definition to its handler module (infra/local/sfn).
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CfnElement, Duration, Fn, Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
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

/** What Lambda bundles use in place of `zod` (functions/adapters/zod-bundle.ts, ADR 0045). */
export const ZOD_BUNDLE_MODULE = "functions/adapters/zod-bundle.ts";

/** What Lambda bundles use in place of semver, which only the X-Ray SDK's v2 patcher calls (ADR 0046). */
export const SEMVER_BUNDLE_MODULE = "functions/adapters/semver-bundle.ts";

/** What Lambda bundles use in place of @aws-sdk/credential-provider-node (see `esbuildArgs` below). */
export const LAMBDA_CREDENTIALS_MODULE = "functions/adapters/lambda-credentials.ts";

/**
 * The esbuild settings every Lambda bundle is built with, shared with `npm run bench:cold-start`, which
 * builds the same bundles to time their import.
 */
export const LAMBDA_BUNDLE = {
  target: "node22",
  // Bundle the SDK too: a pinned, tree-shaken SDK instead of whatever the runtime ships, and a bundle
  // imports in a quarter to a half of the time of one that loads the SDK from node_modules, as the
  // runtime's would be loaded (ADR 0046 measured both). The STS client
  // is the one exception: only operator commands load it (functions/adapters/operator-identity.ts), never
  // a handler, so it stays out of every bundle.
  externalModules: ["@aws-sdk/client-sts"],
  // Lambda always puts the function role's credentials in the environment (AWS_ACCESS_KEY_ID,
  // AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN): the SDK's default chain of SSO, profile, process,
  // web-identity and instance-metadata providers (about 90 KB minified) is replaced by the environment
  // provider alone. The path is resolved from the project root, esbuild's working directory.
  alias: {
    "@aws-sdk/credential-provider-node": `./${LAMBDA_CREDENTIALS_MODULE}`,
    // zod with a lean `z` for the Powertools Parser's `{ z }` import (ADR 0045).
    zod: `./${ZOD_BUNDLE_MODULE}`,
    semver: `./${SEMVER_BUNDLE_MODULE}`,
  },
  mainFields: ["module", "main"],
  // CommonJS dependencies (mailparser, iconv-lite) call require() on Node built-ins inside an ESM bundle.
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
} as const;

/**
 * The Powertools Tracer's settings on every function (ADR 0046): neither a handler's response nor its
 * error goes to X-Ray as metadata, because both can hold contact emails and reply text; the error still
 * flags the subsegment, and the logs keep it, masked. Tracing itself is on wherever AWS_EXECUTION_ENV is
 * set, i.e. on Lambda only.
 */
export const TRACER_ENVIRONMENT = {
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: "false",
  POWERTOOLS_TRACER_CAPTURE_ERROR: "false",
} as const;

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

export class ContractFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ContractFunctionProps) {
    super(scope, id);
    const entry = handlerEntry(props.name);
    const entryPath = join(REPO_ROOT, entry);

    this.logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName: `/aws/lambda/ContractOps-${props.name}-${deploymentSuffix(this)}`,
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `ContractOps ${props.name}: only what this function needs`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new nodejs.NodejsFunction(this, "Function", {
      functionName: `ContractOps-${props.name}`,
      description: props.description,
      entry: entryPath,
      handler: "handler",
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
        ...TRACER_ENVIRONMENT,
        ...(sourceMapsAtRunTime(this) ? { NODE_OPTIONS: "--enable-source-maps" } : {}),
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, "package-lock.json"),
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: LAMBDA_BUNDLE.target,
        minify: true,
        sourceMap: true,
        bundleAwsSDK: true,
        externalModules: [...LAMBDA_BUNDLE.externalModules],
        esbuildArgs: {
          "--alias": Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => `${from}=${to}`),
          "--legal-comments": "none",
        },
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        banner: LAMBDA_BUNDLE.banner,
        tsconfig: join(REPO_ROOT, "tsconfig.json"),
        // The working-day calendar reads the official year files (CN-<yyyy>.json) next to its module at run
        // time (R-WD-3): ship them beside every bundle, where `new URL("./calendar-data/", import.meta.url)`
        // of the single-file bundle points.
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // chinese-days' data is read on first use with require (functions/core/calendar.ts), resolved
          // from the bundle's directory: ship it where Node's module resolution looks.
          afterBundling: (inputDir: string, outputDir: string) => [
            `cp -r "${inputDir}/functions/core/calendar-data" "${outputDir}/calendar-data"`,
            `mkdir -p "${outputDir}/node_modules/chinese-days/dist"`,
            `cp "${inputDir}/node_modules/chinese-days/dist/chinese-days.json" "${outputDir}/node_modules/chinese-days/dist/"`,
          ],
        },
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
