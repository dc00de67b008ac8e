/**
 * s3rver's object store without waiting on the thread pool (ADR 0105). s3rver's FilesystemStore reads and writes
 * each object's files through fs.promises and fs streams: a GetObject costs about seven thread-pool round trips
 * (the bucket's CORS and website configuration, the bucket, the object's stat, its metadata and MD5 files, the
 * open, then one per 64 KiB), and the main thread sits idle through each. This store keeps FilesystemStore's
 * files, names and layout on disk — a data directory either store wrote serves the same through the other — and
 * does the same reads and writes synchronously, each a few microseconds against the page cache.
 *
 * The methods the embedded stack's requests reach are redone here; the rest (multipart uploads, CopyObject,
 * bucket and configuration writes) are FilesystemStore's own, on the same files. What each answer says — status,
 * headers, ETag, Content-Length, ranges, listings, errors — is s3rver's, checked against FilesystemStore by
 * test/infra/s3-store.test.ts, but for one answer, given as S3 gives it: a range of an empty object is refused
 * (416 InvalidRange) where s3rver served 206 with a Content-Length of 1 and no byte.
 */
import { createHash, type Hash } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import S3Bucket from "s3rver/lib/models/bucket";
import { getConfigModel } from "s3rver/lib/models/config";
import S3Object from "s3rver/lib/models/object";
import FilesystemStore from "s3rver/lib/stores/filesystem";

/** Bytes read or hashed at a time: a month's voice CDRs (about 1.5 MB) in two reads, a huge object in bounded memory. */
const CHUNK_BYTES = 1 << 20;

const errorCode = (error: unknown) =>
  typeof error === "object" && error !== null && "code" in error ? error.code : undefined;

/** A file's bytes, or undefined when there is no such file (as FilesystemStore treats a missing metadata file). */
function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length; ) {
    written += writeSync(fd, bytes, written, bytes.length - written);
  }
}

