/**
 * The contract page's throttling section when there is no strip to draw (R-THROTTLE-1): no feed uploaded is
 * said in one line naming where the feed would be; a feed that does not read says why. Rendered from the read
 * model by hand (the oracle is the words of console/i18n.ts's table, written out here).
 */
import { describe, expect, it } from "vitest";
import { throttleSection } from "../../console/pages/throttle";

const port = { port: "10650823580002", management: "whitelist" as const };

describe("the throttling section without a strip (R-THROTTLE-1, rejection)", () => {
  it("no feed uploaded: one line saying so, naming the object and the command, no strip", () => {
    const html = throttleSection("zh", "C1", { ...port, feed: "none" });
    const lines = html.match(/<p[ >]/g) ?? [];
    expect(lines).toHaveLength(1);
    expect(html).toContain("未上传用户投诉记录");
    expect(html).toContain("<code>usage/C1/complaints.csv</code>");
    expect(html).not.toContain("throttle-strip");
    expect(throttleSection("en", "C1", { ...port, feed: "none" })).toContain(
      "No complaints feed was uploaded",
    );
  });

  it("a feed that does not read: the reason, no strip", () => {
    const html = throttleSection("en", "C1", {
      ...port,
      feed: "unreadable",
      reason: 'complaints: the first line must be exactly "received_at,port"',
    });
    expect(html).toContain("The complaints feed does not read");
    expect(html).toContain("the first line must be exactly &#34;received_at,port&#34;");
    expect(html).not.toContain("throttle-strip");
  });
});

describe("the throttling section with a feed (R-THROTTLE-1, acceptance)", () => {
  it("the port, its management, the legend and one strip per period with each day's text", () => {
    const html = throttleSection("zh", "C1", {
      ...port,
      feed: "read",
      complaints: 2,
      strips: [
        {
          period: "2025-09",
          days: [
            { date: "2025-09-10", state: "full", complaints: 2 },
            { date: "2025-09-11", state: "50%", complaints: 0 },
            { date: "2025-09-12", state: null, complaints: 0 },
          ],
          transitions: [{ date: "2025-09-11", from: "full", to: "50%", clause: "附件三 2(1)" }],
        },
      ],
    });
    expect(html).toContain("<code>10650823580002</code>（白名单管理）");
    expect(html).toContain('title="2025-09-10：正常速率；当日投诉 2 起"');
    expect(html).toContain('title="2025-09-11：限速 50%"');
    expect(html).toContain('title="2025-09-12：尚未到来"');
    expect(html).toContain("2025-09-11 起：正常速率 → 限速 50%（合同附件三 2(1)）");
    expect(html).toContain("正常速率 1 天 · 限速 50% 1 天");
  });
});
