/**
 * State inputs, outputs and variables as the console shows them: pretty JSON with every bearer secret
 * masked (task tokens complete a task; reply keys let anyone answer a statement) and personal numbers
 * shortened, as core/mask.ts does for logs.
 */
import { maskAccount, maskPhone, maskToken } from "../functions/core/mask";

const TOKEN_KEY = /token|replykey/i;
const PHONE_KEY = /phone|calling|called|recipient/i;
const ACCOUNT_KEY = /account(number)?$/i;
/** A reply address carries the opaque reply key as its local part. */
const REPLY_ADDRESS = /\b([A-Za-z0-9_-]{16,})@(reply\.[A-Za-z0-9.-]+)/g;

function maskValue(key: string, value: unknown): unknown {
  if (typeof value === "string") {
    if (TOKEN_KEY.test(key)) return maskToken(value);
    if (PHONE_KEY.test(key)) return maskPhone(value);
    if (ACCOUNT_KEY.test(key)) return maskAccount(value);
    return value.replace(
      REPLY_ADDRESS,
      (_, local: string, domain: string) => `${maskToken(local)}@${domain}`,
    );
  }
  if (Array.isArray(value)) return value.map((item) => maskValue(key, item));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(k, v)]));
  }
  return value;
}

/** JSON text (or anything else, shown as is after masking reply addresses) ready for a <pre>. */
export function maskedJson(text: string | null | undefined): string {
  if (text === null || text === undefined) return "";
  try {
    return JSON.stringify(maskValue("", JSON.parse(text)), null, 2);
  } catch {
    return String(maskValue("", text));
  }
}

export function maskedVariables(variables: Record<string, string> | null): string {
  if (!variables) return "";
  return Object.entries(variables)
    .map(([name, value]) => `${name} = ${maskedJson(value)}`)
    .join("\n");
}
