/**
 * Reading an inbound message that SES's S3 action stored (architecture §7). The head is read with a
 * ranged GET so that a message refused on its envelope or headers costs no more than that (ADR 0030:
 * parse last). The read is the lean GetObject client's (ADR 0096): it is the function's only S3 call.
 */
import { awsConfig, inboundMailObjectKey, s3GetObjectClient } from "./aws-config";
import { GetObjectCommand } from "./s3-get-object";

async function read(sesMessageId: string, range?: string): Promise<Buffer> {
  const object = await s3GetObjectClient().send(
    new GetObjectCommand({
      Bucket: awsConfig().mailBucket,
      Key: inboundMailObjectKey(sesMessageId),
      ...(range ? { Range: range } : {}),
    }),
  );
  return Buffer.from(await object.Body.transformToByteArray());
}

/** The first `bytes` bytes of the stored message (all of it when shorter). */
export function readInboundHead(sesMessageId: string, bytes: number): Promise<Buffer> {
  return read(sesMessageId, `bytes=0-${bytes - 1}`);
}

/** The whole stored message (SES stores at most 40 MB). */
export function readInboundMessage(sesMessageId: string): Promise<Buffer> {
  return read(sesMessageId);
}
