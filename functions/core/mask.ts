/**
 * Masking of personal-grade data before it reaches a log line, an audit event or a non-payment email.
 * Bank account numbers, phone numbers, SMS content and task tokens never appear in logs in full
 * (architecture §8; contract-rules §7 "mask all but the last 4").
 *
 * Every mask fails closed: a value too short to keep a hint of without revealing most of it is masked
 * completely, so no input shape makes a masker return its input unchanged.
 */

const STAR = "*";

/** Spaces and hyphens are how people group digits ("6222 0202 …"); they are not part of the number. */
function compact(value: string): string {
  return value.replace(/[\s-]/g, "");
}

/**
 * Bank account number (账号): every character but the last 4 becomes `*`, length kept so a reader can
 * still tell accounts of different lengths apart. `431901341210999` → `***********0999`.
 */
export function maskAccount(accountNumber: string): string {
  const account = compact(accountNumber);
  if (account.length <= 4) return STAR.repeat(account.length);
  return STAR.repeat(account.length - 4) + account.slice(-4);
}

/**
 * Phone number: first 3 and last 4 digits kept, the middle masked — the way Chinese carriers print numbers
 * (`13234444644` → `132****4644`). Numbers shorter than 8 characters are masked completely.
 */
export function maskPhone(phone: string): string {
  const digits = compact(phone);
  if (digits.length < 8) return STAR.repeat(digits.length);
  return digits.slice(0, 3) + STAR.repeat(digits.length - 7) + digits.slice(-4);
}

/** Email address: the first character of the local part and the whole domain (`w***@jl.chinamobile.com`). */
export function maskEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) return "***";
  return `${Array.from(trimmed)[0]}***${trimmed.slice(at)}`;
}

/**
 * Task token, reply key or any other bearer secret: the first 6 characters, enough to correlate log lines,
 * then `…`. A token of 12 characters or fewer would be half revealed that way, so nothing of it is kept.
 */
export function maskToken(token: string): string {
  if (token.length <= 12) return "…";
  return `${token.slice(0, 6)}…`;
}

/** SMS content (短信内容): only its length in characters (code points, as R-SMS-1 counts them) is loggable. */
export function maskSmsContent(content: string): string {
  return `[短信内容 ${Array.from(content).length} 字]`;
}

/** Keys whose values are personal data or bearer secrets, and the mask each kind gets in a log line. */
const KEY_MASKS: ReadonlyArray<readonly [RegExp, (value: string) => string]> = [
  [/token|replykey/i, maskToken],
  [/account(number)?$/i, maskAccount],
  [/e-?mail(address)?$|recipients?$|^from$|^to$|^source$|address$/i, maskEmail],
  [/phone|calling|called|msisdn/i, maskPhone],
  [/content$|body$|^text$|^sms/i, maskSmsContent],
];

/** Patterns of personal data inside free text (a log message, an error message). */
const MOBILE_NUMBER = /(?<![\w-])1[3-9]\d{9}(?![\w-])/g;
const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/**
 * Bank accounts in China run 12–19 digits, written whole or in groups of 4 separated by spaces. Digits joined
 * to letters or hyphens are identifiers, not numbers (contract ids such as 11NA0700211920254001, dates,
 * periods), and are left alone; so are phone numbers inside them.
 */
const ACCOUNT_NUMBER = /(?<![\w-])(?:\d{12,19}|\d{4}(?: \d{4}){2,3}(?: \d{1,3})?)(?![\w-])/g;

/**
 * Free text with every phone number, email address and account number in it masked, so a message that
 * names one (an error quoting an address) is as safe as a field that holds one.
 */
export function maskPersonalDataInText(text: string): string {
  return text
    .replace(EMAIL_ADDRESS, maskEmail)
    .replace(MOBILE_NUMBER, maskPhone)
    .replace(ACCOUNT_NUMBER, maskAccount);
}

/**
 * A value about to be written to a log under `key`: masked by the key's kind if the key names personal
 * data or a secret (a non-string value there is masked completely), free text scanned for patterns;
 * other values unchanged. Objects are handled key by key by the caller (a JSON replacer).
 */
export function maskForLog(key: string, value: unknown): unknown {
  const mask = KEY_MASKS.find(([pattern]) => pattern.test(key))?.[1];
  if (mask && value !== null && typeof value !== "object") {
    return typeof value === "string" ? mask(value) : "[masked]";
  }
  return typeof value === "string" ? maskPersonalDataInText(value) : value;
}
