/**
 * The options that cut figure 7 (pacing) down or point it elsewhere: which window kinds,
 * replica counts and workers run, how long the offer lasts, and which git ref "today's
 * pacer" is built from. Bad values are refused naming the option.
 */
import { RATE_WINDOWS, type RateWindow } from "../commonroom/index.js";

/** ours: this checkout's build; previous: the worker built at --baseline-ref; sdk: the hand-written SDK worker; off: ours with COMMON_ROOM_PACING=off. */
export type PacingContestant = "ours" | "previous" | "sdk" | "off";
export const PACING_CONTESTANTS: readonly PacingContestant[] = ["ours", "previous", "sdk", "off"];

export interface PacingOptions {
  windows: RateWindow[];
  replicas: number[];
  /** How long the 2L offer lasts. */
  seconds: number;
  /** The git ref today's pacer ("previous") is built from: main before the new policy. */
  baselineRef: string;
  contestants: PacingContestant[];
  /** The "generous limit" part (policy cost against pacer off). */
  generous: boolean;
}

export const DEFAULT_BASELINE_REF = "e192c6f";
const DEFAULT_REPLICAS = [1, 2, 4, 8, 16];
/** A smoke run still shares the token between processes. */
const QUICK_REPLICAS = [2];
const DEFAULT_CONTESTANTS: PacingContestant[] = ["ours", "previous", "sdk"];
/** The issue asks for at least 30 s of offer; --quick and --seconds may cut it. */
const FULL_SECONDS = 30;
const QUICK_SECONDS = 8;

export interface PacingArgs {
  windows?: string;
  replicas?: string;
  seconds?: string;
  "baseline-ref"?: string;
  contestants?: string;
  generous?: string;
}

function list(value: string, option: string): string[] {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (items.length === 0) throw new Error(`--${option} needs at least one value`);
  return [...new Set(items)];
}

function oneOf<T extends string>(value: string, known: readonly T[], option: string): T {
  if (!known.includes(value as T))
    throw new Error(`--${option}: "${value}" is not one of ${known.join(", ")}`);
  return value as T;
}

export function pacingOptions(args: PacingArgs, quick: boolean): PacingOptions {
  const windows = args.windows
    ? list(args.windows, "windows").map((w) => oneOf(w, RATE_WINDOWS, "windows"))
    : [...RATE_WINDOWS];
  const replicas = args.replicas
    ? list(args.replicas, "replicas").map((r) => {
        const n = Number(r);
        if (!Number.isInteger(n) || n < 1 || n > 64)
          throw new Error(`--replicas: "${r}" is not a whole number from 1 to 64`);
        return n;
      })
    : quick
      ? QUICK_REPLICAS
      : DEFAULT_REPLICAS;
  let seconds = quick ? QUICK_SECONDS : FULL_SECONDS;
  if (args.seconds !== undefined) {
    seconds = Number(args.seconds);
    if (!Number.isFinite(seconds) || seconds < 2 || seconds > 600)
      throw new Error(`--seconds: "${args.seconds}" is not a number of seconds from 2 to 600`);
  }
  const contestants = args.contestants
    ? list(args.contestants, "contestants").map((c) => oneOf(c, PACING_CONTESTANTS, "contestants"))
    : DEFAULT_CONTESTANTS;
  const baselineRef = args["baseline-ref"]?.trim() || DEFAULT_BASELINE_REF;
  if (baselineRef.startsWith("-"))
    throw new Error(`--baseline-ref: "${baselineRef}" is not a git ref`);
  const generous = oneOf(args.generous ?? "on", ["on", "off"], "generous") === "on";
  return {
    windows,
    replicas: [...replicas].sort((a, b) => a - b),
    seconds,
    baselineRef,
    contestants,
    generous,
  };
}
