/**
 * The one layout every outbound email uses. An email is described once as a list of blocks and rendered
 * twice: an HTML part (inline styles and nested tables only, because Outlook, Foxmail and QQ Mail ignore
 * <style> sheets and most CSS layout) and a plain-text part that reads well on its own.
 *
 * Escaping happens here and only here: renderers hand over plain strings, every one of which goes
 * through `escapeHtml` on its way into the HTML part. A renderer cannot emit raw HTML.
 */
import type { ContractView, RenderedEmail } from "./types";

/** A run of text, optionally emphasised (amounts, dates, the words to reply with). */
export type Inline = string | { strong: string };
/** A paragraph's content: one plain string, or runs. */
export type Rich = string | Inline[];

export interface TableColumn {
  title: string;
  align?: "left" | "right";
}

export interface TableRow {
  cells: string[];
  /** A total or summary row, set in bold. */
  strong?: boolean;
}

export type Block =
  | { kind: "paragraph"; content: Rich }
  | { kind: "heading"; text: string }
  /** Label–value pairs, e.g. a payment block. */
  | { kind: "facts"; rows: Array<{ label: string; value: Rich }> }
  /** A grid in HTML; in the text part, the renderer's own one-line-per-row wording (`textLines`). */
  | { kind: "table"; columns: TableColumn[]; rows: TableRow[]; textLines: string[] }
  | { kind: "list"; items: Rich[] }
  /** A boxed remark: `warning` for what must not be missed (deadlines, provisional dates). */
  | { kind: "note"; content: Rich; tone: "info" | "warning" }
  /** Someone else's words, kept verbatim (line breaks included). */
  | { kind: "quote"; text: string };

export interface EmailDocument {
  subject: string;
  /** The banner at the top of the HTML part. */
  title: string;
  /** Who the email addresses, by name; several names are joined with 、. */
  recipients: string[];
  /** Blocks in reading order; `null` leaves out a block that does not apply to this email. */
  blocks: Array<Block | null>;
  /** The contract the email is about, for the footer; null when it could not be identified. */
  contract: ContractView | null;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** A subject is a header: line breaks in an interpolated value must not leak into it. */
function cleanSubject(subject: string): string {
  return subject.replace(/\s+/g, " ").trim();
}

function richText(content: Rich): string {
  if (typeof content === "string") return content;
  return content.map((run) => (typeof run === "string" ? run : run.strong)).join("");
}

function richHtml(content: Rich): string {
  if (typeof content === "string") return escapeHtml(content);
  return content
    .map((run) => (typeof run === "string" ? escapeHtml(run) : `<strong>${escapeHtml(run.strong)}</strong>`))
    .join("");
}

const FONT = "font-family:'Microsoft YaHei','PingFang SC',SimSun,Arial,sans-serif;";
const BORDER = "#d0d7de";
const ACCENT = "#1f4e79";

function blockHtml(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return `<p style="margin:0 0 12px 0;${FONT}font-size:14px;line-height:22px;">${richHtml(block.content)}</p>`;
    case "heading":
      return `<p style="margin:20px 0 8px 0;${FONT}font-size:16px;line-height:24px;font-weight:bold;color:${ACCENT};">${escapeHtml(block.text)}</p>`;
    case "facts":
      return [
        `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 12px 0;">`,
        ...block.rows.map(
          (row) =>
            `<tr><td width="32%" valign="top" style="${FONT}font-size:14px;line-height:20px;padding:6px 8px;border:1px solid ${BORDER};background-color:#f6f8fa;color:#57606a;">${escapeHtml(row.label)}</td>` +
            `<td valign="top" style="${FONT}font-size:14px;line-height:20px;padding:6px 8px;border:1px solid ${BORDER};">${richHtml(row.value)}</td></tr>`,
        ),
        "</table>",
      ].join("\n");
    case "table": {
      const cellStyle = (column: TableColumn | undefined, header: boolean, strong: boolean) =>
        `${FONT}font-size:13px;line-height:19px;padding:6px 8px;border:1px solid ${BORDER};text-align:${column?.align ?? "left"};` +
        (header ? "background-color:#f6f8fa;font-weight:bold;" : strong ? "font-weight:bold;" : "");
      const head = block.columns
        .map((column) => `<th style="${cellStyle(column, true, false)}">${escapeHtml(column.title)}</th>`)
        .join("");
      const body = block.rows.map(
        (row) =>
          `<tr>${row.cells
            .map(
              (cell, index) =>
                `<td style="${cellStyle(block.columns[index], false, row.strong === true)}">${escapeHtml(cell)}</td>`,
            )
            .join("")}</tr>`,
      );
      return [
        `<table width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 12px 0;">`,
        `<tr>${head}</tr>`,
        ...body,
        "</table>",
      ].join("\n");
    }
    case "list":
      return [
        `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 12px 0;">`,
        ...block.items.map(
          (item) =>
            `<tr><td width="18" valign="top" style="${FONT}font-size:14px;line-height:22px;">•</td><td style="${FONT}font-size:14px;line-height:22px;">${richHtml(item)}</td></tr>`,
        ),
        "</table>",
      ].join("\n");
    case "note": {
      const colours =
        block.tone === "warning"
          ? "background-color:#fff8e1;border-left:4px solid #d97706;"
          : "background-color:#eef4fb;border-left:4px solid #1f4e79;";
      return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 12px 0;"><tr><td style="${colours}padding:8px 12px;${FONT}font-size:13px;line-height:20px;">${richHtml(block.content)}</td></tr></table>`;
    }
    case "quote":
      return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 12px 0;"><tr><td style="border-left:3px solid #8c959f;background-color:#f6f8fa;padding:8px 12px;${FONT}font-size:13px;line-height:20px;color:#24292f;">${escapeHtml(block.text).replace(/\r?\n/g, "<br>")}</td></tr></table>`;
  }
}

