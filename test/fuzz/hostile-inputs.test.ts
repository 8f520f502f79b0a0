import fc from "fast-check";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommonRoomSimulator } from "../../dev/commonroom/index.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { operations } from "../../src/operations/index.js";
import { executeOperation } from "../../src/worker/execute.js";
import { Integrations } from "../../src/worker/integrations.js";
import { toTaskResult } from "../../src/worker/results.js";
import { SAMPLE_INPUTS } from "../support/sample-inputs.js";

/**
 * Property: a task input built to trip lookups (keys named like Object.prototype's members,
 * `__proto__`, at any depth, deep nesting, huge strings), as Conductor delivers it (parsed
 * JSON), ends COMPLETED or with a documented code: never INTERNAL_ERROR, never a throw.
 * 10,000 inputs over every operation.
 */

const TOKEN = "hostile-token-77c1";
const sim = createCommonRoomSimulator({ tokens: [TOKEN] });
const msw = setupServer(...sim.handlers);
const config = loadConfig({
  COMMON_ROOM_API_TOKEN: TOKEN,
  COMMON_ROOM_DESTINATION_SOURCE_ID: "1001",
});
const logger = createLogger({ level: "silent" });
const integrations = new Integrations(config, { logger });

beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
afterAll(() => msw.close());

const TOTAL_RUNS = 10_000;

/** The codes the contract documents for a task's failure, INTERNAL_ERROR (a bug) left out. */
const DOCUMENTED = new Set([
  "INVALID_INPUT",
  "INTEGRATION_NOT_FOUND",
  "INTEGRATION_INACTIVE",
  "UNAUTHORIZED",
  "NOT_FOUND",
  "BAD_REQUEST",
  "RATE_LIMITED",
  "UPSTREAM_ERROR",
  "NETWORK_ERROR",
  "UNEXPECTED_RESPONSE",
  "CONFLICT",
  "BULK_FAILED",
]);

const PROTOTYPE_NAMES = [...Object.getOwnPropertyNames(Object.prototype), "prototype"];

/** Keys that a lookup in a plain object could find on its prototype, and the real ones. */
function keysFor(fields: readonly string[]) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
    { weight: 2, arbitrary: fc.constantFrom(...fields, "id", "type", "value", "user") },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  );
}

/**
 * A value that becomes large only when the input is serialised (toJSON), so that fast-check
 * reports a counterexample by its recipe rather than by printing megabytes or recursing
 * thousands of levels deep.
 */
class Bulky {
  constructor(
    private readonly recipe: string,
    private readonly make: () => unknown,
  ) {}
  toJSON(): unknown {
    return this.make();
  }
  [fc.toStringMethod](): string {
    return this.recipe;
  }
}

const hugeString = fc
  .record({
    length: fc.integer({ min: 10_001, max: 60_000 }),
    char: fc.constantFrom("x", "é", "😀"),
  })
  .map(({ length, char }) => new Bulky(`"${char}" × ${length}`, () => char.repeat(length)));

/** A chain of `depth` objects (or arrays), each holding the next under a hostile key. */
const deepNest = fc
  .record({
    depth: fc.integer({ min: 50, max: 3000 }),
    key: fc.constantFrom(...PROTOTYPE_NAMES),
    arrays: fc.boolean(),
  })
  .map(
    ({ depth, key, arrays }) =>
      new Bulky(`${depth} levels of ${arrays ? "[]" : key}`, () => {
        let value: unknown = null;
        for (let i = 0; i < depth; i++)
          value = arrays ? [value] : Object.fromEntries([[key, value]]);
        return value;
      }),
  );

/** Values whose objects carry hostile keys at every depth (Object.fromEntries keeps `__proto__` own). */
function hostileValue(keys: fc.Arbitrary<string>) {
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant(null),
      fc.string({ maxLength: 8 }),
      fc.integer(),
      fc.boolean(),
      fc.array(tie("value"), { maxLength: 3 }),
      fc
        .array(fc.tuple(keys, tie("value")), { maxLength: 4 })
        .map((entries) => Object.fromEntries(entries)),
    ),
  }));
  return fc.oneof(
    { weight: 8, arbitrary: value },
    { weight: 1, arbitrary: hugeString },
    { weight: 1, arbitrary: deepNest },
  );
}

