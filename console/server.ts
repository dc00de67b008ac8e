/**
 * The console's HTTP server: plain node:http, pages rendered on the server, loopback only and answering
 * only Host localhost/127.0.0.1 (ADR 0031). Reads go through the same adapters the functions use, so the
 * console shows the embedded stack or a deployed one alike; the embedded stack adds its actions
 * (start a kickoff, advance virtual time), which a deployed stack never has.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { NotFoundError } from "../functions/adapters/repository";
import { closeHttp, listenHttp } from "../infra/local/ports";
import { escapeHtml, page } from "./html";
import { type Lang, langOf, t } from "./i18n";
import { type ConsoleRoutes, routes } from "./routes";

/** What only the embedded stack can do; absent against AWS. */
export interface EmbeddedActions {
  /** Starts MonthlyKickoff for a period now; returns the execution's ARN. */
  startKickoff(period: string): Promise<string>;
  /** Null when the stack runs on the wall clock, where time cannot be moved. */
  advance: null | {
    toNextTimer(): Promise<Date | undefined>;
    to(instant: Date): Promise<void>;
  };
}

export interface ConsoleOptions {
  /** 0 lets the kernel choose (tests); `npm run console` defaults to 8090. */
  port?: number;
  /** The stack's time: virtual time on the embedded stack. */
  now: () => Date;
  actions?: EmbeddedActions;
}

export interface RunningConsole {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export class BadRequestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BadRequestError";
  }
}

function send(res: ServerResponse, status: number, body: string, type = "text/html; charset=utf-8"): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

/** A form posted from another site carries its Origin; only the console's own pages may post. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new BadRequestError("form too large");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const table: ConsoleRoutes = routes(options);
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const lang: Lang = langOf(url.searchParams);
    const frame = (title: string, body: string) =>
      page({
        title,
        lang,
        path: url.pathname,
        query: Object.fromEntries([...url.searchParams.entries()].filter(([k]) => k !== "lang")),
        now: options.now(),
        body,
      });
    try {
      if (req.method === "POST") {
        if (!sameOrigin(req))
          return send(res, 403, "cross-site request refused\n", "text/plain; charset=utf-8");
        const posted = await readForm(req);
        // The forms carry the page's language as a hidden field.
        const location = await table.post(url.pathname, posted, posted.get("lang") === "en" ? "en" : lang);
        res.writeHead(303, { location });
        res.end();
        return;
      }
      if (req.method !== "GET" && req.method !== "HEAD")
        return send(res, 405, "method not allowed\n", "text/plain");
      const result = await table.get(url, lang);
      send(res, 200, frame(result.title, result.body));
    } catch (error) {
      const notFound = error instanceof NotFoundError || (error as Error).name?.endsWith("DoesNotExist");
      const bad = error instanceof BadRequestError;
      const status = notFound ? 404 : bad ? 400 : 500;
      const message = (error as Error).message ?? String(error);
      if (status === 500) process.stderr.write(`console: ${req.method} ${url.pathname}: ${message}\n`);
      send(res, status, frame(t(lang, "notFound"), `<h1>${status}</h1><p>${escapeHtml(message)}</p>`));
    }
  }
  const port = await listenHttp(server, "console", options.port ?? 8090);
  return {
    url: `http://localhost:${port}/`,
    port,
    stop: () => closeHttp(server),
  };
}
