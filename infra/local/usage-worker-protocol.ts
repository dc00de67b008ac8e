/** The messages between infra/local/usage-in-worker.ts and its worker thread (infra/local/usage-worker.ts). */
import * as z from "zod";

export const usageJobsSchema = z.array(
  z.object({
    contract: z.object({
      contractId: z.string(),
      access: z.object({ voiceNumber: z.string(), smsAccessCode: z.string() }),
    }),
    period: z.string(),
    seed: z.number().int(),
    voiceCalls: z.number(),
    smsMessages: z.number(),
    outDir: z.string(),
  }),
);

export const usageResultSchema = z.union([
  z.object({
    index: z.number().int(),
    usage: z.object({
      voicePath: z.string(),
      smsPath: z.string(),
      voiceRows: z.number(),
      smsRows: z.number(),
      voiceMalformed: z.number(),
      smsMalformed: z.number(),
    }),
  }),
  z.object({ index: z.number().int(), error: z.string() }),
]);
