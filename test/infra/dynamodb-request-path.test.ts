/**
 * dynalite's request path with its per-request work done once (ADR 0112): request ids from a pooled draw of
 * random bytes, key hash prefixes remembered, type descriptors and validation regexes made once. Oracles:
 * dynalite as published in a worker thread (answers over HTTP, and its own `hashPrefix`), and MD5 by hand.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AUDITED_SOURCES,
  type DynaliteFile,
  isAuditedSource,
  requestPathHelpers,
  withRequestPathEdits,
} from "../../infra/local/dynamodb-request-path";
import { loadDynalite, requireFromDynalite } from "../../infra/local/dynamodb-store";
import { createTableInput } from "../../infra/table-schema";
import { comparable, oursAndPublished, send } from "./dynalite-published";

// dynalite's modules call `crypto.randomBytes` and `crypto.createHash` on this object at call time.
const nodeCrypto = createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");

const FILES = Object.keys(AUDITED_SOURCES) as DynaliteFile[];
const sourceOf = (file: DynaliteFile) => readFileSync(requireFromDynalite().resolve(`./${file}`), "utf8");

type HashPrefixArgs = [hashKey: string, hashType: string, rangeKey?: string, rangeType?: string];

/** dynalite's own `hashPrefix` as published, run in a worker (its own module cache). */
function publishedHashPrefixes(args: HashPrefixArgs[]): Promise<string[]> {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const db = require(workerData.db);
     parentPort.postMessage(workerData.args.map((a) => db.hashPrefix(...a)));`,
    { eval: true, workerData: { db: requireFromDynalite().resolve("./db"), args } },
  );
  return new Promise((resolve, reject) => {
    worker.once("message", (answer: string[]) => {
      void worker.terminate();
      resolve(answer);
    });
    worker.once("error", reject);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("which of dynalite's files are edited (ADR 0112)", () => {
  it("edits each file as installed: its source is the one the edits were read against", () => {
    for (const file of FILES) {
      const source = sourceOf(file);
      expect(isAuditedSource(file, source), file).toBe(true);
      expect(withRequestPathEdits(file, source), file).not.toBe(source);
    }
  });

  it("leaves a file whose source is not the audited one as published", () => {
    for (const file of FILES) {
      const edited = `${sourceOf(file)}\n// a later release\n`;
      expect(isAuditedSource(file, edited), file).toBe(false);
      expect(withRequestPathEdits(file, edited), file).toBe(edited);
    }
  });
});

describe("request ids (ADR 0112)", () => {
  const servers = oursAndPublished();

  it("are 52 characters of the published form, all different, without a draw of random bytes per request", async () => {
    loadDynalite();
    const draws = vi.spyOn(nodeCrypto, "randomBytes");
    const ids = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const answer = await send(servers.ours.port, "ListTables", {});
      ids.add(answer.headers["x-amzn-requestid"] ?? "");
    }
    // The published request path takes crypto.randomBytes(39) once per request.
    expect(draws).not.toHaveBeenCalled();
    expect(ids.size).toBe(300);
    // 39 random bytes in base64, upper-cased, "+" and "/" as "0" (dynalite's rand52CharId).
    const form = /^[A-Z0-9]{52}$/;
    for (const id of ids) expect(id).toMatch(form);
    const theirs = await send(servers.published.port, "ListTables", {});
    expect(theirs.headers["x-amzn-requestid"]).toMatch(form);
  });

  it("are each the text dynalite makes of its own 39 bytes, each byte drawn used once", () => {
    const drawn: Buffer[] = [];
    const fill = (bytes: Buffer) => {
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + drawn.length * 13) % 256;
      drawn.push(Buffer.from(bytes));
      return bytes;
    };
    const { requestId } = requestPathHelpers(fill);
    const ids = Array.from({ length: 300 }, () => requestId());
    // 300 ids take three fills of 128 ids' bytes.
    expect(drawn).toHaveLength(3);
    const bytes = Buffer.concat(drawn);
    ids.forEach((id, n) => {
      // dynalite's rand52CharId on the n-th 39 bytes drawn.
      const own = bytes.subarray(n * 39, (n + 1) * 39);
      expect(id).toBe(own.toString("base64").toUpperCase().replace(/\+|\//g, "0"));
    });
  });
});

