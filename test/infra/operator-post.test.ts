/**
 * Party B's staff post to the function URL stand-ins over node:http instead of fetch (ADR 0115). The oracle is
 * fetch itself: a server records what each sends for the same signed request — every header line in order,
 * the body's bytes — and what each hands back.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { postOverNodeHttp } from "../../infra/local/operator-post";

interface Seen {
  method: string | undefined;
  url: string | undefined;
  rawHeaders: string[];
  body: string;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server that records each request and answers `status` with a UTF-8 body (a BOM-less JSON text). */
async function recordingServer(status: number, answer: string): Promise<{ url: URL; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      seen.push({
        method: req.method,
        url: req.url,
        rawHeaders: req.rawHeaders.map((value, index) =>
          // The port differs between the two servers' URLs only through Host; compare the rest.
          index % 2 === 1 && req.rawHeaders[index - 1]?.toLowerCase() === "host" ? "HOST" : value,
        ),
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(answer);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/?x=1`), seen };
}

const headers = {
  "content-type": "application/json",
  "x-amz-date": "20250901T020000Z",
  "x-amz-content-sha256": "ab12",
  authorization:
    "AWS4-HMAC-SHA256 Credential=local/20250901/cn-north-1/lambda/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0f",
};
const body = JSON.stringify({ command: "record-payment", input: { note: "收款 ✓" } });

describe("posting to a function URL stand-in over node:http", () => {
  it("sends what fetch sends: the same request line, header lines in order, and body bytes", async () => {
    const byFetch = await recordingServer(200, '{"result":{}}');
    const byNodeHttp = await recordingServer(200, '{"result":{}}');
    const fetched = await fetch(byFetch.url, { method: "POST", headers, body });
    await fetched.text();
    const posted = await postOverNodeHttp(byNodeHttp.url, { headers, body });
    await posted.text();
    expect(byNodeHttp.seen).toEqual(byFetch.seen);
    expect(byNodeHttp.seen).toHaveLength(1);
  });

  it("hands back the status and the body's text as fetch does, a refusal included", async () => {
    const answer = '{"Message":"Forbidden — 拒绝"}';
    const server = await recordingServer(403, answer);
    const fetched = await fetch(server.url, { method: "POST", headers, body });
    const posted = await postOverNodeHttp(server.url, { headers, body });
    expect({ status: posted.status, text: await posted.text() }).toEqual({
      status: fetched.status,
      text: await fetched.text(),
    });
    expect(posted.status).toBe(403);
  });

  it("refuses a URL that is not http:, which the stand-ins never are", () => {
    expect(() =>
      postOverNodeHttp(new URL("https://example.lambda-url.cn-north-1.on.aws/"), { headers, body }),
    ).toThrow(/https: is not served here/);
  });

  it("rejects when nothing listens, as fetch does", async () => {
    await expect(postOverNodeHttp(new URL("http://127.0.0.1:9/"), { headers, body })).rejects.toThrow();
    await expect(fetch(new URL("http://127.0.0.1:9/"), { method: "POST", headers, body })).rejects.toThrow();
  });
});
