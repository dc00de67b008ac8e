import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  maskAccount,
  maskEmail,
  maskForLog,
  maskPersonalDataInText,
  maskPhone,
  maskSmsContent,
  maskToken,
} from "../../functions/core/mask";

describe("maskAccount", () => {
  it("keeps only the last 4 digits of Party B's account (contract §7 facts)", () => {
    expect(maskAccount("431901341210999")).toBe("***********0999");
  });

  it("keeps only the last 4 digits of Party A's account", () => {
    expect(maskAccount("4200221229000110919")).toBe("***************0919");
  });

  it("ignores the spaces and hyphens people group digits with", () => {
    expect(maskAccount("6222 0202-0000 1234")).toBe("************1234");
  });

  it("masks a value of 4 characters or fewer completely", () => {
    expect(maskAccount("1234")).toBe("****");
    expect(maskAccount("")).toBe("");
  });

  it("never reveals more than the last 4 digits of any account", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{5,30}$/), (account) => {
        const masked = maskAccount(account);
        expect(masked).toHaveLength(account.length);
        expect(masked.slice(-4)).toBe(account.slice(-4));
        expect(masked.slice(0, -4)).toMatch(/^\*+$/);
      }),
    );
  });
});

describe("maskPhone", () => {
  it("shows a mobile number the way carriers print it", () => {
    expect(maskPhone("13234444644")).toBe("132****4644");
    expect(maskPhone("18843081935")).toBe("188****1935");
  });

  it("masks a landline's middle digits and drops its separators", () => {
    expect(maskPhone("0431-88886666")).toBe("043*****6666");
  });

  it("masks short numbers completely", () => {
    expect(maskPhone("12393")).toBe("*****");
  });

  it("never returns an 8+ digit number unchanged", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8,20}$/), (phone) => {
        expect(maskPhone(phone)).not.toBe(phone);
        expect(maskPhone(phone)).toContain("*");
      }),
    );
  });
});

describe("maskEmail", () => {
  it("keeps the first character and the domain", () => {
    expect(maskEmail("wangyiqun@jl.chinamobile.com")).toBe("w***@jl.chinamobile.com");
  });

  it("fails closed on something that is not an address", () => {
    expect(maskEmail("not-an-address")).toBe("***");
    expect(maskEmail("@example.com")).toBe("***");
    expect(maskEmail("someone@")).toBe("***");
  });
});

describe("maskToken", () => {
  it("keeps the first 6 characters of a task token", () => {
    const token = "AQCEAAAAKgAAAAMAAAAAAAAAAVv3nBl6ZdVKZ1r8yYJc9qg";
    expect(maskToken(token)).toBe("AQCEAA…");
  });

  it("reveals nothing of a token short enough to be half guessed from 6 characters", () => {
    expect(maskToken("abcdefghijkl")).toBe("…");
  });
});

describe("maskSmsContent", () => {
  it("keeps only the length, counted in code points as R-SMS-1 counts", () => {
    expect(maskSmsContent("您的验证码是123456😀")).toBe("[短信内容 13 字]");
  });
});

describe("maskForLog (what the Logger writes)", () => {
  it("masks a value by the kind its key names", () => {
    expect(maskForLog("callingNumber", "13234444644")).toBe("132****4644");
    expect(maskForLog("email", "wang.li@jl.chinamobile.com")).toBe("w***@jl.chinamobile.com");
    expect(maskForLog("accountNumber", "431901341210999")).toBe("***********0999");
    expect(maskForLog("taskToken", "AQCEAAAAKgAAAAMAAAAAAAAAAc")).toBe("AQCEAA…");
    expect(maskForLog("content", "您的验证码是1234")).toBe("[短信内容 10 字]");
    expect(maskForLog("phone", 13234444644)).toBe("[masked]");
  });

  it("leaves identifiers and keys that name no personal data alone", () => {
    expect(maskForLog("contractId", "11NA0700211920254001")).toBe("11NA0700211920254001");
    expect(maskForLog("emailKey", "statement#2025-09")).toBe("statement#2025-09");
    expect(maskForLog("period", "2025-09")).toBe("2025-09");
    expect(maskForLog("retried", false)).toBe(false);
  });

  it("masks phone numbers, email addresses and account numbers inside free text", () => {
    expect(
      maskPersonalDataInText(
        "SES refused wang.li@jl.chinamobile.com; call 13234444644; account 6222 0202 0000 1234",
      ),
    ).toBe("SES refused w***@jl.chinamobile.com; call 132****4644; account ************1234");
  });

  it("never lets a mobile number through, wherever it sits in a message", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), fc.string(), fc.string(), (phone, before, after) => {
        const text = `${before.replace(/[\w-]$/, "")} ${phone} ${after.replace(/^[\w-]/, "")}`;
        expect(maskPersonalDataInText(text)).not.toContain(phone);
      }),
    );
  });
});
