/**
 * Start and stop of the embedded stack: nothing left listening or connected after stop(), a taken
 * port reported by name with nothing half-started left behind, and a data directory that keeps
 * DynamoDB items and S3 objects between runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendEmailCommand } from "@aws-sdk/client-ses";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  loadAwsConfig,
  makeDocumentClient,
  makeDynamoDbClient,
  makeS3Client,
  makeSesClient,
} from "../../functions/adapters/aws-config";
import { now } from "../../functions/adapters/clock";
import { PortInUseError } from "../../infra/local/ports";
import { type LocalServices, startLocalServices } from "../../infra/local/services";
import { VirtualClock } from "../../infra/local/sfn";
import { startLocalStack } from "../../infra/local/stack";

/** Open TCP servers or sockets of this process (the test worker talks to vitest over IPC, not TCP). */
function tcpHandles(kind: "TCPServerWrap" | "TCPSocketWrap"): number {
  return process.getActiveResourcesInfo().filter((name) => name === kind).length;
}

function tcpBaseline() {
  return { servers: tcpHandles("TCPServerWrap"), sockets: tcpHandles("TCPSocketWrap") };
}

function clientsFor(services: LocalServices) {
  const config = loadAwsConfig(services.env);
  const dynamoDb = makeDynamoDbClient(config);
  return {
    config,
    dynamoDb,
    document: makeDocumentClient(dynamoDb),
    s3: makeS3Client(config),
    ses: makeSesClient(config),
    destroy() {
      dynamoDb.destroy();
      this.s3.destroy();
      this.ses.destroy();
    },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("stop()", () => {
  it("leaves no server or socket behind after every service was used", async () => {
    const baseline = tcpBaseline();
    const services = await startLocalServices({ ports: { dynamodb: 0, s3: 0, ses: 0, smtp: 0 } });
    const clients = clientsFor(services);

    await clients.document.send(
      new PutCommand({
        TableName: clients.config.tableName,
        Item: { PK: "CONTRACT#x", SK: "TERMS#2025-07-01" },
      }),
    );
    await clients.s3.send(
      new PutObjectCommand({ Bucket: clients.config.usageBucket, Key: "u.csv", Body: "a,b" }),
    );
    await clients.ses.send(
      new SendEmailCommand({
        Source: clients.config.mailFrom,
        Destination: { ToAddresses: ["contact@party-a.example"] },
        Message: { Subject: { Data: "s" }, Body: { Text: { Data: "t" } } },
      }),
    );
    const transport = nodemailer.createTransport({ ...services.endpoints.smtp, secure: false });
    await transport.sendMail({ from: "contact@party-a.example", to: "k@reply.localhost", text: "确认" });
    transport.close();
    expect(tcpHandles("TCPServerWrap")).toBe(baseline.servers + 4);

    clients.destroy();
    await services.stop();
    expect(tcpHandles("TCPServerWrap")).toBe(baseline.servers);
    // The mail client's socket is the test's own and closes a moment after QUIT, on its own schedule.
    await vi.waitFor(() => expect(tcpHandles("TCPSocketWrap")).toBe(baseline.sockets));
    // A second stop (a test's afterAll after a failed start-up path, say) is harmless.
    await services.stop();
  });
});

describe("startLocalStack().stop()", () => {
  it("closes the Step Functions API with the services and gives the process its system clock back", async () => {
    const baseline = tcpBaseline();
    const stack = await startLocalStack({
      clock: new VirtualClock(new Date("2025-08-01T00:00:00Z"), "virtual"),
    });
    expect(now().toISOString()).toBe("2025-08-01T00:00:00.000Z");
    expect(tcpHandles("TCPServerWrap")).toBe(baseline.servers + 5);

    await stack.stop();

    expect(tcpBaseline()).toEqual(baseline);
    expect(now().toISOString()).not.toBe("2025-08-01T00:00:00.000Z");
  });
});

describe("start-up on a taken port", () => {
  const services = [
    {
      service: "dynamodb",
      label: /^DynamoDB \(dynalite\): port \d+/,
      port: (s: LocalServices) => s.endpoints.dynamodb,
    },
    { service: "s3", label: /^S3 \(s3rver\): port \d+/, port: (s: LocalServices) => s.endpoints.s3 },
    {
      service: "ses",
      label: /^SES \(aws-ses-v2-local\): port \d+/,
      port: (s: LocalServices) => s.endpoints.ses,
    },
    {
      service: "smtp",
      label: /^inbound SMTP: port \d+/,
      port: (s: LocalServices) => `smtp://${s.endpoints.smtp.host}:${s.endpoints.smtp.port}`,
    },
  ] as const;

  it.each(services)(
    "names the service ($service) and stops what had already started",
    async ({ service, label, port }) => {
      const first = await startLocalServices();
      cleanups.push(() => first.stop());
      const baseline = tcpBaseline();
      const takenPort = Number(new URL(port(first)).port);

      const attempt = startLocalServices({ ports: { [service]: takenPort } });

      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(label);
      expect(tcpBaseline()).toEqual(baseline);
    },
  );
});

describe("a data directory", () => {
  it("keeps DynamoDB items and S3 objects from one run to the next", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "contract-ops-local-test-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const firstRun = await startLocalServices({ dataDir });
    const writer = clientsFor(firstRun);
    await writer.document.send(
      new PutCommand({
        TableName: writer.config.tableName,
        Item: { PK: "CONTRACT#11NA0700211920254001", SK: "CYCLE#2025-08", state: "awaiting-reply" },
      }),
    );
    await writer.s3.send(
      new PutObjectCommand({ Bucket: writer.config.mailBucket, Key: "inbound/abc", Body: "raw message" }),
    );
    writer.destroy();
    await firstRun.stop();

    const secondRun = await startLocalServices({ dataDir });
    cleanups.push(() => secondRun.stop());
    const reader = clientsFor(secondRun);
    cleanups.push(() => reader.destroy());
    const { Item } = await reader.document.send(
      new GetCommand({
        TableName: reader.config.tableName,
        Key: { PK: "CONTRACT#11NA0700211920254001", SK: "CYCLE#2025-08" },
      }),
    );
    const object = await reader.s3.send(
      new GetObjectCommand({ Bucket: reader.config.mailBucket, Key: "inbound/abc" }),
    );

    expect(Item?.state).toBe("awaiting-reply");
    expect(await object.Body?.transformToString()).toBe("raw message");
  });
});
