import { describe, expect, it } from "vitest";
import { InvalidMoneyError, parseYuanToFen } from "../../functions/core/money";
import { findFigures, parseChineseInteger } from "../../functions/core/reply/amounts";
import { understandReply } from "../../functions/core/reply/understand";

const BILL = "4218.36";

describe("R-RECON-1: money figures as Party A writes them", () => {
  it.each([
    ["4218.36", 421836n],
    ["4,218.36", 421836n],
    ["¥4,218.36", 421836n],
    ["￥4218.36", 421836n],
    ["4218.36元", 421836n],
    ["人民币4218.36元", 421836n],
    ["RMB 4,218.36", 421836n],
    ["4218元3角6分", 421836n],
    ["4218元整", 421800n],
    ["肆仟贰佰壹拾捌元叁角陆分", 421836n],
    ["玖万捌仟元整", 9800000n],
    ["人民币肆仟叁佰元整", 430000n],
    ["四千三百元", 430000n],
    ["壹拾元零伍分", 1005n],
    ["0.42万元", 420000n],
    ["4300.5元", 430050n],
  ])("reads %s", (text, fen) => {
    const figures = findFigures(text.replace("￥", "¥").toLowerCase());
    expect(figures.map((f) => f.fen)).toEqual([fen]);
  });

  it.each([
    "2026年9月3日 10:02",
    "电话 13234444644",
    "短信5000条",
    "5个工作日",
    "差额约5%",
    "合同编号11NA0700211920254001",
    "2026-09-03",
    "第12期",
  ])("finds no figure in %s", (text) => {
    expect(findFigures(text.toLowerCase())).toEqual([]);
  });

  it.each(["四二一八元", "4218,36元", "4218.365元", "4218.36元3角", "1.2.630元"])(
    "marks %s as a figure that cannot be read exactly",
    (text) => {
      expect(findFigures(text).some((f) => f.fen === null)).toBe(true);
    },
  );

  it("reads Chinese integers with units and refuses irregular ones", () => {
    expect(parseChineseInteger("玖万捌仟")).toBe(98000n);
    expect(parseChineseInteger("一百零五")).toBe(105n);
    expect(parseChineseInteger("十五")).toBe(15n);
    expect(parseChineseInteger("壹亿零贰万")).toBe(100020000n);
    expect(parseChineseInteger("四二")).toBeNull();
    expect(parseChineseInteger("百千")).toBeNull();
  });

  it("parses a bill total strictly", () => {
    expect(parseYuanToFen("4218.36", "non-negative")).toBe(421836n);
    expect(parseYuanToFen("0", "non-negative")).toBe(0n);
    for (const bad of ["4218.365", "1e3", "-5", "4,218.36", "", " 1", "01.00", "NaN"]) {
      expect(() => parseYuanToFen(bad, "non-negative")).toThrow(InvalidMoneyError);
    }
  });
});

