/**
 * Reading Lambda log events for the execution page (ADR 0092). Oracles are the formats as AWS documents
 * them: the Lambda developer guide's Node.js text lines (`<ISO time>\t<request id>\t<LEVEL>\t<message>`)
 * and START/END/REPORT platform lines, its JSON log format example (`requestId`), and the Powertools for
 * AWS Lambda (TypeScript) Logger documentation's sample output (`function_request_id`).
 */
import { describe, expect, it } from "vitest";
import { invocationLines, readLogLine } from "../../console/log-lines";

const AT = Date.parse("2023-10-27T19:17:45.586Z");

describe("one log event (acceptance)", () => {
  it("a Node.js runtime text line gives its time, request id, level and message", () => {
    const line = readLogLine({
      timestamp: AT,
      message: "2023-10-27T19:17:45.586Z\t79b4f56e-95b1-4643-9700-2807f4e68189\tINFO\tHello from Lambda!\n",
    });
    expect(line).toEqual({
      timestamp: new Date(AT),
      requestId: "79b4f56e-95b1-4643-9700-2807f4e68189",
      level: "INFO",
      message: "Hello from Lambda!",
    });
  });

  it("Lambda's JSON log format names the request id as requestId", () => {
    const line = readLogLine({
      timestamp: AT,
      message:
        '{"timestamp":"2023-10-27T19:17:45.586Z","level":"INFO","message":"Hello from Lambda!","requestId":"79b4f56e-95b1-4643-9700-2807f4e68189"}',
    });
    expect(line.requestId).toBe("79b4f56e-95b1-4643-9700-2807f4e68189");
    expect(line.level).toBe("INFO");
    expect(line.message).toContain("Hello from Lambda!");
  });

  it("a Powertools Logger line names it function_request_id; its other fields stay visible", () => {
    const line = readLogLine({
      timestamp: AT,
      message: JSON.stringify({
        level: "INFO",
        message: "This is an INFO log with some context",
        timestamp: "2021-12-12T21:21:08.921Z",
        service: "serverlessAirline",
        cold_start: true,
        function_request_id: "c6af9ac6-7b61-11e6-9a41-93e812345678",
      }),
    });
    expect(line).toEqual({
      timestamp: new Date(AT),
      requestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
      level: "INFO",
      message:
        'This is an INFO log with some context {"service":"serverlessAirline","cold_start":true,"function_request_id":"c6af9ac6-7b61-11e6-9a41-93e812345678"}',
    });
  });

  it("a task token in a JSON line is masked, as in state data", () => {
    const token = "AQCEAAAAKgAAAAMAAAAAAAAAAToken1234567890abcdefSECRET";
    const line = readLogLine({
      timestamp: AT,
      message: JSON.stringify({ level: "info", message: "token stored", taskToken: token }),
    });
    expect(line.level).toBe("INFO");
    expect(line.message).not.toContain(token);
  });

  it("START, END and REPORT lines are the platform's, with their request id as the level's subject", () => {
    const id = "c6af9ac6-7b61-11e6-9a41-93e812345678";
    expect(readLogLine({ timestamp: AT, message: `START RequestId: ${id} Version: $LATEST` })).toMatchObject({
      level: "START",
      requestId: id,
    });
    expect(
      readLogLine({
        timestamp: AT,
        message: `REPORT RequestId: ${id}\tDuration: 2.16 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB`,
      }),
    ).toMatchObject({ level: "REPORT", requestId: id });
  });
});

describe("one invocation's lines among a log group's (acceptance and rejection)", () => {
  const A = "aaaaaaaa-0000-4000-a000-000000000001";
  const B = "bbbbbbbb-0000-4000-a000-000000000002";
  // Two execution environments (streams) running at once, as a busy function's group holds them.
  const events = [
    { logStreamName: "s1", timestamp: AT, message: `START RequestId: ${A} Version: $LATEST` },
    { logStreamName: "s2", timestamp: AT, message: `START RequestId: ${B} Version: $LATEST` },
    { logStreamName: "s1", timestamp: AT + 1, message: '{"level":"error","message":"bill held"}' },
    { logStreamName: "s2", timestamp: AT + 1, message: '{"level":"info","message":"other contract"}' },
    { logStreamName: "s1", timestamp: AT + 2, message: `END RequestId: ${A}` },
    { logStreamName: "s1", timestamp: AT + 2, message: `REPORT RequestId: ${A}\tDuration: 2.16 ms` },
    { logStreamName: "s1", timestamp: AT + 3, message: "stray line between invocations" },
    { logStreamName: "s2", timestamp: AT + 3, message: `END RequestId: ${B}` },
  ];

  it("a line naming no request id belongs to the invocation its stream was running", () => {
    const lines = invocationLines(events, A);
    expect(lines.map((l) => [l.level, l.requestId])).toEqual([
      ["START", A],
      ["ERROR", A],
      ["END", A],
      ["REPORT", A],
    ]);
    expect(lines[1]?.message).toBe("bill held");
  });

  it("the other stream's lines and a line outside any invocation are not the invocation's", () => {
    const lines = invocationLines(events, A);
    expect(lines.some((l) => l.message.includes("other contract"))).toBe(false);
    expect(lines.some((l) => l.message.includes("stray"))).toBe(false);
  });

  it("without a request id (a failed task) every invocation in the window is returned", () => {
    const ids = new Set(invocationLines(events, null).map((l) => l.requestId));
    expect([...ids].sort()).toEqual([A, B]);
  });
});
