/** s3rver is CommonJS without type declarations: the part of its API infra/local/s3-local.ts uses. */
declare module "s3rver" {
  import type { RequestListener } from "node:http";

  interface S3rverOptions {
    silent: boolean;
    directory: string;
    configureBuckets: { name: string }[];
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    configureBuckets(): Promise<unknown>;
    callback(): RequestListener;
  }
}
