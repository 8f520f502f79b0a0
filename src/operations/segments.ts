import { z } from "zod";
import { COLUMNS } from "../commonroom/columns.js";
import { isCommonRoomError } from "../commonroom/errors.js";
import { MAX_NAME_LENGTH, ObjectTypeId, SegmentId, SegmentRef } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";
import { InvalidInputError } from "./errors.js";
import { columnsOf } from "./column-input.js";

export const getSegments = defineOperation({
  name: "Get Segments",
  task: "get_segments",
  description: "Lists the community's segments.",
  input: z.object({}),
  run: async ({ client, callOptions }) => ({ segments: await client.getSegments(callOptions) }),
});

export const getSegmentStatuses = defineOperation({
  name: "Get Segment Statuses",
  task: "get_segment_statuses",
  description: "Lists the statuses of one segment.",
  input: z.object({ segmentId: SegmentId }),
  run: async ({ client, callOptions }, { segmentId }) => ({
    statuses: await client.getSegmentStatuses(segmentId, callOptions),
    segmentId,
  }),
});

export const getSegment = defineOperation({
  name: "Get Segment",
  task: "get_segment",
  description: "Reads one segment by its id (v2): its name, entity type and, with cols, its size.",
  input: z.object({ segmentId: SegmentRef, cols: columnsOf(COLUMNS.getSegment) }),
  run: async ({ client, callOptions }, { segmentId, cols }) => ({
    ...(await client.getSegment(segmentId, cols !== undefined ? { cols } : {}, callOptions)),
  }),
});

export const createSegment = defineOperation({
  name: "Create Segment",
  task: "create_segment",
  description:
    "Creates a segment (v2); a name already in use is a CONFLICT, unless this task's own earlier request took it.",
  input: z.object({
    name: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`),
    description: z.string().optional(),
    entityType: z.enum(["contact", "object", "organization"]).optional(),
    objectTypeId: ObjectTypeId.optional(),
  }),
  run: async (
    { client, callOptions, attempt },
    { name, description, entityType, objectTypeId },
  ) => {
    if (entityType === "object" && !objectTypeId) {
      throw InvalidInputError.field("objectTypeId", 'required when entityType is "object"');
    }
    try {
      const segment = await client.createSegment(
        {
          name,
          ...(description !== undefined && { description }),
          ...(entityType !== undefined && { entityType }),
          ...(objectTypeId !== undefined && { objectTypeId }),
        },
        callOptions,
      );
      const segmentId = SegmentId.safeParse(segment.id).data;
      return { id: segment.id, segmentId, name: segment.name };
    } catch (error) {
      // A 409 after a request of this task that may have created it (a lost answer inside
      // the worker's retries, or a Conductor retry) is the goal reached: return that segment.
      const ours =
        isCommonRoomError(error) &&
        error.kind === "conflict" &&
        (attempt > 0 || error.afterUnansweredRequest);
      if (!ours) throw error;
      const segments = await client.getSegments(callOptions);
      const existing =
        segments.find((s) => s.name === name) ?? segments.find((s) => sameName(s.name, name));
      if (!existing) throw error;
      return {
        id: `s_${existing.id}`,
        segmentId: existing.id,
        name: existing.name,
        alreadyExisted: true,
      };
    }
  },
});

/** Segment names clash regardless of case and surrounding spaces. */
function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
