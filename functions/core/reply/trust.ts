/**
 * Whether an inbound reply may act on the waiting MonthlyCycle at all (R-RECON-1, ADR 0030). A reply is
 * as good as a signature, so it is trusted only on facts SES authenticated: the envelope sender SES
 * received the mail from (`mail.source`) is the contract's designated contact, the mail is authenticated
 * for that domain (DMARC PASS, or for a domain without DMARC both DKIM and SPF PASS), the From header
 * names that same address plainly and once, and the message answers this reply key's statement.
 * Anything else is recorded and shown to Party B's contact, and changes nothing.
 */
import {
  envelopeAddress,
  type HeaderSection,
  headerValues,
  messageIdKey,
  messageIdsIn,
  plainAddress,
  singleMailbox,
} from "./headers";

export interface SesVerdicts {
  spf: string;
  dkim: string;
  dmarc: string;
  spam: string;
  virus: string;
}

export type TrustRejectionCode =
  | "unknown-reply-key"
  | "closed-reply-key"
  | "sender-not-contact"
  | "return-path-not-contact"
  | "verdict-failed"
  | "not-authenticated"
  | "header-unreadable"
  | "repeated-header"
  | "from-not-sender"
  | "references-other-statement"
  | "dated-before-statement"
  | "duplicate";

export type TrustAssessment =
  | { trusted: true; late: boolean }
  | { trusted: false; reasonCode: TrustRejectionCode; reason: string };

/** What SES says about a message before anyone reads it: its envelope and its verdicts. */
export interface EnvelopeInput {
  /** `mail.source`: the SMTP MAIL FROM that SES received the message with. */
  envelopeSender: string;
  designatedContactEmail: string;
  verdicts: SesVerdicts;
  replyKeyKnown: boolean;
}

/**
 * What was sent for the reply key, to tie the reply to it (RFC 5322 §3.6.4 identification fields). The id
 * lists need only name the emails the reply references ({@link referencedMessageIdKeys}; ADR 0085).
 */
export interface StatementFacts {
  /** When the statement was sent; a reply dated before it cannot answer it. Null: not known. */
  sentAt: Date | null;
  /** Message ids (SES's, bare or `<id@host>`) of emails sent for this reply key's period. */
  messageIds: string[];
  /** Message ids of this contract's emails for other periods. */
  otherMessageIds: string[];
}

/** The emails a reply answers or quotes (In-Reply-To, References), by their SES part, each once. */
export function referencedMessageIdKeys(headers: HeaderSection): string[] {
  const ids = [...headerValues(headers, "in-reply-to"), ...headerValues(headers, "references")]
    .flatMap(messageIdsIn)
    .map(messageIdKey);
  return [...new Set(ids)].filter((id) => id !== "");
}

export interface TrustInput extends EnvelopeInput {
  headers: HeaderSection;
  replyKeyOpen: boolean;
  /** This Message-ID or S3 object key was processed before. */
  alreadyProcessed: boolean;
  receivedAt: Date;
  /** The reconciliation deadline (R-RECON-1, 5 working days); null when the step has none. */
  deadline: Date | null;
  statement: StatementFacts;
}

type Rejection = Extract<TrustAssessment, { trusted: false }>;

function reject(reasonCode: TrustRejectionCode, reason: string): Rejection {
  return { trusted: false, reasonCode, reason };
}

const status = (value: string) => value.trim().toUpperCase();

/**
 * SES verdicts: spam and virus must PASS, none of SPF/DKIM/DMARC may FAIL, and the mail must be
 * authenticated: DMARC PASS, or — GRAY, the domain publishes no DMARC record — DKIM PASS and SPF PASS.
 * PROCESSING_FAILED, DISABLED or anything unknown is doubt, and doubt is not trust.
 */
function verdictRejection(verdicts: SesVerdicts): Rejection | null {
  const failed = (["spf", "dkim", "dmarc"] as const).filter((name) => status(verdicts[name]) === "FAIL");
  const notPassed = (["spam", "virus"] as const).filter((name) => status(verdicts[name]) !== "PASS");
  if (failed.length > 0 || notPassed.length > 0) {
    return reject(
      "verdict-failed",
      `邮件安全检查未通过：${[...failed, ...notPassed].join("、").toUpperCase()}`,
    );
  }
  const dmarc = status(verdicts.dmarc);
  const authenticated =
    dmarc === "PASS" ||
    (dmarc === "GRAY" && status(verdicts.dkim) === "PASS" && status(verdicts.spf) === "PASS");
  if (authenticated) return null;
  const shown = (["spf", "dkim", "dmarc"] as const).map(
    (name) => `${name.toUpperCase()} ${status(verdicts[name])}`,
  );
  return reject("not-authenticated", `邮件未通过发件域身份验证（${shown.join("，")}）`);
}

/** The contact's address, or null when the contract names none a mail server could authenticate. */
function contactAddress(input: EnvelopeInput): string | null {
  return plainAddress(input.designatedContactEmail);
}

/**
 * The checks that need neither the message nor its headers: the handler runs them before it reads a
 * byte of the message (parse last). A forged envelope or a failed verdict is refused here.
 */
