/**
 * The SHA-256 every client built in aws-config.ts signs with (ADR 0108), in place of the SDK's `Sha256Node`.
 * The digests are the same bytes; what differs is the work around them:
 *
 * - A plain hash given its data in one piece (SigV4's payload hash and canonical-request hash, each once per
 *   request) is Node's one-shot `crypto.hash`, not a hash object plus the copy `Sha256Node` digests from.
 * - An HMAC whose key is a string is a pure function of two short strings that recur: SigV4 computes
 *   HMAC(secret access key, access key id) on every request only to name its signing-key cache entry, and
 *   HMAC("AWS4" + secret, date) once a day. Those digests are kept (a few entries, per secret), so the cache
 *   lookup no longer costs an HMAC. Keys that are bytes (the signing key itself) are never kept.
 *
 * Data given in more than one piece is hashed incrementally as it comes, as `Sha256Node` does.
 */
import { createHash, createHmac, type Hash, type Hmac, hash } from "node:crypto";
import type { Checksum, SourceData } from "@smithy/types";

type Piece = string | Uint8Array;

/** Data as Node's hashes take it: a string is UTF-8, a view is read in place, an ArrayBuffer is wrapped. */
function piece(data: SourceData): Piece {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** The digest as `Sha256Node` returns it: a Uint8Array over the digest's bytes. */
function bytes(digest: Buffer): Uint8Array {
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** Only short data is worth a kept HMAC: an access key id or a date, not a string to sign. */
const KEPT_DATA_LENGTH = 64;
/** Enough for the access key ids and dates of a process's few credentials; emptied when full. */
const KEPT_PER_SECRET = 8;
const KEPT_SECRETS = 4;
const keptHmacs = new Map<string, Map<string, Buffer>>();

function keptHmac(secret: string, data: Piece): Uint8Array {
  const dataKey =
    typeof data === "string"
      ? `s${data}`
      : `b${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1")}`;
  let kept = keptHmacs.get(secret);
  if (kept === undefined) {
    if (keptHmacs.size >= KEPT_SECRETS) keptHmacs.clear();
    kept = new Map();
    keptHmacs.set(secret, kept);
  }
  let digest = kept.get(dataKey);
  if (digest === undefined) {
    if (kept.size >= KEPT_PER_SECRET) kept.clear();
    digest = createHmac("sha256", secret).update(data).digest();
    kept.set(dataKey, digest);
  }
  // A copy: the caller owns what it is given, and the kept digest must not change.
  return bytes(Buffer.from(digest));
}

function byteLength(data: Piece): number {
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
}

export class SigV4Sha256 implements Checksum {
  readonly digestLength = 32;
  private readonly secret: string | Uint8Array | undefined;
  /** The data while it is one piece. */
  private pending: Piece | undefined;
  /** The incremental hash once a second piece came. */
  private running: Hash | Hmac | undefined;
  private finished = false;

  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : piece(secret);
  }

  update(data: SourceData): void {
    if (this.finished) throw new Error("Attempted to update an already finished hash.");
    const next = piece(data);
    if (this.running === undefined && this.pending === undefined) {
      this.pending = next;
      return;
    }
    this.running ??= this.start();
    this.running.update(next);
  }

  async digest(): Promise<Uint8Array> {
    if (this.finished) throw new Error("Attempted to digest an already finished HMAC.");
    const { secret } = this;
    if (secret === undefined) {
      // A plain hash may be digested again and updated after (Sha256Node digests a copy).
      if (this.running !== undefined) return bytes((this.running as Hash).copy().digest());
      return bytes(hash("sha256", this.pending ?? "", "buffer"));
    }
    this.finished = true;
    if (this.running !== undefined) return bytes(this.running.digest());
    const data = this.pending ?? "";
    if (typeof secret === "string" && byteLength(data) <= KEPT_DATA_LENGTH) return keptHmac(secret, data);
    return bytes(createHmac("sha256", secret).update(data).digest());
  }

  reset(): void {
    this.pending = undefined;
    this.running = undefined;
    this.finished = false;
  }

  /** The incremental hash, fed the piece held so far. */
  private start(): Hash | Hmac {
    const running = this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
    if (this.pending !== undefined) running.update(this.pending);
    this.pending = undefined;
    return running;
  }
}
