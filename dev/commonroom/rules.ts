/**
 * A tiny rule language for checking JSON values. Each rule appends human-readable
 * problems ("body.user.id must be a string (got number)") to `issues`, and legal but
 * noteworthy facts to `notes`.
 */

export interface CheckContext {
  issues: string[];
  notes: string[];
}

export type Rule = (value: unknown, at: string, ctx: CheckContext) => void;

export interface Property {
  rule: Rule;
  required?: boolean;
}

export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const str =
  (opts: { nonEmpty?: boolean } = {}): Rule =>
  (value, at, ctx) => {
    if (typeof value !== "string") ctx.issues.push(`${at} must be a string (got ${kindOf(value)})`);
    else if (opts.nonEmpty && value.trim() === "") ctx.issues.push(`${at} must not be empty`);
  };

export const num = (): Rule => (value, at, ctx) => {
  if (typeof value !== "number" || !Number.isFinite(value))
    ctx.issues.push(`${at} must be a number (got ${kindOf(value)})`);
};

export const int = (): Rule => (value, at, ctx) => {
  if (typeof value !== "number" || !Number.isInteger(value))
    ctx.issues.push(`${at} must be an integer (got ${describe(value)})`);
};

export const bool = (): Rule => (value, at, ctx) => {
  if (typeof value !== "boolean") ctx.issues.push(`${at} must be a boolean (got ${kindOf(value)})`);
};

export const oneOf =
  (values: readonly string[]): Rule =>
  (value, at, ctx) => {
    if (typeof value !== "string" || !values.includes(value))
      ctx.issues.push(`${at} must be one of ${values.join(", ")} (got ${describe(value)})`);
  };

/** Accepts null as well as whatever `rule` accepts (the spec's `nullable: true`). */
export const nullable =
  (rule: Rule): Rule =>
  (value, at, ctx) => {
    if (value !== null) rule(value, at, ctx);
  };

export const anyOf =
  (rules: Rule[], expected: string): Rule =>
  (value, at, ctx) => {
    for (const rule of rules) {
      const probe: CheckContext = { issues: [], notes: [] };
      rule(value, at, probe);
      if (probe.issues.length === 0) {
        ctx.notes.push(...probe.notes);
        return;
      }
    }
    ctx.issues.push(`${at} must be ${expected} (got ${describe(value)})`);
  };

export const array =
  (item: Rule): Rule =>
  (value, at, ctx) => {
    if (!Array.isArray(value)) {
      ctx.issues.push(`${at} must be an array (got ${kindOf(value)})`);
      return;
    }
    value.forEach((element, index) => item(element, `${at}[${index}]`, ctx));
  };

export interface ObjectOptions {
  /** "reject": unknown keys are issues; "note": they are notes; default: ignored. */
  unknownKeys?: "reject" | "note";
  /** Runs after the properties when the value is an object. */
  then?: (value: Record<string, unknown>, at: string, ctx: CheckContext) => void;
}

export const object =
  (properties: Record<string, Property>, opts: ObjectOptions = {}): Rule =>
  (value, at, ctx) => {
    if (!isPlainObject(value)) {
      ctx.issues.push(`${at} must be an object (got ${kindOf(value)})`);
      return;
    }
    for (const [key, property] of Object.entries(properties)) {
      if (!(key in value)) {
        if (property.required) ctx.issues.push(`${at}.${key} is required`);
        continue;
      }
      property.rule(value[key], `${at}.${key}`, ctx);
    }
    if (opts.unknownKeys) {
      for (const key of Object.keys(value)) {
        if (key in properties) continue;
        if (opts.unknownKeys === "reject") ctx.issues.push(`${at}.${key} is not a known field`);
        else ctx.notes.push(`${at}.${key} is not in the schema (Common Room ignores it)`);
      }
    }
    opts.then?.(value, at, ctx);
  };

function describe(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null)
    return String(value);
  return kindOf(value);
}