/** Every object inside `value`, the value itself included, for planting keys into. */
function objectsIn(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const v of value) objectsIn(v, out);
  else if (typeof value === "object" && value !== null) {
    out.push(value as Record<string, unknown>);
    for (const v of Object.values(value)) objectsIn(v, out);
  }
  return out;
}

/** Gives `target` an own property even when `key` is `__proto__`. */
function plant(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

describe("hostile task inputs", () => {
  for (const operation of operations) {
    const fields = Object.keys(operation.input.shape);
    const keys = keysFor(fields);
    const sample = SAMPLE_INPUTS[operation.task];
    it(`${operation.name}: COMPLETED or a documented code, never INTERNAL_ERROR`, async () => {
      expect(sample, `a sample input for ${operation.task}`).toBeDefined();
      const planted = fc.array(fc.tuple(fc.nat(), keys, hostileValue(keys)), {
        minLength: 1,
        maxLength: 4,
      });
      // A valid sample with hostile keys planted at random depths, or a wholly hostile object.
      const input = fc.oneof(
        planted.map((plants) => {
          const copy = structuredClone(sample!);
          const targets = objectsIn(copy);
          for (const [at, key, value] of plants) plant(targets[at % targets.length]!, key, value);
          return copy;
        }),
        fc
          .array(fc.tuple(keys, hostileValue(keys)), { maxLength: 6 })
          .map((entries) => Object.fromEntries(entries)),
      );
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(input, async (built) => {
          if (sim.requests.length > 50) sim.reset();
          // As Conductor hands it over: JSON text parsed (deep nesting stays within V8's limits).
          const raw: unknown = JSON.parse(JSON.stringify(built));
          const outcome = await executeOperation(operation, raw, {
            integrations,
            logger,
            deadline: Date.now() + 2000,
          });
          const { result, error } = toTaskResult(outcome);
          const code = error?.code ?? result.status;
          seen.set(code, (seen.get(code) ?? 0) + 1);
          if (result.status === "COMPLETED") return;
          expect(DOCUMENTED.has(code), `${code}: ${error?.message}`).toBe(true);
        }),
        { numRuns: Math.ceil(TOTAL_RUNS / operations.length), seed: 20261204 },
      );
      // The inputs reach past validation too, or the property proves little about the calls.
      if (fields.length > 0) expect(seen.get("INVALID_INPUT") ?? 0).toBeGreaterThan(0);
      expect(seen.size).toBeGreaterThan(fields.length > 0 ? 1 : 0);
    });
  }
});

describe("keys that name what an object inherits", () => {
  const run = (task: string, json: string) =>
    executeOperation(
      operations.find((op) => op.task === task)!,
      JSON.parse(json),
      {
        integrations,
        logger,
        deadline: Date.now() + 2000,
      },
    ).then(toTaskResult);

  it("a `__proto__` key is only a key: the fields inside it are not the task's fields", async () => {
    const { result, error } = await run("get_tag", '{ "__proto__": { "tagId": "tag_1" } }');
    expect(result.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(error?.code).toBe("INVALID_INPUT");
    expect(error?.details?.issues).toEqual([expect.objectContaining({ path: "tagId" })]);
  });

  it("`constructor: null` beside the real fields is an ignored key, like any other", async () => {
    const { result } = await run("get_tag", '{ "tagId": "tag_1", "constructor": null }');
    expect(result.status).toBe("COMPLETED");
  });

  it("a user whose `__proto__` holds an id is still a user without an id", async () => {
    const { error } = await run(
      "add_or_edit_user",
      '{ "destinationSourceId": 1001, "user": { "__proto__": { "id": "u-1" } } }',
    );
    expect(error?.code).toBe("INVALID_INPUT");
    const paths = (error?.details?.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toContain("user.id");
  });
});
