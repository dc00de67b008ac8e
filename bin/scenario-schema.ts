/** `npm run scenario:schema`: writes scenarios/scenario.schema.json from the zod schema (the one definition). */
import { writeFile } from "node:fs/promises";
import { scenarioJsonSchema } from "../infra/local/scenario/schema";

await writeFile("scenarios/scenario.schema.json", `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