/** The MD5 of a file's content, read a chunk at a time. */
function md5OfFile(path: string): string {
  const hash = createHash("md5");
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      hash.update(chunk.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * Bytes `start` to `end` (inclusive, as fs.createReadStream takes them) of a file opened before the answer was
 * decided, as FilesystemStore opens its read stream; closed when read to the end or destroyed (a HEAD answer
 * destroys it unread).
 */
class FileSlice extends Readable {
  private position: number;

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
  ) {
    super();
    this.position = start;
  }

  override _read(): void {
    const length = Math.min(CHUNK_BYTES, this.end + 1 - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    let chunk = Buffer.allocUnsafe(length);
    let read: number;
    try {
      read = readSync(this.fd, chunk, 0, length, this.position);
    } catch (error) {
      this.destroy(error as Error);
      return;
    }
    if (read === 0) {
      this.push(null);
      return;
    }
    if (read < length) chunk = chunk.subarray(0, read);
    this.position += read;
    this.push(chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    try {
      closeSync(this.fd);
    } catch (closeError) {
      callback(error ?? (closeError as Error));
      return;
    }
    callback(error);
  }
}

type Metadata = Record<string, unknown>;

export class SynchronousFilesystemStore extends FilesystemStore {
  override async getMetadata(bucket: string, key: string): Promise<Metadata> {
    const objectPath = this.getResourcePath(bucket, key, "object");
    // Throws ENOENT when the object does not exist, which the callers expect.
    const stat = statSync(objectPath);
    const stored = readIfPresent(this.getResourcePath(bucket, key, "metadata.json"));
    const md5Path = `${objectPath}.md5`;
    let md5 = readIfPresent(md5Path)?.toString();
    if (md5 === undefined) {
      // An object written without its MD5 file (by hand into a data directory): FilesystemStore writes it.
      md5 = md5OfFile(objectPath);
      writeFileSync(md5Path, md5);
    }
    return {
      ...(stored === undefined ? {} : JSON.parse(stored.toString())),
      etag: JSON.stringify(md5),
      "last-modified": stat.mtime.toUTCString(),
      "content-length": stat.size,
    };
  }

  override async putMetadata(bucket: string, key: string, metadata: Metadata, md5?: string): Promise<void> {
    // What FilesystemStore keeps: the standard headers in S3Object's order, then the user's x-amz-meta-*.
    const kept: Metadata = {};
    for (const name of S3Object.ALLOWED_METADATA) if (name in metadata) kept[name] = metadata[name];
    for (const [name, value] of Object.entries(metadata)) {
      if (name.startsWith("x-amz-meta-")) kept[name] = value;
    }
    if (md5) writeFileSync(this.getResourcePath(bucket, key, "object.md5"), md5);
    writeFileSync(this.getResourcePath(bucket, key, "metadata.json"), JSON.stringify(kept, null, 2));
  }

  override async getBucket(bucket: string): Promise<S3Bucket | null> {
    try {
      const stat = statSync(this.getBucketPath(bucket));
      return stat.isDirectory() ? new S3Bucket(bucket, stat.birthtime) : null;
    } catch (error) {
      if (errorCode(error) === "ENOENT") return null;
      throw error;
    }
  }

  override async putBucket(bucket: string): Promise<S3Bucket | null> {
    mkdirSync(this.getBucketPath(bucket), { recursive: true, mode: 0o755 });
    return this.getBucket(bucket);
  }

  override async existsObject(bucket: string, key: string): Promise<boolean> {
    try {
      statSync(this.getResourcePath(bucket, key, "object"));
      return true;
    } catch (error) {
      if (errorCode(error) === "ENOENT") return false;
      throw error;
    }
  }

  override async getObject(
    bucket: string,
    key: string,
    options?: { start?: number; end?: number },
  ): Promise<S3Object | null> {
    try {
      const metadata = await this.getMetadata(bucket, key);
      // FilesystemStore's range arithmetic, unsatisfiable ranges included (the controller answers InvalidRange),
      // but for an empty object: FilesystemStore clamps its range to a last byte of 0 and serves 206 with
      // Content-Length 1 and no byte, where S3 answers 416 InvalidRange, since no range of an empty object is
      // satisfiable (RFC 9110 §14.1.1: the first position must be less than the length).
      const size = Number(metadata["content-length"]);
      const lastByte = Math.max(0, size - 1);
      const range = {
        start: options?.start || 0,
        end: Math.min(options?.end || Number.POSITIVE_INFINITY, lastByte),
      };
      const ranged = options !== undefined && (options.start !== undefined || Boolean(options.end));
      const satisfiable =
        !(range.start < 0 || Math.min(range.end, lastByte) < range.start) && !(ranged && size === 0);
      const content = satisfiable
        ? new FileSlice(openSync(this.getResourcePath(bucket, key, "object"), "r"), range.start, range.end)
        : null;
      const object = new S3Object(bucket, key, content, metadata);
      if (ranged) object.range = range;
      return object;
    } catch (error) {
      if (errorCode(error) === "ENOENT") return null;
      throw error;
    }
  }

  override async putObject(object: S3Object): Promise<{ size: number; md5: string }> {
    const objectPath = this.getResourcePath(object.bucket, object.key, "object");
    mkdirSync(dirname(objectPath), { recursive: true });
    const hash: Hash = createHash("md5");
    let size = 0;
    const fd = openSync(objectPath, "w");
    try {
      const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(object.content)
        ? [object.content]
        : (object.content as AsyncIterable<Buffer>);
      for await (const chunk of chunks) {
        writeAll(fd, chunk);
        hash.update(chunk);
        size += chunk.length;
      }
    } finally {
      closeSync(fd);
    }
    const md5 = hash.digest("hex");
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size, md5 };
  }

  override async deleteObject(bucket: string, key: string): Promise<void> {
    for (const resource of ["object", "object.md5", "metadata.json"]) {
      unlinkIfPresent(this.getResourcePath(bucket, key, resource));
    }
    // As FilesystemStore does: the key's directories, emptied, go too (the last part is the file name).
    const bucketPath = this.getBucketPath(bucket);
    const parts = key.split("/");
    parts.pop();
    while (parts.length > 0 && readdirSync(join(bucketPath, ...parts)).length === 0) {
      rmdirSync(join(bucketPath, ...parts));
      parts.pop();
    }
  }

  override async getSubresource(bucket: string, key: string | undefined, resourceType: string) {
    // Read on every request (the bucket's CORS and website configuration): a missing file is the usual answer.
    const data = readIfPresent(this.getResourcePath(bucket, key, `${resourceType}.xml`));
    if (data === undefined) return null;
    const Model = getConfigModel(resourceType);
    return new Model(data.toString());
  }
}
