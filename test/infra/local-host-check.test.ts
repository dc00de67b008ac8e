/**
 * ADR 0031: the embedded servers answer only requests addressed to localhost/127.0.0.1. A web page the
 * developer visits can make the browser send requests to 127.0.0.1 under its own host name (DNS
 * rebinding); the Host header is what gives it away, so any other Host is refused with 403.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynamoDbLocal } from "../../infra/local/dynamodb-local";
import { startS3Local } from "../../infra/local/s3-local";
import { startSesLocal } from "../../infra/local/ses-local";
import { startStepFunctionsApi } from "../../infra/local/sfn/http-api";
import { harness } from "../fixtures/sfn/harness";

function get(port: number, host: string | undefined, path = "/"): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET", setHost: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    if (host !== undefined) req.setHeader("Host", host);
    req.on("error", reject);
    req.end();
  });
}

const servers: Array<{ name: string; port: number; path: string }> = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const dynamodb = await startDynamoDbLocal({ port: 0 });
  closers.push(dynamodb.close);
  servers.push({ name: "DynamoDB", port: dynamodb.port, path: "/" });
  const s3 = await startS3Local({ port: 0, buckets: ["host-check"] });
  closers.push(s3.close);
  servers.push({ name: "S3", port: s3.port, path: "/host-check" });
  const ses = await startSesLocal({ port: 0 });
  closers.push(ses.close);
  servers.push({ name: "SES store", port: ses.port, path: "/store" });
  const sfn = await startStepFunctionsApi(harness().runtime, { port: 0 });
  closers.push(sfn.stop);
  servers.push({ name: "Step Functions", port: Number(new URL(sfn.endpoint).port), path: "/" });
});

afterAll(async () => {
  for (const close of closers) await close();
});

describe("ADR 0031: local servers refuse a foreign Host header (DNS rebinding)", () => {
  it.each(["attacker.example", "attacker.example:8005", "127.0.0.1.nip.io", "localhost.attacker.example"])(
    "refuses Host %s on every server",
    async (host) => {
      for (const server of servers)
        expect([server.name, await get(server.port, host, server.path)]).toEqual([server.name, 403]);
    },
  );

  it("refuses a request without Host (Node's HTTP server answers 400 before any handler)", async () => {
    for (const server of servers) {
      expect([server.name, await get(server.port, undefined, server.path)]).toEqual([server.name, 400]);
    }
  });

  it.each(["127.0.0.1", "localhost"])("answers Host %s:<port>", async (name) => {
    for (const server of servers) {
      const status = await get(server.port, `${name}:${server.port}`, server.path);
      expect([server.name, status === 403]).toEqual([server.name, false]);
    }
  });
});
