/** The public simulator: the core plus its msw handlers. */
import type { RequestHandler } from "msw";
import type { InjectedFault } from "./faults.js";
import { createMswHandlers } from "./msw.js";
import { SimulatorCore } from "./simulator.js";
import type { Fault, RecordedRequest, SimulatorOptions, SimulatorState } from "./types.js";

export interface CommonRoomSimulator {
  /** The base URL served, without a trailing slash. */
  readonly baseUrl: string;
  /** The v2 base URL served, without a trailing slash. */
  readonly v2BaseUrl: string;
  /** The bearer tokens accepted. */
  readonly tokens: readonly string[];
  handle(request: Request): Promise<Response>;
  /** For `setupServer(...sim.handlers)`. */
  readonly handlers: RequestHandler[];
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  /** Throws an Error listing every violation seen, if any. */
  assertNoViolations(): void;
  /**
   * Queues a fault; the handle counts its hits and lifts it early (`lift()`), so a test can
   * hold a limit in force and then end it at a moment it knows.
   */
  inject(fault: Fault): InjectedFault;
  /** Lifts every fault at once. */
  clearFaults(): void;
  /** State, requests, violations, faults and the rate-limit window back to the start. */
  reset(): void;
  readonly state: SimulatorState;
}

class MswSimulator extends SimulatorCore implements CommonRoomSimulator {
  readonly handlers: RequestHandler[] = createMswHandlers(this);
}

export function createCommonRoomSimulator(opts: SimulatorOptions = {}): CommonRoomSimulator {
  const sim = new MswSimulator(opts);
  // Methods keep working when destructured or passed as callbacks.
  sim.handle = sim.handle.bind(sim);
  return sim;
}
