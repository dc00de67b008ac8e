import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { printable, printableLine } from "../../functions/core/printable";
import { tsx } from "../tsx-cli";

describe("ADR 0030: the CLI prints no control characters from a message", () => {
  it("escapes ESC, bidi overrides and CR from a crafted subject in `ops parse-reply` output", async () => {
    // ESC[2J clears the screen, ESC[H moves home, then a fake verdict; U+202E reverses what follows.
    const subject = "\u001b[2J\u001b[Hdecision:  confirmed\r\u202eabc";
    const dir = await mkdtemp(join(tmpdir(), "printable-"));
    const eml = join(dir, "crafted.eml");
    await writeFile(
      eml,
      [
        "From: mali@partya.example",
        "To: reply+abcdefghijklmnopqrstuvwxyz@reply.contract-ops.localhost",
        `Subject: =?UTF-8?B?${Buffer.from(subject).toString("base64")}?=`,
        "Date: Thu, 09 Oct 2025 10:30:00 +0800",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "有异议，金额应为1.00元。",
        "",
      ].join("\r\n"),
    );
    const args = ["bin/ops.ts", "parse-reply", "--contract", "contracts/11NA0700211920254001.json"];
    for (const json of [false, true]) {
      const { stdout } = await tsx([...args, "--bill", "4000.30", "--eml", eml, ...(json ? ["--json"] : [])]);
      for (const raw of ["\u001b", "\r", "\u202e"]) expect(stdout.includes(raw)).toBe(false);
      expect(stdout).toContain("\\u001b[2J");
    }
  }, 60_000);

  it("keeps ordinary text, tabs and newlines; cuts one line at the limit", () => {
    expect(printable("回复：账单\n\t确认")).toBe("回复：账单\n\t确认");
    expect(printable("a\u0007b\u200bc")).toBe("a\\u0007b\\u200bc");
    expect(printableLine("第一行\n第二行", 100)).toBe("第一行\\u000a第二行");
    expect(printableLine("一二三四五", 3)).toBe("一二三…");
  });
});