export function assessEnvelope(input: EnvelopeInput): Rejection | null {
  if (!input.replyKeyKnown) return reject("unknown-reply-key", "收件地址中的回复编号不存在");
  const contact = contactAddress(input);
  if (contact === null || envelopeAddress(input.envelopeSender) !== contact) {
    return reject("sender-not-contact", "发件人（SES 收到的信封发件人）不是合同指定的联系人");
  }
  return verdictRejection(input.verdicts);
}

/** Headers that occur at most once (RFC 5322 §3.6); a second one is how a parser is talked around. */
const SINGLE_HEADERS = [
  "from",
  "sender",
  "return-path",
  "reply-to",
  "date",
  "message-id",
  "in-reply-to",
  "references",
  "subject",
] as const;

/** From, Sender and Return-Path must all name the authenticated sender, plainly and once. */
function headerRejection(headers: HeaderSection, sender: string): Rejection | null {
  if (!headers.complete) return reject("header-unreadable", "邮件头无法完整读取（格式错误或过长）");
  const repeated = SINGLE_HEADERS.filter((name) => headerValues(headers, name).length > 1);
  if (repeated.length > 0) {
    return reject("repeated-header", `邮件头重复出现：${repeated.join("、")}`);
  }
  const [from] = headerValues(headers, "from");
  if (from === undefined || singleMailbox(from) !== sender) {
    return reject("from-not-sender", "发件人（From）不是唯一、规范的联系人地址，或与信封发件人不一致");
  }
  const [senderHeader] = headerValues(headers, "sender");
  if (senderHeader !== undefined && singleMailbox(senderHeader) !== sender) {
    return reject("from-not-sender", "代发人（Sender）与信封发件人不一致");
  }
  const [returnPath] = headerValues(headers, "return-path");
  if (returnPath !== undefined && envelopeAddress(/^<([^<>]*)>$/.exec(returnPath)?.[1] ?? "") !== sender) {
    return reject("return-path-not-contact", "退信地址（Return-Path）不是合同指定的联系人");
  }
  return null;
}

/** The reply must answer this key's statement: no reference to another period, no date before sending. */
function statementRejection(headers: HeaderSection, statement: StatementFacts): Rejection | null {
  const references = referencedMessageIdKeys(headers);
  const ours = new Set(statement.messageIds.map(messageIdKey));
  const others = statement.otherMessageIds.map(messageIdKey).filter((id) => id !== "" && !ours.has(id));
  if (references.some((id) => others.includes(id))) {
    return reject("references-other-statement", "回复引用的是另一期的账单邮件，与收件地址的对账编号不符");
  }
  const [date] = headerValues(headers, "date");
  const dated = date === undefined ? Number.NaN : Date.parse(date);
  if (Number.isNaN(dated)) return reject("dated-before-statement", "邮件没有可读的发送日期（Date）");
  if (statement.sentAt !== null && dated < statement.sentAt.getTime()) {
    return reject("dated-before-statement", "邮件的发送日期早于本期账单的发送时间");
  }
  return null;
}

/**
 * The order matters: a redelivered message is a duplicate before anything else (its key is closed by its
 * own first delivery), and a forged message to a closed key is reported as forged, not as "already
 * recorded", so the forger is never acknowledged.
 */
export function assessTrust(input: TrustInput): TrustAssessment {
  if (input.alreadyProcessed) return reject("duplicate", "同一封邮件已处理过（重复投递）");
  const envelope = assessEnvelope(input);
  if (envelope) return envelope;
  const sender = contactAddress(input) as string;
  const headers = headerRejection(input.headers, sender);
  if (headers) return headers;
  const statement = statementRejection(input.headers, input.statement);
  if (statement) return statement;
  if (!input.replyKeyOpen) return reject("closed-reply-key", "该回复编号对应的对账步骤已结束");
  return {
    trusted: true,
    late: input.deadline !== null && input.receivedAt.getTime() > input.deadline.getTime(),
  };
}

/**
 * A reply key carries at least 128 bits: 26+ base32 characters or 22+ base64url characters. A key
 * written only in base32's alphabet (one case) is read as base32, so 25 such characters are too few.
 */
function isReplyKey(key: string): boolean {
  if (/^(?:[a-z2-7]+|[A-Z2-7]+)$/.test(key)) return key.length >= 26 && key.length <= 103;
  return /^[A-Za-z0-9_-]{22,86}$/.test(key);
}

/**
 * The reply key from the recipients (`reply+<key>@<replyDomain>`), or null when none or several
 * different keys are addressed: with two keys we cannot know which cycle is meant.
 */
export function replyKeyFromRecipients(recipients: string[], replyDomain?: string): string | null {
  const keys = new Set<string>();
  for (const recipient of recipients) {
    const address = (/<([^>]*)>/.exec(recipient)?.[1] ?? recipient).trim();
    const at = address.lastIndexOf("@");
    if (at < 0) continue;
    const local = address.slice(0, at);
    const domain = address.slice(at + 1).toLowerCase();
    if (replyDomain !== undefined && domain !== replyDomain.toLowerCase()) continue;
    const match = /^reply\+(.+)$/i.exec(local);
    if (match?.[1] && isReplyKey(match[1])) keys.add(match[1]);
  }
  return keys.size === 1 ? ([...keys][0] ?? null) : null;
}
