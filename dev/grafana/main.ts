/** `npm run dashboard`: writes deploy/grafana/dashboard.json from dev/grafana/dashboard.ts. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { packageRoot } from "../../src/package-root.js";
import { dashboard, exportedSeries } from "./dashboard.js";

const file = join(packageRoot(), "deploy", "grafana", "dashboard.json");
const text = JSON.stringify(dashboard(await exportedSeries()), null, 2);
writeFileSync(file, await format(text, { parser: "json" }));
console.log(`wrote ${file}`);
