import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import { ConfigError } from "../config.js";
import { resemblance } from "../near-miss.js";
import { packageRoot } from "../package-root.js";
import { EXIT, UsageError, type Command } from "./command.js";
import { callCommand } from "./call.js";
import { checkCommand } from "./check.js";
import { operationsCommand } from "./operations.js";
import type { ProcessGuard } from "./process-guard.js";
import { registerCommand } from "./register.js";
import { startCommand } from "./start.js";

const COMMANDS: readonly Command[] = [
  startCommand,
  registerCommand,
  callCommand,
  checkCommand,
  operationsCommand,
];

function overallUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `Usage: commonroom-worker <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n")}

Options:
  -h, --help      show the usage (of a command: commonroom-worker <command> --help)
  -V, --version   print the version

Configuration comes from the environment (and a .env file); see .env.example.
Exit codes: 0 done, 1 the work failed, 2 usage or configuration error, 130/143 stopped by SIGINT/SIGTERM.`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Runs one command line; resolves with the exit code (never rejects). */
export async function runCli(argv: string[], guard: ProcessGuard): Promise<number> {
  const [name, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (name === undefined) throw new UsageError("no command given");
    if (name === "--help" || name === "-h" || name === "help") {
      const about = rest[0] && COMMANDS.find((c) => c.name === rest[0]);
      console.log(about ? about.usage : overallUsage());
      return EXIT.ok;
    }
    if (name === "--version" || name === "-V" || name === "version") {
      console.log(version());
      return EXIT.ok;
    }
    command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      const meant = resemblance(
        name,
        COMMANDS.map((c) => c.name),
      );
      throw new UsageError(`unknown command "${name}"${meant ? `; did you mean ${meant}?` : ""}`);
    }
    const { values, positionals } = parseCommandLine(command, rest);
    if (values.help) {
      console.log(command.usage);
      return EXIT.ok;
    }
    if (values.version) {
      console.log(version());
      return EXIT.ok;
    }
    loadDotenv({ quiet: true });
    return await command.run({ values, positionals, guard });
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${command ? command.usage : overallUsage()}`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      return EXIT.usage;
    }
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

function parseCommandLine(command: Command, args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        ...command.options,
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (error) {
    // parseArgs explains unknown options and missing values well; keep its words, and name
    // the option an unknown one resembles.
    const message = (error as Error).message;
    const unknown = /^Unknown option '--([^']+)'/.exec(message)?.[1];
    const meant = unknown && resemblance(unknown, [...Object.keys(command.options), "help"]);
    throw new UsageError(
      meant ? `Unknown option '--${unknown}'; did you mean --${meant}?` : message,
    );
  }
  const { values, positionals } = parsed;
  if (!values.help && !values.version) {
    const { min, max } = command.positionals;
    if (positionals.length < min) throw new UsageError(`${command.name}: missing an argument`);
    if (positionals.length > max) {
      throw new UsageError(`${command.name}: unexpected argument "${positionals[max]}"`);
    }
  }
  return { values, positionals };
}