function blockText(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return richText(block.content);
    case "heading":
      return `【${block.text}】`;
    case "facts":
      return block.rows.map((row) => `${row.label}：${richText(row.value)}`).join("\n");
    case "table":
      return block.textLines.map((line) => `  ${line}`).join("\n");
    case "list":
      return block.items.map((item) => `  · ${richText(item)}`).join("\n");
    case "note":
      return `※ ${richText(block.content)}`;
    case "quote":
      return block.text
        .split(/\r?\n/)
        .map((line) => `> ${line}`)
        .join("\n");
  }
}

function footerLines(contract: ContractView | null): string[] {
  const sender = contract ? contract.partyBName : "合同履约系统";
  const lines = [`${sender}（本邮件由合同履约系统自动发送）`];
  if (contract) lines.push(`合同编号：${contract.contractId}`, `合同名称：${contract.title}`);
  return lines;
}

export function renderEmail(document: EmailDocument): RenderedEmail {
  const subject = cleanSubject(document.subject);
  const blocks = document.blocks.filter((block): block is Block => block !== null);
  const greeting = document.recipients.length > 0 ? `${document.recipients.join("、")}，您好：` : "您好：";
  const footer = footerLines(document.contract);

  const text = [greeting, ...blocks.map(blockText), `——\n${footer.join("\n")}`].join("\n\n").concat("\n");

  const html = [
    "<!DOCTYPE html>",
    `<html lang="zh-CN">`,
    `<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="margin:0;padding:0;background-color:#f3f4f6;">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">`,
    `<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:640px;max-width:640px;background-color:#ffffff;border:1px solid ${BORDER};">`,
    `<tr><td style="padding:16px 24px;background-color:${ACCENT};color:#ffffff;${FONT}font-size:18px;line-height:26px;font-weight:bold;">${escapeHtml(document.title)}</td></tr>`,
    `<tr><td style="padding:20px 24px;color:#1f2328;">`,
    `<p style="margin:0 0 12px 0;${FONT}font-size:14px;line-height:22px;">${escapeHtml(greeting)}</p>`,
    ...blocks.map(blockHtml),
    "</td></tr>",
    `<tr><td style="padding:14px 24px;border-top:1px solid #e5e7eb;${FONT}font-size:12px;line-height:18px;color:#6b7280;">${footer.map(escapeHtml).join("<br>")}</td></tr>`,
    "</table>",
    "</td></tr></table>",
    "</body>",
    "</html>",
  ].join("\n");

  return { subject, text, html };
}
