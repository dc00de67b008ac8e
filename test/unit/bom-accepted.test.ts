/**
 * A UTF-8 byte order mark (EF BB BF, read as U+FEFF; Notepad and Excel on Windows write one) is accepted
 * wherever a JSON or text file is read: the same file with and without it reads the same. Usage CSVs are
 * covered in usage-csv-encodings.test.ts, the complaints feed in its own tests.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOfficialYearFiles } from "../../functions/core/calendar";
import { loadContract } from "../../functions/core/contract";
import { parseHolidayNotice } from "../../functions/core/holiday-notice";

const BOM = "\ufeff";

function withBom(path: string, name: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), "bom-")), name);
  writeFileSync(copy, BOM + readFileSync(path, "utf8"));
  return copy;
}

describe("UTF-8 BOM accepted", () => {
  it("in a contract file", async () => {
    const path = "contracts/11NA0700211920254001.json";
    expect(await loadContract(withBom(path, "contract.json"))).toEqual(await loadContract(path));
  });

  it("in a holiday notice", () => {
    const text = readFileSync("test/fixtures/holiday-notices/2025.txt", "utf8");
    expect(parseHolidayNotice(BOM + text)).toEqual(parseHolidayNotice(text));
  });

  it("in an official calendar year file", () => {
    // 2025's New Year's Day and the 2025-01-26 make-up Sunday (国办发明电〔2024〕12号), as the README's shape.
    const year = JSON.stringify({
      year: 2025,
      source: "test",
      holidays: ["2025-01-01"],
      makeUpWorkdays: ["2025-01-26"],
    });
    const plain = mkdtempSync(join(tmpdir(), "bom-cal-"));
    const bom = mkdtempSync(join(tmpdir(), "bom-cal-"));
    writeFileSync(join(plain, "CN-2025.json"), year);
    writeFileSync(join(bom, "CN-2025.json"), BOM + year);
    expect(loadOfficialYearFiles(bom)).toEqual(loadOfficialYearFiles(plain));
  });
});
