/**
 * What the Lambda bundle builder leaves out (infra/constructs/lambda-bundle.ts, ADR 0080): small programs
 * bundled with the very options every handler is built with, then run in a bare Node. What a handler uses
 * still works; what was left out refuses loudly instead of answering wrongly.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { REPO_ROOT } from "../../infra/constructs/contract-function";
import { lambdaBuildOptions, withoutJsonSchemaProcessors } from "../../infra/constructs/lambda-bundle";

let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "contract-ops-lean-"));
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Bundles `program` (ESM, resolved from the project root) as a Lambda bundle is built and prints what it logs. */
async function runBundled(name: string, program: string): Promise<string> {
  const outfile = join(outdir, name, "index.mjs");
  await build({
    ...lambdaBuildOptions(REPO_ROOT, outfile),
    stdin: { contents: program, resolveDir: REPO_ROOT, loader: "ts", sourcefile: `${name}.ts` },
  });
  return execFileSync(process.execPath, [outfile], {
    encoding: "utf8",
    cwd: tmpdir(),
    env: { PATH: process.env.PATH },
  });
}

/** Prints the message of what `run` throws, or "no error". */
const refusal = (run: string) =>
  `try { ${run}; console.log("no error"); } catch (error) { console.log(error.message); }`;

describe("zod in a Lambda bundle", () => {
  it("parses, refuses bad input and reads a schema's checks as the zod documentation says", async () => {
    const printed = await runBundled(
      "zod-parse",
      `import * as z from "zod";
       const name = z.string().min(2).max(8);
       const age = z.number().int().min(0);
       console.log(JSON.stringify([name.parse("合同"), name.safeParse("x").success, name.minLength, name.maxLength,
         age.isInt, age.minValue, z.url().parse("https://example.com/a")]));`,
    );
    // zod's documentation ("Basic usage", string and number introspection): minLength/maxLength and
    // isInt/minValue read the checks added.
    expect(JSON.parse(printed)).toEqual(["合同", false, 2, 8, true, 0, "https://example.com/a"]);
  });

  it("refuses to convert a schema to JSON Schema, which no handler does", async () => {
    const printed = await runBundled(
      "zod-json-schema",
      `import * as z from "zod";
       ${refusal("z.toJSONSchema(z.string())")}
       ${refusal("z.object({ a: z.string() }).toJSONSchema()")}`,
    );
    expect(printed.trim().split("\n")).toEqual([
      "zod JSON Schema generation: left out of the Lambda bundle (ADR 0080)",
      "zod JSON Schema generation: left out of the Lambda bundle (ADR 0080)",
    ]);
  });

  it("fails the build when zod's processors file no longer has the line it is cut at", () => {
    expect(() => withoutJsonSchemaProcessors("export const stringProcessor = () => {};")).toThrow(
      /SIMPLE TYPE PROCESSORS/,
    );
  });
});

