import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Operation } from "../../src/operations/define.js";
import { operations } from "../../src/operations/index.js";
import { coreOf, elementOf, optionFor } from "../../src/operations/schema-walk.js";
import { useOperationRunner } from "../support/operation-runner.js";
import { SAMPLE_INPUTS } from "../support/sample-inputs.js";

/**
 * contract.md, "Inputs as Conductor delivers them", for every operation in the list: the
 * cases are derived from each operation's own schema walked beside its sample input, so an
 * operation added to src/operations/index.ts is covered without touching this file.
 */

const { sim, run: runOperation } = useOperationRunner();

/** Runs the operation on a fresh simulator: its result and every request it sent. */
async function run(operation: Operation, input: Record<string, unknown>) {
  sim.reset();
  const { result, error } = await runOperation(operation, input);
  return {
    status: result.status,
    code: error?.code,
    issues: (error?.details?.issues ?? []) as { path: string; message: string }[],
    requests: sim.requests.map(({ api, method, path, query, body }) => ({
      api,
      method,
      path,
      query,
      body,
    })),
  };
}

type Path = (string | number)[];

interface Field {
  path: Path;
  schema: z.ZodTypeAny;
  topLevel: boolean;
}

/** Every field of `schema` reachable in `value`: each key of each object met, at any depth. */
function fieldsOf(schema: z.ZodTypeAny, value: unknown, path: Path = []): Field[] {
  const core = coreOf(schema);
  if (core instanceof z.ZodObject && isObject(value)) {
    return Object.entries(core.shape as Record<string, z.ZodTypeAny>).flatMap(([key, field]) => [
      { path: [...path, key], schema: field, topLevel: path.length === 0 },
      ...(key in value ? fieldsOf(field, value[key], [...path, key]) : []),
    ]);
  }
  if (core instanceof z.ZodArray && Array.isArray(value)) {
    const element = elementOf(core as z.ZodArray<z.ZodTypeAny>);
    return value.flatMap((item, i) => fieldsOf(element, item, [...path, i]));
  }
  const option = optionFor(core, value);
  return option ? fieldsOf(option, value, path) : [];
}

/** Every leaf (string, number, boolean) of a value, with its path. */
function leavesOf(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leavesOf(v, [...path, i]));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => leavesOf(v, [...path, k]));
  return [{ path, value }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy of `input` with the value at `path` set (or removed, for `undefined`). */
function withValue(input: Record<string, unknown>, path: Path, value: unknown) {
  const copy = structuredClone(input);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

function at(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)?.[key], value);
}

const named = operations.map((op) => [op.task, op] as const);

it("every operation has a sample input, and the sample completes", async () => {
  for (const op of operations) {
    const sample = SAMPLE_INPUTS[op.task];
    expect(sample, `test/support/sample-inputs.ts needs a sample for ${op.task}`).toBeDefined();
    const result = await run(op, sample!);
    expect(result.status, `${op.task}: ${JSON.stringify(result.issues)}`).toBe("COMPLETED");
    expect(sim.violations, op.task).toEqual([]);
  }
});

describe.each(named)("%s", (_task, op) => {
  const sample = SAMPLE_INPUTS[op.task] ?? {};
  const fields = fieldsOf(op.input, sample);

  it("an optional field given as null behaves as when left out (sent only where the vendor schema allows null, below the top)", async () => {
    const optional = fields.filter((f) => f.schema.isOptional());
    for (const field of optional) {
      const where = `${op.task}: ${field.path.join(".")}`;
      const absent = await run(op, withValue(sample, field.path, undefined));
      const nulled = await run(op, withValue(sample, field.path, null));
      expect(nulled.status, where).toBe(absent.status);
      expect(nulled.code, where).toBe(absent.code);
      const sentAsNull = !field.topLevel && field.schema.isNullable();
      if (!sentAsNull) {
        expect(nulled.requests, where).toEqual(absent.requests);
        continue;
      }
      // A vendor-nullable field inside an object is sent as null: that clears it.
      const body = nulled.requests.find((r) => r.method === "POST")?.body;
      const inBody = op.task.startsWith("bulk") ? field.path.slice(2) : field.path.slice(1);
      expect(at(body, inBody), where).toBeNull();
    }
  });

  it("a required field given as null is INVALID_INPUT naming it, before any call", async () => {
    const required = fields.filter((f) => !f.schema.isOptional() && f.topLevel);
    for (const field of required) {
      const result = await run(op, withValue(sample, field.path, null));
      expect(result.code, field.path.join(".")).toBe("INVALID_INPUT");
      expect(result.issues.map((i) => i.path)).toContain(field.path.join("."));
      expect(result.requests).toEqual([]);
    }
  });

  it("a top-level key that resembles an input is INVALID_INPUT with 'did you mean'; a foreign key is ignored", async () => {
    const keys = [...Object.keys(op.input.shape), "integrationName"];
    for (const key of keys) {
      // The same letters in another case, e.g. destinationSourceID.
      const nearMiss = key.slice(0, -1) + key.slice(-1).toUpperCase();
      const { [key]: given, ...rest } = sample;
      const result = await run(op, { ...rest, [nearMiss]: given ?? "x" });
      expect(result.code, nearMiss).toBe("INVALID_INPUT");
      expect(result.issues).toContainEqual({
        path: nearMiss,
        message: expect.stringContaining(`did you mean \`${key}\``),
      });
      expect(result.requests).toEqual([]);
    }
    const foreign = await run(op, { ...sample, workflowNote: "added by the workflow author" });
    expect(foreign.status, JSON.stringify(foreign)).toBe("COMPLETED");
  });

  it("a string longer than 10,000 characters, at any depth, is INVALID_INPUT naming it", async () => {
    const strings = leavesOf(sample).filter((l) => typeof l.value === "string");
    for (const leaf of strings) {
      const result = await run(op, withValue(sample, leaf.path, "x".repeat(10_001)));
      expect(result.code, leaf.path.join(".")).toBe("INVALID_INPUT");
      expect(result.issues.map((i) => i.path)).toContain(leaf.path.join("."));
      expect(result.requests).toEqual([]);
    }
  });

  it("integers and booleans given as strings behave as the values themselves", async () => {
    const base = await run(op, sample);
    // Custom-field values are typed data, not inputs the contract lets come as strings.
    const leaves = leavesOf(sample).filter(
      (l) =>
        (Number.isInteger(l.value) || typeof l.value === "boolean") &&
        !(l.path.includes("value") && l.path.includes("customFields")),
    );
    for (const leaf of leaves) {
      const result = await run(op, withValue(sample, leaf.path, String(leaf.value)));
      expect(result.status, leaf.path.join(".")).toBe(base.status);
      expect(result.requests, leaf.path.join(".")).toEqual(base.requests);
    }
  });

  it("a segment id is taken as an integer, a string of digits, or s_<number>", async () => {
    const segmentFields = Object.keys(op.input.shape).filter((k) => /segmentId$/i.test(k));
    for (const key of segmentFields) {
      const forms = [202, "202", "s_202"];
      const results: Awaited<ReturnType<typeof run>>[] = [];
      for (const form of forms) results.push(await run(op, { ...sample, [key]: form }));
      for (const result of results) {
        expect(result.status, key).toBe("COMPLETED");
        expect(result.requests).toEqual(results[0]!.requests);
      }
    }
  });
});
