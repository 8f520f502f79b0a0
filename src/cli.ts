#!/usr/bin/env node
/**
 * commonroom-worker: the package's bin. Signals and crashes are guarded before anything else
 * loads (the SDK and the rest take a moment to import), then the command runs.
 */
import { guardProcess } from "./cli/process-guard.js";

const guard = guardProcess();
const { runCli } = await import("./cli/main.js");
const code = await runCli(process.argv.slice(2), guard);
process.exitCode = guard.crashed ? 1 : code;
// Pending handles (SDK timers, sockets) must not keep a finished command alive.
setTimeout(() => process.exit(process.exitCode), 200).unref();
