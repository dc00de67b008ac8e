/**
 * The reply parser on postal-mime and Node's TextDecoder (ADR 0081): every charset of the reply corpus and
 * the other CJK ones decode as written, a label nothing decodes as written is refused, and what the swap
 * would otherwise read differently goes to a person (R-RECON-1). Byte sequences are the charsets' own
 * code tables, written out by hand.
 */
import { describe, expect, it } from "vitest";
import { charsetDecoder } from "../../functions/core/reply/charsets";
import { decideReply } from "../../functions/core/reply/decide";
import { parseReplyMessage } from "../../functions/core/reply/parse-message";

const BILL = "4218.36";

const HEADERS = [
  "Return-Path: <mali@partya.example>",
  "From: mali@partya.example",
  "To: reply+abcdefghijklmnopqrstuvwxyz@replies.partyb.example",
  "Subject: Re",
  "Message-ID: <charsets-test@partya.example>",
  "MIME-Version: 1.0",
];

function message(contentType: string, body: Buffer, headers = HEADERS): Buffer {
  const head = Buffer.from(`${[...headers, `Content-Type: ${contentType}`].join("\r\n")}\r\n\r\n`, "latin1");
  return Buffer.concat([head, body]);
}

describe("charsets a reply is read in", () => {
  it.each([
    // 确认 (GB 2312 row 40: 确 C8B7, 认 C8CF), the same bytes in GBK and GB 18030, which extend it.
    ["gb2312", [0xc8, 0xb7, 0xc8, 0xcf], "确认"],
    ["gbk", [0xc8, 0xb7, 0xc8, 0xcf], "确认"],
    ["gb18030", [0xc8, 0xb7, 0xc8, 0xcf], "确认"],
    ["x-gbk", [0xc8, 0xb7, 0xc8, 0xcf], "确认"],
    ["cp936", [0xc8, 0xb7, 0xc8, 0xcf], "确认"],
    // 確認 in Big5 (確 BD54, 認 BB7B).
    ["big5", [0xbd, 0x54, 0xbb, 0x7b], "確認"],
    // 確認 in Shift_JIS (確 8A6D, 認 9446), EUC-JP (B3CE, C7A7) and ISO-2022-JP (ESC $ B, 334E 4727, ESC ( B).
    ["shift_jis", [0x8a, 0x6d, 0x94, 0x46], "確認"],
    ["windows-31j", [0x8a, 0x6d, 0x94, 0x46], "確認"],
    ["euc-jp", [0xb3, 0xce, 0xc7, 0xa7], "確認"],
    ["iso-2022-jp", [0x1b, 0x24, 0x42, 0x33, 0x4e, 0x47, 0x27, 0x1b, 0x28, 0x42], "確認"],
    // 확인 in EUC-KR (확 C8AE, 인 C0CE), also labelled ks_c_5601-1987 by Outlook.
    ["euc-kr", [0xc8, 0xae, 0xc0, 0xce], "확인"],
    ["ks_c_5601-1987", [0xc8, 0xae, 0xc0, 0xce], "확인"],
    ["utf-8", [0xe7, 0xa1, 0xae, 0xe8, 0xae, 0xa4], "确认"],
  ])("decodes %s as written", (charset, bytes, text) => {
    expect(charsetDecoder(charset)?.decode(Uint8Array.from(bytes))).toBe(text);
  });

  it.each(["x-klingon", "x-gbk-private", "utf-7", "UNICODE-1-1-UTF-7", "base64", "hex"])(
    "refuses %s, which nothing decodes as written",
    (charset) => {
      expect(charsetDecoder(charset)).toBeNull();
    },
  );

  it("R-RECON-1: decodes an encoded word of a subject in GB 2312", async () => {
    // =?gb2312?B?yLfIzw==?= is 确认's GB 2312 bytes C8B7 C8CF in base64.
    const headers = HEADERS.map((line) =>
      line.startsWith("Subject:") ? "Subject: =?gb2312?B?yLfIzw==?=" : line,
    );
    const parsed = await parseReplyMessage(
      message("text/plain; charset=utf-8", Buffer.from("确认"), headers),
    );
    expect(parsed.subject).toBe("确认");
  });
});

describe("what postal-mime would read differently from the client goes to a person", () => {
  it("R-RECON-1: a Big5-HKSCS character in the new text (叁, FAE2) is not read as a private-use character", async () => {
    // 肆仟贰佰壹拾捌元叁角陆分 written in Big5 with HKSCS's 叁: Node's big5 decoder gives U+E080 for it.
    const body = Buffer.from([0xbd, 0x54, 0xbb, 0x7b, 0xfa, 0xe2, 0xa8, 0xa4]);
    const { parsed, decision } = await decideReply(message('text/plain; charset="big5"', body), BILL);
    expect(parsed.problems).toContain("unreadable charset: private-use characters in the text");
    expect(decision).toMatchObject({ decision: "needs-person", reasonCode: "unreadable", amount: null });
  });

  it("R-RECON-1: plain text beside a lone HTML part (not alternatives of each other) goes to a person", async () => {
    const body = [
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "确认无误。",
      "--b",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<p>本期应为人民币4,000.00元</p>",
      "--b--",
      "",
    ].join("\r\n");
    const { parsed, decision } = await decideReply(
      message('multipart/mixed; boundary="b"', Buffer.from(body)),
      BILL,
    );
    expect(parsed.problems).toContain("plain text and HTML side by side outside one alternative");
    expect(parsed.newText).toBe("");
    expect(decision).toMatchObject({ decision: "needs-person", amount: null });
  });

  it("R-RECON-1: plain text and HTML as alternatives inside a mixed message are read as one body", async () => {
    const body = [
      "--m",
      'Content-Type: multipart/alternative; boundary="a"',
      "",
      "--a",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "确认无误。",
      "--a",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<p>确认无误。</p>",
      "--a--",
      "--m",
      'Content-Type: application/pdf; name="confirm.pdf"',
      'Content-Disposition: attachment; filename="confirm.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      "JVBERi0xLjQK",
      "--m--",
      "",
    ].join("\r\n");
    const { parsed, decision } = await decideReply(
      message('multipart/mixed; boundary="m"', Buffer.from(body)),
      BILL,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.newText).toBe("确认无误。");
    // "JVBERi0xLjQK" is the 9 bytes "%PDF-1.4\n".
    expect(parsed.attachments).toEqual([
      { filename: "confirm.pdf", contentType: "application/pdf", size: 9 },
    ]);
    expect(decision.decision).toBe("confirmed");
  });

  it("a message without a Date header has no date (not the time it was parsed)", async () => {
    const parsed = await parseReplyMessage(message("text/plain; charset=utf-8", Buffer.from("确认")));
    expect(parsed.date).toBeNull();
  });

  it("an encoded word inside the From address stays as written (RFC 2047 §5: never in an addr-spec)", async () => {
    const headers = HEADERS.map((line) =>
      line.startsWith("From:") ? "From: =?utf-8?q?mali?=@partya.example" : line,
    );
    const parsed = await parseReplyMessage(
      message("text/plain; charset=utf-8", Buffer.from("确认"), headers),
    );
    expect(parsed.from).toBe("=?utf-8?q?mali?=@partya.example");
  });
});
