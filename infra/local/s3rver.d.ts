/**
 * s3rver is CommonJS without type declarations: the part of its API infra/local/s3-local.ts uses, and the
 * FilesystemStore that infra/local/s3-store.ts extends (ADR 0105).
 */
declare module "s3rver" {
  import type { RequestListener } from "node:http";
  import type FilesystemStore from "s3rver/lib/stores/filesystem";

  interface S3rverOptions {
    silent: boolean;
    directory: string;
    configureBuckets: { name: string }[];
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    /** The store the app's requests reach (`ctx.app.store`), as the constructor set it. */
    store: FilesystemStore;
    /** Koa's context prototype: s3rver's middleware reads `ctx.store` from it. */
    context: { store: FilesystemStore };
    /** As constructed: whether its logs are silenced. */
    silent: boolean;
    /** Koa's middleware, in the order `callback()` composes them. */
    middleware: unknown[];
    configureBuckets(): Promise<unknown>;
    callback(): RequestListener;
  }
}

declare module "s3rver/lib/models/bucket" {
  export default class S3Bucket {
    constructor(name: string, creationDate: Date);
    name: string;
    creationDate: Date;
  }
}

declare module "s3rver/lib/models/object" {
  import type { Readable } from "node:stream";

  export default class S3Object {
    static ALLOWED_METADATA: readonly string[];
    constructor(
      bucket: string,
      key: string,
      content: Readable | Buffer | null,
      metadata: Record<string, unknown>,
    );
    bucket: string;
    key: string;
    content: Readable | Buffer | null;
    metadata: Record<string, unknown>;
    range?: { start: number; end: number };
    readonly size: number;
  }
}

declare module "s3rver/lib/models/config" {
  export function getConfigModel(type: string): new (xml: string) => unknown;
}

declare module "s3rver/lib/stores/filesystem" {
  import type S3Bucket from "s3rver/lib/models/bucket";
  import type S3Object from "s3rver/lib/models/object";

  export default class FilesystemStore {
    constructor(rootDirectory: string);
    rootDirectory: string;
    getBucketPath(bucket: string): string;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
    putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void>;
    listBuckets(): Promise<S3Bucket[]>;
    getBucket(bucket: string): Promise<S3Bucket | null>;
    putBucket(bucket: string): Promise<S3Bucket | null>;
    listObjects(
      bucket: string,
      options: { delimiter?: string; startAfter?: string; prefix?: string; maxKeys?: number },
    ): Promise<{ objects: S3Object[]; commonPrefixes: string[]; isTruncated: boolean }>;
    existsObject(bucket: string, key: string): Promise<boolean>;
    getObject(
      bucket: string,
      key: string,
      options?: { start?: number; end?: number },
    ): Promise<S3Object | null>;
    putObject(object: S3Object): Promise<{ size: number; md5: string }>;
    deleteObject(bucket: string, key: string): Promise<void>;
    getSubresource(bucket: string, key: string | undefined, resourceType: string): Promise<unknown>;
  }
}
