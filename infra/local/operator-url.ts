/**
 * The embedded stack's stand-in for a function URL — the operator function's (ADR 0038) and the
 * personal-data function's (ADR 0083): what Lambda does in front of a function URL with auth type AWS_IAM, on 127.0.0.1 only (ADR 0031). A request must carry a SigV4
 * signature (service `lambda`) made with the local credentials, else it is refused with 403 as Lambda
 * refuses it; a signed request becomes a function URL event (payload format 2.0) whose
 * `requestContext.authorizer.iam` names the local caller, `local:<OS user>` as ADR 0032 writes it, and is
 * invoked like every other Lambda of the stack. The function's answer becomes the HTTP response.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { userInfo } from "node:os";
import * as z from "zod";
import { LOCAL_CREDENTIALS } from "../../functions/adapters/aws-config";
import { verifiedSigner } from "../../functions/adapters/sigv4";
import { closeHttp, LOCAL_HOST, listenHttp } from "./ports";
import type { InvokeLambda, TemplateFunction } from "./sfn";

/** The largest request body a function URL accepts (Lambda's 6 MB synchronous payload limit). */
const MAX_BODY_BYTES = 6 * 1024 * 1024;
const LOCAL_ACCOUNT_ID = "000000000000";

export interface OperatorUrlOptions {
  port: number;
  functionArn: string;
  functionName: string;
  invoke: InvokeLambda;
  /** Wraps each request (the virtual clock does not jump while a command runs). */
  track?: <T>(work: Promise<T>) => Promise<T>;
}

export interface OperatorUrl {
  url: string;
  stop(): Promise<void>;
}

const lambdaResponse = z.object({
  statusCode: z.number().int(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
});

const functionUrlResource = z.object({
  Type: z.literal("AWS::Lambda::Url"),
  Properties: z.object({
    AuthType: z.string(),
    TargetFunctionArn: z.object({ "Fn::GetAtt": z.tuple([z.string(), z.literal("Arn")]) }),
  }),
});

/**
 * The functions behind the template's function URLs (the operator function, ADR 0038, and the
 * personal-data function, ADR 0083), found as Lambda would route them; every URL must use AWS_IAM auth,
 * which the stand-in then enforces.
 */
export function functionUrlTargetsOf(
  template: Record<string, unknown>,
  functions: Map<string, TemplateFunction>,
): { functionArn: string; functionName: string }[] {
  const resources = z.record(z.string(), z.unknown()).parse(template.Resources ?? {});
  return Object.values(resources).flatMap((r) => {
    const parsed = functionUrlResource.safeParse(r);
    if (!parsed.success) return [];
    const url = parsed.data.Properties;
    const [logicalId] = url.TargetFunctionArn["Fn::GetAtt"];
    if (url.AuthType !== "AWS_IAM")
      throw new Error(`the function URL of ${logicalId} uses auth ${url.AuthType}, not AWS_IAM`);
    const found = [...functions.entries()].find(([, fn]) => fn.logicalId === logicalId);
    if (!found) throw new Error(`a function URL targets ${logicalId}, which is not a mapped function`);
    return [{ functionArn: found[0], functionName: found[1].functionName }];
  });
}

/** The caller the stand-in names: the OS user running the embedded stack (ADR 0032). */
function localCaller(): string {
  return `local:${userInfo().username}`;
}

function send(res: ServerResponse, statusCode: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(statusCode, { "content-type": "application/json", ...headers });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The function URL event Lambda builds for an IAM-authenticated request (Lambda developer guide). */
function functionUrlEventOf(req: IncomingMessage, body: string, caller: string, accessKey: string) {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? LOCAL_HOST}`);
  const at = new Date();
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(",") : (value ?? ""),
    ]),
  );
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: "local",
      authentication: null,
      authorizer: {
        iam: {
          accessKey,
          accountId: LOCAL_ACCOUNT_ID,
          callerId: caller,
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: caller,
          userId: caller,
        },
      },
      domainName: url.host,
      domainPrefix: "local",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? LOCAL_HOST,
        userAgent: req.headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: at.toUTCString(),
      timeEpoch: at.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

export async function startOperatorUrl(options: OperatorUrlOptions): Promise<OperatorUrl> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    if (body === undefined) return send(res, 413, JSON.stringify({ Message: "Request Entity Too Large" }));
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? LOCAL_HOST}`);
    const accessKey = await verifiedSigner({ url, body, headers: req.headers }, LOCAL_CREDENTIALS);
    // As Lambda answers a request to an AWS_IAM function URL that is unsigned or wrongly signed.
    if (accessKey === undefined) return send(res, 403, JSON.stringify({ Message: "Forbidden" }));
    const event = functionUrlEventOf(req, body, localCaller(), accessKey);
    let output: unknown;
    try {
      output = await options.invoke(options.functionArn, event, {
        functionName: options.functionName,
        awsRequestId: event.requestContext.requestId,
      });
    } catch (error) {
      // A function error: Lambda answers 502 and the error stays in the function's log.
      console.error(`${options.functionName} failed: ${(error as Error).name}: ${(error as Error).message}`);
      return send(res, 502, JSON.stringify({ Message: "Internal Server Error" }));
    }
    const response = lambdaResponse.safeParse(output);
    if (!response.success) return send(res, 502, JSON.stringify({ Message: "Internal Server Error" }));
    send(res, response.data.statusCode, response.data.body ?? "", response.data.headers ?? {});
  };
  const server = createServer((req, res) => {
    const work = handle(req, res).catch((error: unknown) => {
      console.error(`operator URL: ${(error as Error).message}`);
      if (!res.headersSent) send(res, 500, JSON.stringify({ Message: "Internal Server Error" }));
    });
    void (options.track ? options.track(work) : work);
  });
  const port = await listenHttp(server, "operator function URL", options.port);
  return { url: `http://${LOCAL_HOST}:${port}/`, stop: () => closeHttp(server) };
}
