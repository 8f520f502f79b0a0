import type { Integration } from "../config.js";
import { InvalidInputError } from "./errors.js";

/** The task's destinationSourceId, else the integration's default; with neither, bad input. */
export function resolveDestinationSourceId(
  given: number | undefined,
  integration: Integration,
): number {
  const id = given ?? integration.destinationSourceId;
  if (id === undefined) {
    throw InvalidInputError.field(
      "destinationSourceId",
      `required: the task gives none and integration "${integration.name}" has no default Destination Source ID`,
    );
  }
  return id;
}
