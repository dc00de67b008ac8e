/**
 * R-NOTICE-2: the deemed-delivery days come from the contract's `deemedDeliveryDays` rule, not from code.
 * The sample contract says 9.3(4) "以挂号方式发出的…发往国内其他地区的，邮寄后第14日视为送达"; a what-if contract
 * saying 10 days moves the latest dispatch for term 1 (deadline 2026-06-14) from 2026-05-31 to 2026-06-04.
 */
import { describe, expect, it } from "vitest";
import { type Contract, loadContract } from "../../functions/core/contract";
import { assessNotice } from "../../functions/core/notices";
import { RenewalInputError, renewalRulesFrom, renewalSchedule } from "../../functions/core/renewal";

const SAMPLE = "contracts/11NA0700211920254001.json";

function withRegisteredMainland(contract: Contract, days: number): Contract["rules"] {
  const table = contract.rules.deemedDeliveryDays;
  return {
    ...contract.rules,
    deemedDeliveryDays: { ...table, value: { ...table.value, registeredMailMainland: days } },
  };
}

describe("R-NOTICE-2: deemed delivery read from the contract", () => {
  it("a contract saying 10 days for registered mail within mainland China moves the latest dispatch to 2026-06-04", async () => {
    const contract = await loadContract(SAMPLE);
    const rules = renewalRulesFrom(withRegisteredMainland(contract, 10));
    const option = renewalSchedule("2025-07-15", 1, rules).latestDispatch.find(
      (o) => o.method === "registered" && o.region === "mainland",
    );
    expect(option).toEqual({
      method: "registered",
      region: "mainland",
      deemedDeliveryDays: 10,
      latestDispatchDate: "2026-06-04",
    });
    const notice = {
      method: "registered",
      region: "mainland",
      dispatched: "2026-06-04",
      deadline: "2026-06-14",
    } as const;
    expect(assessNotice({ ...notice, table: rules.deemedDeliveryDays })).toMatchObject({
      deemedDeliveredOn: "2026-06-14",
      inTime: true,
    });
    // The sample's 14 days (9.3(4)): the same dispatch is deemed delivered 2026-06-18, four days late.
    expect(
      assessNotice({ ...notice, table: renewalRulesFrom(contract.rules).deemedDeliveryDays }),
    ).toMatchObject({
      deemedDeliveredOn: "2026-06-18",
      inTime: false,
      daysLate: 4,
    });
  });

  it("refuses a table missing a method and region, naming the rule", async () => {
    const contract = await loadContract(SAMPLE);
    const { registeredMailAbroad: _dropped, ...partial } = contract.rules.deemedDeliveryDays.value;
    const rules = {
      ...contract.rules,
      deemedDeliveryDays: { ...contract.rules.deemedDeliveryDays, value: partial },
    };
    expect(() => renewalRulesFrom(rules)).toThrow(RenewalInputError);
    expect(() => renewalRulesFrom(rules)).toThrow(/deemedDeliveryDays.*registeredMailAbroad/);
  });
});