describe("the AWS SDK in a Lambda bundle", () => {
  it("reports the client's own version in its user agent (from its package.json)", async () => {
    const printed = await runBundled(
      "sdk-version",
      `import packageInfo from "@aws-sdk/client-dynamodb/package.json";
       console.log(JSON.stringify(packageInfo));`,
    );
    const real = z
      .object({ name: z.string(), version: z.string() })
      .parse(
        JSON.parse(
          readFileSync(join(REPO_ROOT, "node_modules/@aws-sdk/client-dynamodb/package.json"), "utf8"),
        ),
      );
    expect(JSON.parse(printed)).toEqual({ name: "@aws-sdk/client-dynamodb", version: real.version });
  });

  it("builds the DynamoDB client aws-config.ts makes with discovery off: its endpoint cache is empty and refuses to be filled", async () => {
    const printed = await runBundled(
      "endpoint-cache",
      `import { loadAwsConfig, makeDynamoDbClient } from "./functions/adapters/aws-config";
       const client = makeDynamoDbClient(loadAwsConfig({}));
       console.log(await client.config.endpointDiscoveryEnabled());
       console.log(String(client.config.endpointCache.getEndpoint("any key")));
       ${refusal('client.config.endpointCache.set("any key", [{ Address: "x", CachePeriodInMinutes: 1 }])')}`,
    );
    expect(printed.trim().split("\n")).toEqual([
      "false",
      "undefined",
      "DynamoDB endpoint discovery: left out of the Lambda bundle (ADR 0080)",
    ]);
  });

  it("hashes with node:crypto, and the pure-JavaScript fallbacks for a Node without it refuse", async () => {
    const printed = await runBundled(
      "hashes",
      `import { Md5, Md5Js, Sha256, Sha256Js } from "@smithy/core/checksum";
       import { Sha1, Sha1Js } from "@aws-sdk/checksums/sha";
       const hex = (bytes) => Buffer.from(bytes).toString("hex");
       for (const Hash of [Sha256, Sha1, Md5]) {
         const hash = new Hash();
         hash.update(new TextEncoder().encode("abc"));
         console.log(hex(await hash.digest()));
       }
       ${refusal("new Sha256Js()")}
       ${refusal("new Sha1Js()")}
       ${refusal("new Md5Js()")}`,
    );
    expect(printed.trim().split("\n")).toEqual([
      // The "abc" examples of FIPS 180-2 (SHA-256, SHA-1) and RFC 1321 (MD5).
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "a9993e364706816aba3e25717850c26c9cd0d89d",
      "900150983cd24fb0d6963f7d28e17f72",
      "the SDK's Sha256Js: left out of the Lambda bundle (ADR 0080)",
      "the SDK's Sha1Js: left out of the Lambda bundle (ADR 0080)",
      "the SDK's Md5Js: left out of the Lambda bundle (ADR 0080)",
    ]);
  });

  it("reads the errors an operation declares into their classes, and any other error into the base exception by its code", async () => {
    // An SES error response as the SES API Reference gives it (ErrorResponse, Type, Code, Message, RequestId):
    // MessageRejected is one of SendEmail's errors; CannotDelete belongs to DeleteReceiptRuleSet only.
    const printed = await runBundled(
      "sdk-errors",
      `import { createServer } from "node:http";
       import { MessageRejected, SendEmailCommand, SESServiceException } from "@aws-sdk/client-ses";
       import { loadAwsConfig, makeSesClient } from "./functions/adapters/aws-config";
       const codes = ["MessageRejected", "CannotDelete"];
       const server = createServer((request, response) => {
         request.resume();
         request.on("end", () => {
           response.writeHead(400, { "content-type": "text/xml" });
           response.end('<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>' +
             '<Code>' + codes.shift() + '</Code><Message>refused</Message></Error><RequestId>r-1</RequestId></ErrorResponse>');
         });
       });
       await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
       const client = makeSesClient(loadAwsConfig({ CONTRACT_OPS_SES_ENDPOINT: "http://127.0.0.1:" + server.address().port }));
       for (const attempt of [1, 2]) {
         try {
           await client.send(new SendEmailCommand({ Source: "billing@contract-ops.localhost",
             Destination: { ToAddresses: ["a@contract-ops.localhost"] },
             Message: { Subject: { Data: "s" }, Body: { Text: { Data: "b" } } } }));
           console.log("no error");
         } catch (error) {
           console.log([error.name, error instanceof MessageRejected, error instanceof SESServiceException, error.message].join(" "));
         }
       }
       client.destroy();
       server.close();`,
    );
    expect(printed.trim().split("\n")).toEqual([
      "MessageRejected true true refused",
      "CannotDelete false true refused",
    ]);
  });

  it("builds an S3 client whose event-stream marshaller refuses, as no handler calls an event-stream operation", async () => {
    const printed = await runBundled(
      "event-streams",
      `import { S3Client } from "@aws-sdk/client-s3";
       const client = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
       console.log(typeof client.config.eventStreamMarshaller);
       ${refusal("client.config.eventStreamMarshaller.deserialize(undefined, async () => ({}))")}
       const { EventStreamSerde } = await import("@smithy/core/event-streams");
       ${refusal("new EventStreamSerde({})")}`,
    );
    expect(printed.trim().split("\n")).toEqual([
      "object",
      "event-stream operations: left out of the Lambda bundle (ADR 0080)",
      "event-stream operations: left out of the Lambda bundle (ADR 0080)",
    ]);
  });
});

describe("mail parsing in a Lambda bundle (postal-mime without its text and HTML conversion, ADR 0081)", () => {
  it("refuses postal-mime's conversion of HTML to text, which the reply parser never lets it reach", async () => {
    // Plain text and HTML side by side in multipart/mixed: postal-mime renders each as the other.
    const mixed = [
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "确认",
      "--b",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<p>确认</p>",
      "--b--",
      "",
    ].join("\r\n");
    const printed = await runBundled(
      "postal-mime-conversion",
      `import PostalMime from "postal-mime";
       const text = (await PostalMime.parse("Content-Type: text/plain\\r\\n\\r\\nhello\\r\\n")).text;
       console.log(JSON.stringify(text));
       ${refusal(`await PostalMime.parse(${JSON.stringify(mixed)})`)}`,
    );
    expect(printed.trim().split("\n")).toEqual([
      '"hello\\n"',
      "postal-mime's text and HTML conversion: left out of the Lambda bundle (ADR 0080)",
    ]);
  });

  it("reads every reply of the real-client corpus as its manifest says", async () => {
    const manifest = z
      .array(
        z.object({
          file: z.string(),
          bill: z.string(),
          expected: z.object({ decision: z.string(), amount: z.string().nullable(), reasonCode: z.string() }),
        }),
      )
      .parse(JSON.parse(readFileSync(join(REPO_ROOT, "test/fixtures/replies/manifest.json"), "utf8")));
    const printed = await runBundled(
      "reply-corpus",
      `import { readFileSync } from "node:fs";
       import { decideReply } from "./functions/core/reply/decide";
       const entries = ${JSON.stringify(manifest.map(({ file, bill }) => ({ file, bill })))};
       const results = [];
       for (const { file, bill } of entries) {
         const { parsed, decision } = await decideReply(readFileSync(${JSON.stringify(join(REPO_ROOT, "test/fixtures/replies"))} + "/" + file), bill);
         results.push({ file, from: parsed.from, decision: decision.decision, amount: decision.amount, reasonCode: decision.reasonCode });
       }
       console.log(JSON.stringify(results));`,
    );
    // The manifest's expectations were written by hand from each message (test/unit/reply-corpus.test.ts).
    expect(JSON.parse(printed)).toEqual(
      manifest.map(({ file, expected }) => ({ file, from: "mali@partya.example", ...expected })),
    );
    // postal-mime's HTML entity table is left out with the conversion that reads it.
    expect(readFileSync(join(outdir, "reply-corpus", "index.mjs"), "utf8")).not.toContain(
      "CounterClockwiseContourIntegral",
    );
  });
});
