import type { TestProject } from "vitest/node";
import { startOssConductor, type OssFlavour } from "../dev/conductor-oss/server.js";

/**
 * globalSetup of the `oss-*` vitest projects: one genuine Conductor OSS server for the whole
 * project (its JVM takes 15-25 s to start), shared by its files, which run one at a time.
 * The jar comes from the local Maven cache, fetched with mvn on the first run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A server already running (yours, while iterating on one test) is used as it is.
  const given = process.env.E2E_CONDUCTOR_URL;
  if (given) {
    project.provide("ossConductorUrl", given);
    project.provide("ossConductorLabel", `the Conductor server at ${given}`);
    return async () => {};
  }
  const flavour = project.name.replace("oss-", "") as OssFlavour;
  const server = await startOssConductor({
    flavour,
    log: (line) => console.log(`[${project.name}] ${line}`),
  });
  project.provide("ossConductorUrl", server.url);
  project.provide("ossConductorLabel", server.label);
  console.log(`[${project.name}] end-to-end tests run against ${server.label} at ${server.url}`);
  return () => server.close();
}
