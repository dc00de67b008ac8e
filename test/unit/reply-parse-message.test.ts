import { readFile } from "node:fs/promises";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decideReply } from "../../functions/core/reply/decide";
import { cutHtmlQuote, extractNewText, htmlToText } from "../../functions/core/reply/new-text";
import { parseReplyMessage } from "../../functions/core/reply/parse-message";

const BILL = "4218.36";
const fixtures = new URL("../fixtures/replies/", import.meta.url);

const HEADERS = [
  "Return-Path: <mali@partya.example>",
  "From: =?UTF-8?B?6bq75Li95Li9?= <Mali@PartyA.example>",
  "To: reply+abcdefghijklmnopqrstuvwxyz@replies.partyb.example",
  "Subject: =?UTF-8?B?5Zue5aSN77ya6LSm5Y2V?=",
  "Date: Thu, 3 Sep 2026 11:20:00 +0800",
  "Message-ID: <limits-test@partya.example>",
  "MIME-Version: 1.0",
];

/** A message with the contact's headers; a string body is written as UTF-8, a Buffer as is. */
function message(contentType: string, body: string | Buffer): Buffer {
  const head = Buffer.from(`${[...HEADERS, `Content-Type: ${contentType}`].join("\r\n")}\r\n\r\n`, "latin1");
  return Buffer.concat([head, typeof body === "string" ? Buffer.from(body, "utf8") : body]);
}

function textPart(text: string, charset = "utf-8"): string {
  return [
    `Content-Type: text/plain; charset="${charset}"`,
    "Content-Transfer-Encoding: base64",
    "",
    iconv.encode(text, charset).toString("base64"),
  ].join("\r\n");
}

