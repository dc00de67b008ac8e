/** R-SMS-3 (2.23: "须在末尾增加退订内容“拒收请回复R”"; 2.24: 禁止贴尾广告, one port one category). */
import { describe, expect, it } from "vitest";
import { marketingContentProblem, PortCategories } from "../../functions/core/sms-governance/marketing";

describe("marketing SMS (R-SMS-3)", () => {
  it.each([
    ["医保宣传月。拒收请回复R", undefined],
    ["医保宣传月。拒收请回复R \n", undefined],
    ["医保宣传月。", 'marketing message without "拒收请回复R" at the end (2.23)'],
    ["医保宣传月。拒收请回复r", 'marketing message without "拒收请回复R" at the end (2.23)'],
    ["医保宣传月。拒收请回复R。", 'text after "拒收请回复R" (a trailing advertisement, 2.24)'],
    ["拒收请回复R 领券点击 example.cn", 'text after "拒收请回复R" (a trailing advertisement, 2.24)'],
  ])("R-SMS-3: %j → %s", (content, problem) => {
    expect(marketingContentProblem(content)).toBe(problem);
  });

  it("R-SMS-3: a port's second category is reported once, at its first message", () => {
    const ports = new PortCategories();
    expect(ports.message("1065", "service")).toBeUndefined();
    expect(ports.message("1065", "service")).toBeUndefined();
    expect(ports.message("10651", "marketing")).toBeUndefined();
    expect(ports.message("1065", "marketing")).toBe(
      "port 1065 sends marketing messages besides service (2.24: one port, one category)",
    );
    expect(ports.message("1065", "marketing")).toBeUndefined();
    expect(ports.message("1065", "management")).toBe(
      "port 1065 sends management messages besides service, marketing (2.24: one port, one category)",
    );
  });
});
