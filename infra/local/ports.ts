/**
 * Ports of the embedded stack. `npm run local` uses the fixed defaults so a developer's mail client and
 * shell exports keep working across restarts; tests pass 0 everywhere and read back the port the
 * kernel chose, so test files running in parallel never clash.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Every embedded server binds to loopback only: nothing here is meant to be reachable from the network. */
export const LOCAL_HOST = "127.0.0.1";

export const defaultLocalPorts = {
  dynamodb: 8000,
  s3: 4569,
  ses: 8005,
  smtp: 2525,
  stepFunctions: 8083,
  /** The operator function's URL (ADR 0038). */
  operator: 8084,
  /** The personal-data function's URL (ADR 0083). */
  personalData: 8085,
} as const;

export class PortInUseError extends Error {
  constructor(service: string, port: number, options?: ErrorOptions) {
    super(`${service}: port ${port} on ${LOCAL_HOST} is already in use (choose another or pass 0)`, options);
    this.name = "PortInUseError";
  }
}

/** The port a listening server is bound to (the kernel's choice when it was asked for port 0). */
export function boundPort(address: AddressInfo | string | null): number {
  if (address === null || typeof address === "string") {
    throw new Error(`expected a TCP address, got ${JSON.stringify(address)}`);
  }
  return address.port;
}

/** Starts an HTTP server on LOCAL_HOST, turning EADDRINUSE into a PortInUseError naming the service. */
export function listenHttp(server: Server, service: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(service, port, { cause: error }) : error);
    };
    server.once("error", onError);
    refuseForeignHosts(server);
    server.listen(port, LOCAL_HOST, () => {
      server.off("error", onError);
      resolve(boundPort(server.address()));
    });
  });
}

/**
 * Closes an HTTP server without waiting for idle keep-alive sockets: the AWS SDK keeps connections
 * open, and a plain close() would wait for clients that may never come back.
 */
export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/**
 * Resolves once handles closed so far are released. libuv releases them in the close phase of the
 * event loop, which comes after the check phase where setImmediate callbacks run, so two turns
 * always include one close phase.
 */
export async function handlesReleased(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** `localhost` or `127.0.0.1`, with or without a port: the only Host an embedded server answers. */
function isLocalHostHeader(host: string | undefined): boolean {
  return host !== undefined && /^(?:localhost|127\.0\.0\.1)(?::\d{1,5})?$/i.test(host);
}

/**
 * Makes `server` answer 403 to any request whose Host is not localhost/127.0.0.1 (ADR 0031). Loopback
 * binding keeps other machines out, but not a web page in the developer's browser that rebinds its own
 * name to 127.0.0.1 (DNS rebinding): that request carries the page's host name, and is refused here
 * before the emulator (the SES store with every reply key, clear-store, the Step Functions API) sees it.
 */
export function refuseForeignHosts(server: Server): void {
  const listeners = server.listeners("request") as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!isLocalHostHeader(req.headers.host)) {
      res.writeHead(403, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      res.end("embedded stack: only Host localhost or 127.0.0.1 is answered\n");
      return;
    }
    for (const listener of listeners) listener.call(server, req, res);
  });
}
