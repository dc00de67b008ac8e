/**
 * AWS Signature Version 4 for the operator function's URL (ADR 0038): the `ops` CLI signs each write
 * request as a function URL with auth type AWS_IAM requires (service `lambda`), and the embedded stack's
 * stand-in for that URL checks the signature the same way before it runs anything.
 */
import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer asks for. */
class NodeSha256 {
  private readonly secret: Buffer | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret =
      secret === undefined
        ? undefined
        : typeof secret === "string"
          ? Buffer.from(secret, "utf8")
          : ArrayBuffer.isView(secret)
            ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)
            : Buffer.from(secret);
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret ? createHmac("sha256", this.secret) : createHash("sha256");
  }

  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

interface PostRequest {
  url: URL;
  body: string;
  /** Headers to sign besides `host` (lower-case names). */
  headers: Record<string, string>;
}

function signer(region: string, credentials: SigningCredentials): SignatureV4 {
  return new SignatureV4({ service: "lambda", region, credentials, sha256: NodeSha256 });
}

function httpRequest(request: PostRequest) {
  const { url } = request;
  return {
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...request.headers, host: url.host },
    body: request.body,
  };
}

/** The headers of a signed POST (host included: fetch sends the URL's host, which was signed). */
export async function signPost(
  request: PostRequest,
  options: { region: string; credentials: SigningCredentials; at?: Date },
): Promise<Record<string, string>> {
  const signed = await signer(options.region, options.credentials).sign(httpRequest(request), {
    ...(options.at ? { signingDate: options.at } : {}),
  });
  return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([a-z0-9-]+)\/lambda\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * The access key that signed `request`, when its SigV4 signature (service `lambda`) verifies with
 * `credentials`; undefined for an unsigned request, another key or a wrong signature.
 */
export async function verifiedSigner(
  request: { url: URL; body: string; headers: Record<string, string | string[] | undefined> },
  credentials: SigningCredentials,
): Promise<string | undefined> {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(",") : value;
  };
  const match = AUTHORIZATION.exec(header("authorization") ?? "");
  const amzDate = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(header("x-amz-date") ?? "");
  if (!match || !amzDate) return undefined;
  const [, accessKeyId, , region, signedHeaders, signature] = match;
  if (accessKeyId !== credentials.accessKeyId || !region || !signedHeaders || !signature) return undefined;
  const [, y, mo, d, h, mi, s] = amzDate;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  const names = signedHeaders.split(";");
  if (!names.includes("host")) return undefined;
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = header(name);
    if (value === undefined) return undefined;
    if (name !== "host") headers[name] = value;
  }
  const expected = await signPost(
    {
      url: new URL(request.url.pathname + request.url.search, `${request.url.protocol}//${header("host")}`),
      body: request.body,
      headers,
    },
    { region, credentials, at },
  );
  const recomputed = AUTHORIZATION.exec(expected.authorization ?? "")?.[5];
  if (!recomputed) return undefined;
  return timingSafeEqual(Buffer.from(recomputed), Buffer.from(signature)) ? accessKeyId : undefined;
}
