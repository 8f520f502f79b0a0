/**
 * `npm run docs`: rewrites the generated parts of README.md and docs/ from the code.
 * `npm run docs -- --check` only says which are stale, and exits 1 if any is.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/package-root.js";
import { generatedFiles, readRepoFile, regenerated } from "./blocks.js";

const root = packageRoot();
const check = process.argv.includes("--check");
let stale = 0;
for (const file of generatedFiles()) {
  const after = await regenerated(root, file);
  if (after === readRepoFile(root, file)) continue;
  stale++;
  if (check) console.log(`${file}: stale (npm run docs rewrites it)`);
  else {
    writeFileSync(join(root, file), after);
    console.log(`${file}: rewritten`);
  }
}
if (stale === 0) console.log("The generated docs are up to date.");
process.exitCode = check && stale > 0 ? 1 : 0;