describe("R-RECON-1: reading the message", () => {
  it("reads headers: bare lower-cased From, Return-Path, To, decoded subject, date", async () => {
    const parsed = await parseReplyMessage(message('text/plain; charset="utf-8"', "确认无误"));
    expect(parsed).toMatchObject({
      messageId: "<limits-test@partya.example>",
      from: "mali@partya.example",
      returnPath: "mali@partya.example",
      to: ["reply+abcdefghijklmnopqrstuvwxyz@replies.partyb.example"],
      subject: "回复：账单",
      problems: [],
    });
    expect(parsed.date?.toISOString()).toBe("2026-09-03T03:20:00.000Z");
  });

  it("gives a null From when the message names two senders, and '' for the null Return-Path", async () => {
    const raw = Buffer.from(
      message('text/plain; charset="utf-8"', "confirmed")
        .toString("latin1")
        .replace(
          "From: =?UTF-8?B?6bq75Li95Li9?= <Mali@PartyA.example>",
          "From: a@x.example, mali@partya.example",
        )
        .replace("Return-Path: <mali@partya.example>", "Return-Path: <>"),
      "latin1",
    );
    const parsed = await parseReplyMessage(raw);
    expect(parsed.from).toBeNull();
    expect(parsed.returnPath).toBe("");
  });

  it("R-RECON-1: lists a 10 MB attachment by size, its content not taken for the reply's text, and still decides on the text", async () => {
    const outer = "mixed-boundary-1";
    const attachment = Buffer.alloc(10 * 1024 * 1024, "金额应为4300.00元 ");
    const raw = message(
      `multipart/mixed; boundary="${outer}"`,
      [
        `--${outer}`,
        textPart("确认无误。"),
        `--${outer}`,
        'Content-Type: application/pdf; name="scan.pdf"',
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="scan.pdf"',
        "",
        (attachment.toString("base64").match(/.{1,76}/g) ?? []).join("\r\n"),
        `--${outer}--`,
        "",
      ].join("\r\n"),
    );
    const { parsed, decision } = await decideReply(raw, BILL);
    expect(parsed.attachments).toEqual([
      { filename: "scan.pdf", contentType: "application/pdf", size: 10 * 1024 * 1024 },
    ]);
    expect(parsed.problems).toEqual([]);
    expect(decision).toMatchObject({ decision: "confirmed", amount: BILL });
  });

  it("R-RECON-1: a zip-bomb-like nest of multiparts is refused, headers still read", async () => {
    const levels = 2000;
    let body = textPart("确认无误");
    for (let i = levels; i > 0; i--) {
      body = [`Content-Type: multipart/mixed; boundary="b${i}"`, "", `--b${i}`, body, `--b${i}--`, ""].join(
        "\r\n",
      );
    }
    const raw = message('multipart/mixed; boundary="b0"', `--b0\r\n${body}\r\n--b0--\r\n`);
    const { parsed, decision } = await decideReply(raw, BILL);
    expect(parsed.problems).toEqual(["too many nested parts (deeper than 6)"]);
    expect(parsed.from).toBe("mali@partya.example");
    expect(parsed.messageId).toBe("<limits-test@partya.example>");
    expect(parsed.newText).toBe("");
    expect(decision).toMatchObject({ decision: "needs-person", reasonCode: "unreadable", amount: null });
  });

  it("ADR 0030: nesting with split boundary parameters (RFC 2231 boundary*0=) is refused before parsing", async () => {
    let body = textPart("确认");
    for (let depth = 40; depth > 0; depth--) {
      body = `Content-Type: multipart/mixed; boundary*0="b${depth}"; boundary*1="x"\r\n\r\n--b${depth}x\r\n${body}\r\n--b${depth}x--\r\n`;
    }
    const raw = message(
      'multipart/mixed; boundary*0="b0"; boundary*1="x"',
      `--b0x\r\n${body}\r\n--b0x--\r\n`,
    );
    const { parsed, decision } = await decideReply(raw, BILL);
    expect(parsed.problems).toEqual(["too many nested parts (deeper than 6)"]);
    expect(decision.reasonCode).toBe("unreadable");
  });

  it("ADR 0030: a text part of megabytes of bare newlines is refused on its size, not parsed", async () => {
    const newlines = "\n".repeat(3 * 1024 * 1024);
    const { parsed, decision } = await decideReply(message('text/plain; charset="utf-8"', newlines), BILL);
    expect(parsed.problems).toEqual([`text part too large (${3 * 1024 * 1024} bytes, limit 1048576)`]);
    expect(parsed.from).toBe("mali@partya.example");
    expect(decision).toMatchObject({ decision: "needs-person", reasonCode: "unreadable" });
  });

  it("R-RECON-1: thousands of sibling parts are refused", async () => {
    const parts = Array.from({ length: 5000 }, () => `--many\r\n${textPart("确认")}`).join("\r\n");
    const { parsed, decision } = await decideReply(
      message('multipart/mixed; boundary="many"', `${parts}\r\n--many--\r\n`),
      BILL,
    );
    expect(parsed.problems).toEqual(["too many parts (more than 64)"]);
    expect(decision.reasonCode).toBe("unreadable");
  });

  it("R-RECON-1: 1 MB of text is cut at the limit and goes to a person", async () => {
    const text = `确认无误。\n${"这是一段很长的说明。".repeat(110_000)}`;
    // Under a raised part-size limit, so that the character limit is what is tested.
    const { parsed, decision } = await decideReply(message('text/plain; charset="utf-8"', text), BILL, {
      maxTextPartBytes: 4 * 1024 * 1024,
    });
    expect(parsed.problems).toEqual(["text too long (more than 200000 characters)"]);
    expect(parsed.fullText.length).toBe(200_000);
    expect(decision).toMatchObject({ decision: "needs-person", reasonCode: "unreadable" });
  });

  it("R-RECON-1: a message above maxBytes is read for its headers only", async () => {
    const raw = await readFile(new URL("outlook-gb2312-dispute.eml", fixtures));
    const { parsed, decision } = await decideReply(raw, BILL, { maxBytes: 1000 });
    expect(parsed.problems[0]).toMatch(/^message too large/);
    expect(parsed.from).toBe("mali@partya.example");
    expect(parsed.newText).toBe("");
    expect(decision.decision).toBe("needs-person");
  });

  it.each([
    ["an unknown charset", 'text/plain; charset="x-klingon"', "确认无误", /unreadable charset: x-klingon/],
    [
      "GBK bytes labelled UTF-8",
      'text/plain; charset="utf-8"',
      iconv.encode("确认无误", "gbk"),
      /undecodable/,
    ],
    ["UTF-7, which the parser refuses", 'text/plain; charset="utf-7"', "+ZYlOKw-", /unreadable charset/],
  ])("R-RECON-1: %s goes to a person", async (_name, contentType, body, problem) => {
    const { parsed, decision } = await decideReply(message(contentType, body), BILL);
    expect(parsed.problems.join("; ")).toMatch(problem);
    expect(decision).toMatchObject({ decision: "needs-person", reasonCode: "unreadable", amount: null });
  });

  it.each([
    ["an empty buffer", Buffer.alloc(0)],
    ["random bytes", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    ["headers only", Buffer.from(HEADERS.join("\r\n"))],
    ["a broken boundary", message('multipart/mixed; boundary="x"', "--y\r\nno end")],
  ])("R-RECON-1: %s does not throw and goes to a person", async (_name, raw) => {
    const { decision } = await decideReply(raw, BILL);
    expect(decision.decision).toBe("needs-person");
  });
});

describe("R-RECON-1: only the new text counts", () => {
  it.each([
    ["Outlook", "确认无误\n\n-----原始邮件-----\n发件人: 王逸群\n本期合计：4,218.36元"],
    [
      "QQ Mail",
      '确认无误\n\n------------------ 原始邮件 ------------------\n发件人: "王逸群"<w@x>;\n合计4,218.36元',
    ],
    ["Gmail", "确认无误\n\n在 2026年9月3日周四 10:02，王逸群 <w@x> 写道：\n\n> 合计4,218.36元"],
    ["Gmail, wrapped", "确认无误\n\n在 2026年9月3日周四 10:02，王逸群 <\nw@x> 写道：\n> 合计4,218.36元"],
    ["Gmail, new style", "确认无误\n\n王逸群 <w@x> 于2026年9月3日周四 10:02写道：\n> 合计4,218.36元"],
    ["Apple Mail", "确认无误\n\nOn 3 Sep 2026, at 10:02, 王逸群 <w@x> wrote:\n\n> 合计4,218.36元"],
    [
      "Outlook English",
      "确认无误\n\nFrom: 王逸群 <w@x>\nSent: Thursday, September 3, 2026 10:02 AM\n合计4,218.36元",
    ],
    ["NetEase / Foxmail", "确认无误\n\n发件人：王逸群\n发送时间：2026-09-03 10:02\n合计4,218.36元"],
    ["forwarded", "确认无误\n\n---------- Forwarded message ---------\nFrom: 财务处\n应为4,300.00元"],
    ["signature", "确认无误\n-- \n麻丽丽 4,300.00"],
    ["iPhone", "确认无误\n\n发自我的iPhone\n\n> 合计4,218.36元"],
    ["interleaved quote", "> 合计4,218.36元\n确认无误\n> 请回复"],
    ["contact details", "确认无误\n电话：0431-8888 6677\n地址：长春市 130000"],
  ])("cuts the quoted original as %s writes it", (_client, text) => {
    expect(extractNewText(text)).toBe("确认无误");
  });

  it("does not cut a line that merely mentions a time", () => {
    expect(extractNewText("确认无误\n10:02 已核对")).toBe("确认无误\n10:02 已核对");
  });

  it("cuts HTML at the quote container and turns the rest into text", () => {
    const html =
      '<html><head><style>p{}</style></head><body><div>有异议&nbsp;应为&yen;4,150.00</div><div class="gmail_quote"><blockquote>合计4,218.36元</blockquote></div></body></html>';
    expect(htmlToText(cutHtmlQuote(html)).trim()).toBe("有异议 应为¥4,150.00");
  });
});

describe("R-RECON-1: hostile bodies stay cheap", () => {
  it("turns a flood of unclosed tags and comments into text (linear, not quadratic)", () => {
    const flood = "<style<!--<div class=".repeat(50_000);
    expect(htmlToText(cutHtmlQuote(`确认${flood}`)).startsWith("确认")).toBe(true);
  });

  it("reads a long run of Chinese numerals without 元 as no figure, and with 元 as unreadable", async () => {
    const { decision } = await decideReply(
      message('text/plain; charset="utf-8"', `${"一".repeat(150_000)}元`),
      BILL,
    );
    expect(decision).toMatchObject({ decision: "needs-person", reasonCode: "unreadable" });
  });
});
