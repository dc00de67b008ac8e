/** `/emails/<contract>/<key>`: one email as its recipient saw it — the HTML part and the text part. */
import type { ReceivedEmail } from "../../functions/adapters/received-mail";
import type { OutboxRecord } from "../../functions/adapters/repository";
import { beijingTime, escapeHtml, href, table } from "../html";
import { type Lang, t } from "../i18n";

/** The HTML part in a sandboxed frame: no script runs, no form submits, as in a careful mail client. */
const frame = (html: string) =>
  `<iframe class="email-html" sandbox="" srcdoc="${escapeHtml(html)}" style="width:100%;height:640px;border:1px solid #d4d9e0;background:#fff"></iframe>`;

export function sentEmailPage(lang: Lang, contractId: string, email: OutboxRecord): string {
  const m = email.message;
  const facts = table(
    ["", ""],
    [
      [
        t(lang, "contract"),
        `<a href="${href(`/contracts/${encodeURIComponent(contractId)}`, lang)}">${escapeHtml(contractId)}</a>`,
      ],
      [t(lang, "subject"), escapeHtml(m?.subject ?? "-")],
      [t(lang, "to"), escapeHtml(m?.to.join(", ") ?? "-")],
      [t(lang, "at"), beijingTime(email.sentAt ?? email.claimedAt)],
      [
        t(lang, "status"),
        email.state === "sent"
          ? t(lang, "sent")
          : `${t(lang, "pending")} ${escapeHtml(email.lastError ?? "")}`,
      ],
    ],
    "facts",
  );
  return `<h1>${t(lang, "emailTitle")} ${escapeHtml(email.emailKey)}</h1>${facts}
${m ? `<h2>${t(lang, "htmlPart")}</h2>${frame(m.html)}<h2>${t(lang, "textPart")}</h2><pre class="email-text">${escapeHtml(m.text)}</pre>` : ""}`;
}

export function receivedEmailPage(lang: Lang, contractId: string, email: ReceivedEmail): string {
  const facts = table(
    ["", ""],
    [
      [
        t(lang, "contract"),
        `<a href="${href(`/contracts/${encodeURIComponent(contractId)}`, lang)}">${escapeHtml(contractId)}</a>`,
      ],
      [t(lang, "from"), escapeHtml(email.from)],
      [t(lang, "to"), escapeHtml(email.to)],
      [t(lang, "subject"), escapeHtml(email.subject)],
      [t(lang, "at"), beijingTime(email.date)],
    ],
    "facts",
  );
  return `<h1>${t(lang, "emailTitle")} ${escapeHtml(email.sesMessageId)}</h1>${facts}
${email.html ? `<h2>${t(lang, "htmlPart")}</h2>${frame(email.html)}` : ""}<h2>${t(lang, "textPart")}</h2><pre class="email-text">${escapeHtml(email.text)}</pre>`;
}
