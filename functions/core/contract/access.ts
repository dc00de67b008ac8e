/** The access section of a contract file (接入): the voice number, the SMS access code and the SMS signature. */
import * as z from "zod";
import { codePointLength } from "../sms";
import { digits } from "./fields";

const HAN = /^\p{Script=Han}+$/u;
const ENGLISH_SIGNATURE = /^[A-Za-z0-9 .&'-]+$/;

/**
 * Checked on its own (not with the whole contract) so a bad signature is reported together with problems
 * elsewhere in the file.
 */
export const access = z
  .strictObject({
    voiceNumber: digits("voice access number", 3, 12),
    smsAccessCode: digits("SMS access code", 5, 21),
    /** R-SMS-2: 3–8 Chinese characters, without the 【】 Party B adds. */
    smsSignature: z.string(),
    /** R-SMS-2: an English signature (≤ 16 characters) is only allowed for pure-English messages. */
    englishSignature: z.boolean().optional(),
    portManagement: z.enum(["whitelist", "blacklist"]),
  })
  .superRefine((access, ctx) => {
    const signature = access.smsSignature;
    const length = codePointLength(signature);
    if (access.englishSignature === true) {
      if (!ENGLISH_SIGNATURE.test(signature) || length > 16) {
        ctx.addIssue({
          code: "custom",
          path: ["smsSignature"],
          message: `R-SMS-2: an English signature is 1–16 Latin letters, digits or spaces, got ${length} characters`,
        });
      }
    } else if (!HAN.test(signature) || length < 3 || length > 8) {
      ctx.addIssue({
        code: "custom",
        path: ["smsSignature"],
        message: HAN.test(signature)
          ? `R-SMS-2: the signature must be 3–8 Chinese characters, got ${length}`
          : `R-SMS-2: the signature must be 3–8 Chinese characters (no brackets, Latin letters or punctuation), got ${JSON.stringify(signature)}`,
      });
    }
  });
