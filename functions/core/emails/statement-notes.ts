/**
 * The two notes a bill email may carry beyond the bill itself: the period's service levels (PROVISION.lineOpening, PROVISION.faultRepair;
 * 3.18 "平均修复时限为6小时") when tickets were handled, and what the month's compliance check found (PROVISION.callLimits,
 * PROVISION.smsContent, PROVISION.complaintThrottling) — nothing when the month is clean. Clauses in words, numbers masked by the caller.
 */
import { cite, PROVISION } from "../clause-words";
import type { Block } from "./layout";

export interface ServiceLevelNoteView {
  /** Tickets opened in the period, and those of the period closed by its end. */
  opened: number;
  closed: number;
  smsGateway: { faults: number; averageRepairMinutes: number | null; limitMinutes: number; met: boolean };
  /** Tickets past their clause's deadline, by kind in words, with the party the clause binds. */
  late: Array<{ kind: string; party: "A" | "B"; clause: string; count: number }>;
}

export interface ComplianceNoteView {
  callViolationCount: number;
  /** The first findings, numbers already masked. */
  callViolations: Array<{
    date: string;
    rule: "per-calling-number" | "per-callee";
    number: string;
    calls: number;
  }>;
  callLimits: { perCallingNumber: number; perCallee: number };
  marketingViolationCount: number;
  /** Days the SMS port was throttled, per rate (Annex 3). */
  reducedDays: Array<{ state: string; days: number }>;
}

const hoursAndMinutes = (minutes: number) =>
  minutes % 60 === 0 ? `${minutes / 60} 小时` : `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分钟`;

const PARTY_WORDS = { A: "甲方", B: "乙方" } as const;

/** Calls listed by number in the note; the count covers them all. */
const CALLS_SHOWN = 3;

export function serviceLevelBlocks(view: ServiceLevelNoteView | undefined): Block[] {
  if (!view) return [];
  const gateway = view.smsGateway;
  const items: string[] = [`本期受理工单 ${view.opened} 件，本期内处理完毕 ${view.closed} 件。`];
  items.push(
    gateway.faults === 0 || gateway.averageRepairMinutes === null
      ? `本期无短信网关故障（约定平均修复时限 ${hoursAndMinutes(gateway.limitMinutes)}${cite(PROVISION.faultRepair)}）。`
      : `短信网关故障 ${gateway.faults} 次，平均修复时长 ${hoursAndMinutes(gateway.averageRepairMinutes)}，约定不超过 ${hoursAndMinutes(gateway.limitMinutes)}：${gateway.met ? "达标" : "未达标"}${cite(PROVISION.faultRepair)}。`,
  );
  items.push(
    view.late.length === 0
      ? "本期工单均在约定时限内处理。"
      : `超过约定时限的工单：${view.late.map((l) => `${l.kind} ${l.count} 件（${PARTY_WORDS[l.party]}，${l.clause}）`).join("；")}。`,
  );
  return [
    { kind: "heading", text: "本期服务质量" },
    { kind: "list", items },
  ];
}

export function complianceBlocks(view: ComplianceNoteView | undefined): Block[] {
  if (!view) return [];
  const items: string[] = [];
  if (view.callViolationCount > 0) {
    const shown = view.callViolations
      .slice(0, CALLS_SHOWN)
      .map((v) =>
        v.rule === "per-calling-number"
          ? `${v.date} 主叫号码 ${v.number} 外呼 ${v.calls} 次`
          : `${v.date} 呼叫被叫号码 ${v.number} ${v.calls} 次`,
      );
    items.push(
      `外呼频次超出限制 ${view.callViolationCount} 项（每个主叫号码每日不超过 ${view.callLimits.perCallingNumber} 次，对同一被叫号码每日合计不超过 ${view.callLimits.perCallee} 次${cite(PROVISION.callLimits)}）：${shown.join("；")}${view.callViolationCount > shown.length ? " 等" : ""}。`,
    );
  }
  if (view.marketingViolationCount > 0) {
    items.push(
      `营销类短信不符合要求 ${view.marketingViolationCount} 条（须以“拒收请回复R”结尾、其后不得附加广告，同一端口只发送一类短信${cite(PROVISION.smsContent)}）。`,
    );
  }
  if (view.reducedDays.length > 0) {
    const total = view.reducedDays.reduce((sum, r) => sum + r.days, 0);
    items.push(
      `因用户投诉，短信端口本期有 ${total} 天未按正常速率发送（${view.reducedDays.map((r) => `${r.state === "suspended" ? "暂停" : r.state}：${r.days} 天`).join("；")}${cite(PROVISION.complaintThrottling)}）。`,
    );
  }
  if (items.length === 0) return [];
  return [
    { kind: "heading", text: "本期合规提示" },
    { kind: "list", items },
    {
      kind: "paragraph",
      content:
        "以上为乙方根据本期使用记录核查的结果，仅作提示，不影响本期账单金额；如有疑问请联系乙方客户经理。",
    },
  ];
}
