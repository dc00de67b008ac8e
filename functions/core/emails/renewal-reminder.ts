/**
 * To both contacts, ahead of a term's end: the term renews by itself (PROVISION.automaticRenewal) unless a party gives written
 * notice of non-renewal deemed delivered at least N days before expiry (PROVISION.nonRenewalNotice, PROVISION.termLastDay). Deemed delivery
 * depends on how the notice is sent (PROVISION.noticeDelivery), so the email lists the latest dispatch date per method and
 * destination (PROVISION.noticeDispatchDeadline), and the 9.4 addresses the notice must go to (PROVISION.writtenNotice). The email itself is a
 * reminder, not a notice.
 */
import { cite, clauseWords, contractClause, PROVISION } from "../clause-words";
import { formatDate } from "./format";
import { type Block, renderEmail } from "./layout";
import type { ContractView, NoticeAddressView, RenderedEmail } from "./types";

export type DeliveryMethod = "personal" | "fax" | "express" | "registered";
/** Where the notice goes, seen from the sender (9.3): same city, elsewhere in mainland China, HK/Macao/Taiwan, abroad. */
export type DeliveryRegion = "same-city" | "mainland" | "hk-macao-taiwan" | "abroad";

export interface DispatchDeadlineView {
  method: DeliveryMethod;
  /** Null for personal delivery and fax, which are deemed delivered the same day wherever they go. */
  region: DeliveryRegion | null;
  /** "Day N after dispatch" of PROVISION.noticeDelivery; 0 for personal delivery and fax. */
  deemedDeliveryDays: number;
  latestDispatchDate: string;
}

export interface RenewalReminderEmailInput {
  contract: ContractView;
  termFirstDay: string;
  termLastDay: string;
  /** PROVISION.nonRenewalNotice: days before expiry a notice must be delivered by. */
  noticeDays: number;
  /** PROVISION.termLastDay: the last day a non-renewal notice can be deemed delivered. */
  noticeDeliveredBy: string;
  nextTermFirstDay: string;
  nextTermLastDay: string;
  dispatchDeadlines: DispatchDeadlineView[];
  /** 9.4: where written notices to each party must be sent. */
  noticeAddresses: { partyA: NoticeAddressView; partyB: NoticeAddressView };
}

export const METHODS: Record<DeliveryMethod, string> = {
  personal: "专人递送",
  fax: "传真",
  express: "特快专递",
  registered: "挂号信",
};

export const REGIONS: Record<DeliveryRegion, string> = {
  "same-city": "本市",
  mainland: "国内其他地区",
  "hk-macao-taiwan": "港、澳、台地区",
  abroad: "境外",
};

function deemedDeliveryText(row: DispatchDeadlineView): string {
  switch (row.method) {
    case "personal":
      return "接收人签收之日";
    case "fax":
      return "发送确认单所示时间";
    case "express":
    case "registered":
      return `发出后第 ${row.deemedDeliveryDays} 日`;
  }
}

function methodText(row: DispatchDeadlineView): string {
  return row.region ? `${METHODS[row.method]}（${REGIONS[row.region]}）` : METHODS[row.method];
}

function addressBlock(heading: string, address: NoticeAddressView): Block[] {
  return [
    { kind: "heading", text: heading },
    {
      kind: "facts",
      rows: [
        { label: "名称", value: address.name },
        { label: "地址", value: address.address },
        { label: "邮政编码", value: address.postcode },
        { label: "联系人（收件人）", value: address.contactName },
        { label: "电话", value: address.phone },
        { label: "传真", value: address.fax ?? "无" },
      ],
    },
  ];
}

export function renderRenewalReminderEmail(input: RenewalReminderEmailInput): RenderedEmail {
  const { contract } = input;
  const rows = input.dispatchDeadlines.map((row) => ({
    cells: [methodText(row), deemedDeliveryText(row), formatDate(row.latestDispatchDate)],
  }));
  return renderEmail({
    subject: `续约提醒：合同 ${contract.contractId} 将于 ${formatDate(input.termLastDay)}期满，如不续约须于 ${formatDate(input.noticeDeliveredBy)}前送达书面通知`,
    title: "合同期满及自动续约提醒",
    recipients: [contract.partyAContactName, contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: [
          `本合同当前有效期为 ${formatDate(input.termFirstDay)}至`,
          { strong: formatDate(input.termLastDay) },
          `。期满时如双方均无异议，合同自动顺延，新一期有效期为 ${formatDate(input.nextTermFirstDay)}至${formatDate(input.nextTermLastDay)}${cite(PROVISION.automaticRenewal)}。`,
        ],
      },
      {
        kind: "paragraph",
        content: [
          `任何一方如不再续约，须于期满前 ${input.noticeDays} 日以书面形式通知对方，即书面通知最迟须于 `,
          { strong: formatDate(input.noticeDeliveredBy) },
          ` 视为送达${cite(PROVISION.nonRenewalNotice, PROVISION.termLastDay)}。按不同方式发出的通知，视为送达的日期不同${cite(PROVISION.noticeDelivery)}，各方式的最迟发出日期如下${cite(PROVISION.noticeDispatchDeadline)}：`,
        ],
      },
      {
        kind: "table",
        columns: [{ title: "发送方式" }, { title: "视为送达" }, { title: "最迟发出日期", align: "right" }],
        rows,
        textLines: input.dispatchDeadlines.map(
          (row) =>
            `${methodText(row)}：${deemedDeliveryText(row)}视为送达，最迟 ${formatDate(row.latestDispatchDate)}发出`,
        ),
      },
      {
        kind: "note",
        tone: "warning",
        content: `本邮件仅为提醒。电子邮件不是${clauseWords(PROVISION.writtenNotice)}约定的书面通知：不续约的通知须以专人递送、特快专递、传真或挂号信件发往对方在${contractClause(9, "9.4")}所列的地址，并写明收件人；特快专递和挂号信件的交寄日以邮戳为准。`,
      },
      ...addressBlock(`致甲方的书面通知发往（${contractClause(9, "9.4")}）`, input.noticeAddresses.partyA),
      ...addressBlock(`致乙方的书面通知发往（${contractClause(9, "9.4")}）`, input.noticeAddresses.partyB),
      {
        kind: "paragraph",
        content:
          "如已发出或收到书面通知，请告知乙方联系人在系统中登记；未登记书面通知的，系统将在期满后按自动续约处理。",
      },
    ],
  });
}
