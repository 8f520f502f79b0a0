import { z } from "zod";
import { unknownColumns, type ColumnRule } from "../commonroom/columns.js";
import { Columns } from "./paging.js";

/** `cols` as Columns takes it, each column checked against the read's own (columns.ts). */
export function columnsOf(rule: ColumnRule) {
  const known = [
    ...rule.names,
    ...(rule.recordCount ? ["recordCount"] : []),
    ...(rule.customFields ? ["cf_*", "cf_<number>"] : []),
  ];
  return Columns.superRefine((cols, ctx) => {
    if (cols === undefined) return;
    const unknown = unknownColumns(cols, rule);
    if (unknown.length > 0)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${unknown.map((c) => JSON.stringify(c)).join(", ")}: not a column of this read; its columns are ${known.join(", ")}`,
      });
  });
}
