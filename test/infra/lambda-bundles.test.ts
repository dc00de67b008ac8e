/**
 * The Lambda bundles as `cdk synth` builds them (infra/constructs/lambda-bundle.ts through the local
 * bundling of infra/constructs/contract-function.ts): each is small, loads in a bare Node with only what Lambda
 * gives a function, and carries its source map without loading it at start.
 */
import { execFile, execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { App } from "aws-cdk-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { SOURCE_MAPS_CONTEXT } from "../../infra/constructs/contract-function";
import { startDynamoDbLocal } from "../../infra/local/dynamodb-local";
import { ContractOpsStack, STACK_NAME } from "../../infra/stack";

const execFileAsync = promisify(execFile);

/** The budget: under 500 KB minified per handler (1 KB = 1,000 bytes here, the stricter reading). */
const BUNDLE_LIMIT_BYTES = 500_000;

/** What Lambda gives every function's process: a PATH, the region and the role's temporary credentials. */
const LAMBDA_CREDENTIALS = {
  PATH: process.env.PATH,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  AWS_SESSION_TOKEN: "session",
};

const functionResource = z.object({
  Type: z.literal("AWS::Lambda::Function"),
  Metadata: z.object({ "contract-ops:entry": z.string() }),
  Properties: z.object({
    Code: z.object({ S3Key: z.string() }),
    Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
  }),
});

interface Bundle {
  entry: string;
  dir: string;
  variables: Record<string, unknown>;
}

function synthesizeBundles(outdir: string, context: Record<string, unknown> = {}): Bundle[] {
  const app = new App({ outdir, autoSynth: false, context });
  const stack = new ContractOpsStack(app, STACK_NAME);
  const template = z
    .object({ Resources: z.record(z.string(), z.unknown()) })
    .parse(app.synth().getStackByName(stack.stackName).template);
  return Object.values(template.Resources).flatMap((resource) => {
    const parsed = functionResource.safeParse(resource);
    if (!parsed.success) return [];
    const hash = parsed.data.Properties.Code.S3Key.replace(/\.zip$/, "");
    return [
      {
        entry: parsed.data.Metadata["contract-ops:entry"],
        dir: join(outdir, `asset.${hash}`),
        variables: parsed.data.Properties.Environment.Variables,
      },
    ];
  });
}

/** The files a bundle was built from, as its source map names them. */
function sourcesOf(bundle: Bundle): string[] {
  return z
    .object({ sources: z.array(z.string()) })
    .parse(JSON.parse(readFileSync(join(bundle.dir, "index.mjs.map"), "utf8"))).sources;
}

let outdir: string;
let bundles: Bundle[];

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "contract-ops-bundles-"));
  bundles = synthesizeBundles(outdir);
}, 240_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("Lambda bundles from the synthesized assets", () => {
  it("synthesizes one bundle per handler folder", () => {
    expect(bundles.length).toBeGreaterThanOrEqual(16);
    for (const bundle of bundles) expect(existsSync(join(bundle.dir, "index.mjs")), bundle.entry).toBe(true);
  });

  it("builds each function from its own handler (CDK caches assets by their bundling options)", () => {
    for (const bundle of bundles) {
      const handlers = sourcesOf(bundle).filter((source) => /functions\/[a-z-]+\/handler\.ts$/.test(source));
      expect(
        handlers.map((source) => source.slice(source.indexOf("functions/"))),
        bundle.entry,
      ).toEqual([bundle.entry]);
    }
  });

  it("keeps every handler's minified bundle under 500 KB", () => {
    const oversized = bundles
      .map((bundle) => ({ entry: bundle.entry, bytes: statSync(join(bundle.dir, "index.mjs")).size }))
      .filter((bundle) => bundle.bytes >= BUNDLE_LIMIT_BYTES);
    expect(oversized).toEqual([]);
  });

  it("inbound-reply reads the stored message with the lean GetObject client, not the SDK's S3 client (ADR 0096)", () => {
    const bundle = bundles.find((candidate) => candidate.entry === "functions/inbound-reply/handler.ts");
    if (!bundle) throw new Error("no inbound-reply bundle");
    const sources = sourcesOf(bundle);
    expect(
      sources.filter((source) =>
        /@aws-sdk\/(client-s3|middleware-sdk-s3|signature-v4-multi-region)\//.test(source),
      ),
    ).toEqual([]);
    expect(sources.some((source) => source.endsWith("functions/adapters/s3-get-object.ts"))).toBe(true);
  });

  it("ships a source map and the data read at run time, but does not load the map at start", () => {
    for (const bundle of bundles) {
      expect(existsSync(join(bundle.dir, "index.mjs.map")), bundle.entry).toBe(true);
      expect(existsSync(join(bundle.dir, "calendar-data")), bundle.entry).toBe(true);
      expect(
        existsSync(join(bundle.dir, "node_modules", "chinese-days", "dist", "chinese-days.json")),
        bundle.entry,
      ).toBe(true);
      expect(bundle.variables.NODE_OPTIONS, bundle.entry).toBeUndefined();
    }
  });

  it("leaves out the STS client, the SDK's non-Lambda credential providers and semver (ADR 0046)", () => {
    for (const bundle of bundles) {
      const packages = sourcesOf(bundle).filter(
        (source) =>
          /@aws-sdk\/(client-sts|credential-provider-(sso|ini|process|web-identity|node))\//.test(source) ||
          /node_modules\/semver\//.test(source),
      );
      expect(packages, bundle.entry).toEqual([]);
    }
  });

  it("traces with the project's own subsegments, not the X-Ray SDK or the Powertools Tracer (ADR 0082)", () => {
    for (const bundle of bundles) {
      const sources = sourcesOf(bundle);
      expect(
        sources.filter((source) =>
          /(aws-xray-sdk-core|cls-hooked|@aws-lambda-powertools\/tracer)\//.test(source),
        ),
        bundle.entry,
      ).toEqual([]);
      expect(
        sources.some((source) => source.endsWith("functions/adapters/tracer.ts")),
        bundle.entry,
      ).toBe(true);
      expect(
        sources.some((source) => /@aws-sdk\/client-[a-z-]+\//.test(source)),
        bundle.entry,
      ).toBe(true);
    }
  });

  it("imports in a bare Node with only the environment Lambda sets (credentials, region)", () => {
    for (const bundle of bundles) {
      const loaded = execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(join(bundle.dir, "index.mjs"))}); console.log(typeof m.handler);`,
        ],
        {
          encoding: "utf8",
          cwd: tmpdir(),
          env: {
            ...LAMBDA_CREDENTIALS,
            ...Object.fromEntries(
              Object.entries(bundle.variables).filter(([, value]) => typeof value === "string"),
            ),
          },
        },
      );
      expect(loaded.trim(), bundle.entry).toBe("function");
    }
  });
});

describe("X-Ray on Lambda (ADR 0046, 0082)", () => {
  /** The trace header Lambda sets (Lambda Developer Guide, "Defined runtime environment variables"). */
  const TRACE_ROOT = "1-5759e988-bd862e3fe1be46a994272793";
  const segmentDocument = z.object({
    id: z.string(),
    name: z.string(),
    trace_id: z.string(),
    parent_id: z.string().optional(),
    error: z.boolean().optional(),
    fault: z.boolean().optional(),
    annotations: z.record(z.string(), z.unknown()).optional(),
    metadata: z.unknown().optional(),
    cause: z.unknown().optional(),
    aws: z.object({ operation: z.string().optional(), table_name: z.string().optional() }).optional(),
  });

  it("an invocation sends the daemon its subsegment, annotated, and one per SDK call under it", async () => {
    const bundle = bundles.find((candidate) => candidate.entry === "functions/close-cycle/handler.ts");
    if (!bundle) throw new Error("no close-cycle bundle");
    // A real DynamoDB API without the table: the step's first read fails with ResourceNotFoundException.
    const dynamodb = await startDynamoDbLocal({ port: 0 });
    const daemon = createSocket("udp4");
    const datagrams: string[] = [];
    const handlerSent = new Promise<void>((resolve) => {
      daemon.on("message", (datagram) => {
        datagrams.push(datagram.toString("utf8"));
        if (datagram.includes('"name":"## index.handler"')) resolve();
      });
    });
    await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", resolve));
    try {
      const invocation = `const m = await import(${JSON.stringify(join(bundle.dir, "index.mjs"))});
        await m.handler({ contractId: "jl-ybj-2026", period: "2026-03" }, {
          awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678", functionName: "ContractOps-close-cycle",
          invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:ContractOps-close-cycle",
          memoryLimitInMB: "512", getRemainingTimeInMillis: () => 30000 }).catch((error) => console.log(error.name));`;
      const printed = await execFileAsync(process.execPath, ["--input-type=module", "-e", invocation], {
        encoding: "utf8",
        cwd: tmpdir(),
        env: {
          ...LAMBDA_CREDENTIALS,
          AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
          LAMBDA_TASK_ROOT: bundle.dir,
          _HANDLER: "index.handler",
          _X_AMZN_TRACE_ID: `Root=${TRACE_ROOT};Parent=53995c3f42cd8ad8;Sampled=1`,
          AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
          ...Object.fromEntries(
            Object.entries(bundle.variables).filter(([, value]) => typeof value === "string"),
          ),
          CONTRACT_OPS_DYNAMODB_ENDPOINT: dynamodb.endpoint,
          CONTRACT_OPS_LOG_LEVEL: "silent",
        },
      });
      expect(printed.stdout.trim()).toBe("ResourceNotFoundException");
      await handlerSent;

      // The daemon protocol (X-Ray Developer Guide, "Sending segment documents to the X-Ray daemon"): a JSON
      // header line, then the segment document.
      const documents = datagrams.map((datagram) => {
        const [header, body] = datagram.split("\n");
        expect(JSON.parse(header ?? "")).toEqual({ format: "json", version: 1 });
        return segmentDocument.parse(JSON.parse(body ?? ""));
      });

      const handler = documents.find((document) => document.name === "## index.handler");
      expect(handler).toMatchObject({
        trace_id: TRACE_ROOT,
        parent_id: "53995c3f42cd8ad8",
        error: true,
        annotations: { contractId: "jl-ybj-2026", period: "2026-03", Service: "contract-ops" },
      });
      // Neither the response nor the error's message: the error flag only.
      expect(handler?.cause).toBeUndefined();
      expect(handler?.metadata).toBeUndefined();
      const calls = documents.filter((document) => document.name === "DynamoDB");
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) {
        expect(call.parent_id).toBe(handler?.id);
        expect(call.aws?.table_name).toBe("ContractOps");
        expect(call.error).toBe(true);
      }
    } finally {
      daemon.close();
      await dynamodb.close();
    }
  });
});

describe("source maps at run time", () => {
  it("are loaded (NODE_OPTIONS=--enable-source-maps) only when the stack is synthesized with the flag", () => {
    const flagged = mkdtempSync(join(tmpdir(), "contract-ops-bundles-flag-"));
    try {
      const app = new App({
        outdir: flagged,
        autoSynth: false,
        context: { [SOURCE_MAPS_CONTEXT]: "true", "aws:cdk:bundling-stacks": [] },
      });
      const stack = new ContractOpsStack(app, STACK_NAME);
      const template = JSON.stringify(app.synth().getStackByName(stack.stackName).template);
      expect(template).toContain('"NODE_OPTIONS":"--enable-source-maps"');
    } finally {
      rmSync(flagged, { recursive: true, force: true });
    }
  });
});
