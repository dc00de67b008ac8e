/**
 * How Party B's staff in a run (party-b-staff.ts) post to the embedded stack's function URL stand-ins: over
 * node:http, with the request `fetch` would send. The `ops` command line posts with `fetch`, whose first call
 * loads and starts Node's bundled undici, about 0.1 s of a run's CPU for a few dozen posts on loopback
 * (ADR 0115). The stand-in (operator-url.ts) turns the headers into the function URL event, so they are
 * fetch's own, in its order: Host and Connection, the caller's, then fetch's defaults and the length.
 */
import { request } from "node:http";
import type { OperatorPost } from "../../bin/ops/_operator-client";

/** The headers fetch adds to a request that does not set them (Node 22's undici, fetch's defaults). */
const FETCH_DEFAULT_HEADERS: readonly (readonly [string, string])[] = [
  ["accept", "*/*"],
  ["accept-language", "*"],
  ["sec-fetch-mode", "cors"],
  ["user-agent", "node"],
  ["accept-encoding", "gzip, deflate"],
];

/** Posts `body` to an http: URL as fetch would; the answer's status and body text. */
export const postOverNodeHttp: OperatorPost = (url, { headers, body }) => {
  if (url.protocol !== "http:") throw new Error(`postOverNodeHttp: ${url.protocol} is not served here`);
  const payload = Buffer.from(body, "utf8");
  const sent: [string, string][] = [
    ["host", url.host],
    ["connection", "keep-alive"],
    ...Object.entries(headers).map(([name, value]): [string, string] => [name.toLowerCase(), value]),
  ];
  const given = new Set(sent.map(([name]) => name));
  for (const [name, value] of FETCH_DEFAULT_HEADERS) if (!given.has(name)) sent.push([name, value]);
  sent.push(["content-length", String(payload.length)]);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: sent.flat(),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = new TextDecoder().decode(Buffer.concat(chunks));
          resolve({ status: res.statusCode ?? 0, text: async () => text });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
};