describe("R-RECON-1/2: understanding a reply", () => {
  it.each([
    ["确认无误", "confirm-word"],
    ["核对无误，谢谢。", "confirm-word"],
    ["无异议", "confirm-word"],
    ["我方对本期账单没有异议。", "confirm-word"],
    ["同意", "confirm-word"],
    ["OK", "confirm-word"],
    ["Confirmed, thanks.", "confirm-word"],
    ["No objection.", "confirm-word"],
    ["No discrepancies found, OK.", "confirm-word"],
    ["不存在异议", "confirm-word"],
    ["经核对，贵公司8月账单金额无误，予以确认。", "confirm-word"],
    ["已收到账单，确认无误。", "confirm-word"],
    ["本期金额4,218.36元，核对无误。", "figure-equals-bill"],
    ["肆仟贰佰壹拾捌元叁角陆分，确认。", "figure-equals-bill"],
    ["4218.36", "figure-equals-bill"],
  ])("R-RECON-1: %s is confirmed at the bill's total", (text, reasonCode) => {
    const decision = understandReply(text, BILL);
    expect(decision).toMatchObject({ decision: "confirmed", amount: BILL, reasonCode });
    expect(decision.understood).toContain("我们理解您的回复为：确认本期账单金额人民币4,218.36元无误");
  });

  it.each([
    ["有异议，金额应为4300.00元。", "4300.00"],
    ["不同意，我方核对为¥4,100.50", "4100.50"],
    ["金额不一致，应为人民币肆仟壹佰元整", "4100.00"],
    ["金额应为4100元3角6分", "4100.36"],
    ["We disagree: the total should be 4,000.00.", "4000.00"],
    ["账单有误，应为 ４１００．００ 元", "4100.00"],
    ["无法确认，我方核算为4000元", "4000.00"],
  ])("R-RECON-2: %s is a dispute with Party A's figure", (text, amount) => {
    const decision = understandReply(text, BILL);
    expect(decision).toMatchObject({ decision: "disputed", amount, reasonCode: "dispute-with-figure" });
    expect(decision.understood).toMatch(/^我们理解您的回复为：对本期账单金额人民币4,218.36元有异议/);
  });

  it.each([
    ["确认无误。但金额应为4300元", "both-confirm-and-dispute"],
    ["同意，但有异议", "both-confirm-and-dispute"],
    ["有异议，应为4300元，不是4218.36元", "two-different-figures"],
    ["金额应为4300元或4310元", "two-different-figures"],
    ["有异议", "dispute-without-figure"],
    ["不同意", "dispute-without-figure"],
    ["不一致，请核实", "dispute-without-figure"],
    ["有异议，应为4218.36元", "figure-equals-bill"],
    ["4300.00元", "figure-without-dispute-word"],
    ["确认。话费多了300", "both-confirm-and-dispute"],
    ["确认，话费是300", "figure-without-dispute-word"],
    ["多收了18.36元", "dispute-without-figure"],
    ["短信费多算了，应扣减18.36元", "dispute-without-figure"],
    ["差额18.36元请下月调整", "dispute-without-figure"],
    ["not OK", "dispute-without-figure"],
    ["This is not correct.", "dispute-without-figure"],
    ["不能同意", "dispute-without-figure"],
    ["尚未确认", "dispute-without-figure"],
    ["收到，谢谢", "no-recognisable-answer"],
    ["请确认收到", "no-recognisable-answer"],
    ["", "no-recognisable-answer"],
    ["金额应为4218,36元", "unreadable"],
    ["确认\ufffd\ufffd", "unreadable"],
  ])("R-RECON-1: %s needs a person (%s)", (text, reasonCode) => {
    const decision = understandReply(text, BILL);
    expect(decision).toMatchObject({ decision: "needs-person", amount: null, reasonCode });
    expect(decision.understood).toContain("我方工作人员将尽快与您联系");
  });

  it("R-RECON-1: negations — 无异议 confirms, 不同意 disputes, 同意 confirms", () => {
    expect(understandReply("无异议", BILL).decision).toBe("confirmed");
    expect(understandReply("不同意，应为4000元", BILL).decision).toBe("disputed");
    expect(understandReply("同意", BILL).decision).toBe("confirmed");
    expect(understandReply("不正确，应为4000元", BILL).decision).toBe("disputed");
    expect(understandReply("not confirmed, should be 4000.00", BILL).decision).toBe("disputed");
  });

  it("R-RECON-1: an invalid bill total is a programming error", () => {
    expect(() => understandReply("确认", "4218.361")).toThrow(InvalidMoneyError);
  });
});

describe("R-RECON-1: a quote that slipped through is never read as an answer", () => {
  it("the bill's own text (lines, total, the request to confirm or object) goes to a person", () => {
    const bill = [
      "网络带宽服务费（200M）  4,000.00元",
      "语音通话费（主叫） 2,132分钟 × 0.06元  127.92元",
      "短信 2,261条 × 0.04元  90.44元",
      "本期合计：人民币4,218.36元（肆仟贰佰壹拾捌元叁角陆分）",
      "请于收到本账单后5个工作日内直接回复本邮件：核对无误请回复“确认”；如有异议，请写明贵方核对的金额。",
    ].join("\n");
    expect(understandReply(`确认\n${bill}`, BILL).decision).toBe("needs-person");
    expect(understandReply(bill, BILL).decision).toBe("needs-person");
  });
});

describe("R-RECON-1: a bill whose total is negative (a credit carried) can be confirmed", () => {
  it("确认 against −4,000.00 confirms −4000.00, as against any other total", () => {
    const decision = understandReply("确认，本期账单核对无误。", "-4000.00");
    expect(decision.decision).toBe("confirmed");
    expect(decision.amount).toBe("-4000.00");
  });
});