describe("key hash prefixes (ADR 0112)", () => {
  const cases: HashPrefixArgs[] = [
    ["CONTRACT#吉林-1", "S"],
    ["CONTRACT#吉林-2", "S"],
    ["-99.1", "N"],
    ["0", "N"],
    ["12345678901234567890", "N"],
    ["AAEC/w==", "B"],
    ["CONTRACT#吉林-1", "S", "BILL#2026-01", "S"],
    ["CONTRACT#吉林-1", "S", "7.5", "N"],
    ["CONTRACT#吉林-1", "S", "", "S"],
    ["CONTRACT#吉林-1", "S", "undefined", "S"],
    ['["a","S"]', "S"],
  ];

  it("are dynalite's as published, the first time and when remembered", async () => {
    loadDynalite();
    const db = requireFromDynalite()("./db") as { hashPrefix(...args: HashPrefixArgs): string };
    const expected = await publishedHashPrefixes(cases);
    for (let round = 0; round < 2; round++) {
      expect(cases.map((args) => db.hashPrefix(...args))).toEqual(expected);
    }
  });

  it("are the first six hex digits of MD5 of 'Outliers' and the key's bytes, one MD5 per distinct key", () => {
    loadDynalite();
    const db = requireFromDynalite()("./db") as { hashPrefix(...args: HashPrefixArgs): string };
    const byHand = (text: string) =>
      createHash("md5").update(`Outliers${text}`, "utf8").digest("hex").slice(0, 6);
    const md5s = vi.spyOn(nodeCrypto, "createHash");
    for (let i = 0; i < 5; i++)
      expect(db.hashPrefix("CONTRACT#ADR-0112", "S")).toBe(byHand("CONTRACT#ADR-0112"));
    expect(db.hashPrefix("CONTRACT#ADR-0112", "S", "SK#1", "S")).toBe(byHand("CONTRACT#ADR-0112SK#1"));
    // Published, each call is an MD5: six here.
    expect(md5s).toHaveBeenCalledTimes(2);
  });
});

describe("request type checks (ADR 0112)", () => {
  const servers = oursAndPublished();
  const TABLE = "Types";
  const key = { PK: { S: "p" }, SK: { S: "s" } };
  const calls: [string, unknown][] = [
    ["CreateTable", createTableInput(TABLE)],
    [
      "PutItem",
      { TableName: TABLE, Item: { ...key, list: { L: [{ M: { a: { N: "1" } } }, { SS: ["x"] }] } } },
    ],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: ["not a structure"] } }],
    ["PutItem", { TableName: TABLE, Item: key, Expected: { a: { Value: ["not a structure"] } } }],
    // The same value where an item's attribute (ValueStruct) and where an expected value (FieldStruct) is due.
    ["PutItem", { TableName: TABLE, Item: { ...key, a: "text" } }],
    ["PutItem", { TableName: TABLE, Item: key, Expected: { a: { Value: "text" } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: "text" } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { L: [{ M: { b: { N: 5 } } }] } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { M: { b: { BOOL: "yes" } } } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { M: { b: { BOOL: "perhaps" } } } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { B: "AAE=" } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { B: "AAF" } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { NS: "1" } } }],
    ["PutItem", { TableName: TABLE, Item: key, Expected: { a: { Value: { S: "x" }, Exists: true } } }],
    ["PutItem", { TableName: "bad name!", Item: key }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: ["not a structure"] } }],
    ["GetItem", { TableName: TABLE, Key: key, ConsistentRead: "true" }],
    ["GetItem", { TableName: TABLE, Key: key, ConsistentRead: 1 }],
    ["UpdateItem", { TableName: TABLE, Key: key, AttributeUpdates: { a: { Action: "PUT", Value: [1] } } }],
    ["Query", { TableName: "bad name!", KeyConditionExpression: "PK = :p", Limit: 0 }],
    // Attribute values of no, two and inherited-only members, in both orders, and bodies that are not objects.
    ["PutItem", { TableName: TABLE, Item: { ...key, a: {} } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { S: "x", N: "1" } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { N: "x", NULL: false } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { NULL: false, N: "x" } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { constructor: "x" } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { toString: "x", S: "y" } } }],
    ["PutItem", { TableName: TABLE, Item: { ...key, a: { M: { b: { L: [{ NULL: true }, {}] } } } } }],
    ["PutItem", "[1]"],
    ["PutItem", '"text"'],
    ["GetItem", { TableName: TABLE, Key: key, ConsistentRead: true }],
  ];

  it("answer each call, well or badly typed, as dynalite as published does", async () => {
    for (const [operation, body] of calls) {
      const mine = await send(servers.ours.port, operation, body);
      const theirs = await send(servers.published.port, operation, body);
      expect(comparable(mine), `${operation} ${JSON.stringify(body)}`).toEqual(comparable(theirs));
    }
  });
});
