/**
 * The console server's refusals, without a stack behind it: a Host other than localhost (DNS rebinding,
 * ADR 0031), a form posted from another site, a bad period or day for the embedded actions, an action
 * on a stack that has none (AWS), a page that does not exist. The actions are a stub: only the server
 * module is under test, and no refusal may reach them.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedActions, type RunningConsole, startConsole } from "../../console/server";

const calls: string[] = [];
const actions: EmbeddedActions = {
  async startKickoff(period) {
    calls.push(`kickoff ${period}`);
    return `arn:aws:states:us-east-1:000000000000:execution:ContractOps-MonthlyKickoff:console-${period}`;
  },
  advance: {
    async toNextTimer() {
      calls.push("next");
      return undefined;
    },
    async to(instant) {
      calls.push(`to ${instant.toISOString()}`);
    },
  },
};
const NOW = new Date("2025-11-02T00:00:00+08:00");

let withActions: RunningConsole;
let withoutActions: RunningConsole;

beforeAll(async () => {
  withActions = await startConsole({ port: 0, now: () => NOW, actions });
  withoutActions = await startConsole({ port: 0, now: () => NOW });
});
afterAll(async () => {
  await withActions.stop();
  await withoutActions.stop();
});

function send(
  server: RunningConsole,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        method: options.method ?? "GET",
        path: options.path,
        headers: { host: `localhost:${server.port}`, ...(options.headers ?? {}) },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location ? { location: res.headers.location } : {}),
            body,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const form = { "content-type": "application/x-www-form-urlencoded" };

describe("console server: what it refuses", () => {
  it("answers 403 to a Host other than localhost/127.0.0.1", async () => {
    const res = await send(withActions, { path: "/", headers: { host: "rebound.example:8090" } });
    expect(res.status).toBe(403);
  });

  it("refuses a form posted from another site (its Origin), and the action never runs", async () => {
    const res = await send(withActions, {
      method: "POST",
      path: "/actions/kickoff",
      headers: { ...form, origin: "http://evil.example" },
      body: "period=2025-10",
    });
    expect(res.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it("refuses a period that is not YYYY-MM and a day that is not after the stack's time", async () => {
    const bad = await send(withActions, {
      method: "POST",
      path: "/actions/kickoff",
      headers: form,
      body: "period=2025-13",
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("period 2025-13: expected YYYY-MM");
    const past = await send(withActions, {
      method: "POST",
      path: "/actions/advance",
      headers: form,
      body: "to=2025-11-01",
    });
    expect(past.status).toBe(400);
    expect(past.body).toContain("expected a day after the stack");
    expect(calls).toEqual([]);
  });

  it("has no actions on a stack that has none (a deployed stack)", async () => {
    const res = await send(withoutActions, {
      method: "POST",
      path: "/actions/kickoff",
      headers: form,
      body: "period=2025-10",
    });
    expect(res.status).toBe(404);
  });

  it("answers 404 for a page that does not exist, 400 for an unknown status filter", async () => {
    expect((await send(withActions, { path: "/nothing/here" })).status).toBe(404);
    expect((await send(withActions, { path: "/executions?status=DONE" })).status).toBe(400);
  });

  it("answers 400 for a period filter that is not a month, naming the value and what is expected", async () => {
    for (const period of ["2025-13", "2025-9", "september"]) {
      const res = await send(withActions, { path: `/executions?period=${period}` });
      expect(res.status, period).toBe(400);
      expect(res.body).toContain(`period ${period}: expected YYYY-MM`);
    }
  });
});

describe("console server: what it accepts", () => {
  it("starts a kickoff for a period and goes to its execution page", async () => {
    const res = await send(withActions, {
      method: "POST",
      path: "/actions/kickoff",
      headers: { ...form, origin: `http://localhost:${withActions.port}` },
      body: "period=2025-10&lang=en",
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe(
      `/executions/${encodeURIComponent("arn:aws:states:us-east-1:000000000000:execution:ContractOps-MonthlyKickoff:console-2025-10")}?lang=en`,
    );
    expect(calls).toEqual(["kickoff 2025-10"]);
  });

  it("advances to a day: the start of that day in Beijing time", async () => {
    calls.length = 0;
    const res = await send(withActions, {
      method: "POST",
      path: "/actions/advance",
      headers: form,
      body: "to=2025-11-03",
    });
    expect(res.status).toBe(303);
    // 2025-11-03 00:00 in Beijing is 2025-11-02 16:00 UTC.
    expect(calls).toEqual(["to 2025-11-02T16:00:00.000Z"]);
  });
});
