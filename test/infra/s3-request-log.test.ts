/**
 * s3rver's request log, silent in the embedded stack, is taken out of its middleware (ADR 0112); nothing else is.
 * That the answers stay s3rver's byte for byte is held by s3-store.test.ts (stock s3rver, its log in place,
 * against `startS3Local`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { afterAll, describe, expect, it } from "vitest";
import { withoutSilentRequestLog } from "../../infra/local/s3-local";

const directory = mkdtempSync(join(tmpdir(), "s3-request-log-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const app = (silent: boolean) => new S3rver({ silent, directory, configureBuckets: [] });

describe("s3rver's request log (ADR 0112)", () => {
  it("is taken out when s3rver is silent, and the rest of its middleware kept in order", () => {
    const s3rver = app(true);
    const before = [...s3rver.middleware];
    // koa-logger's middleware is s3rver's first (s3rver.js: `this.use(loggerMiddleware(this, silent))`).
    expect(String(before[0])).toContain("request-received.startTime");
    withoutSilentRequestLog(s3rver);
    expect(s3rver.middleware).toEqual(before.slice(1));
  });

  it("is kept when s3rver logs, and nothing is taken when the first middleware is another", () => {
    const logging = app(false);
    const before = [...logging.middleware];
    withoutSilentRequestLog(logging);
    expect(logging.middleware).toEqual(before);

    const silent = app(true);
    withoutSilentRequestLog(silent);
    const rest = [...silent.middleware];
    withoutSilentRequestLog(silent);
    expect(silent.middleware).toEqual(rest);
  });
});
