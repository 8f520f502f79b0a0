import { z } from "zod";
import { SegmentId } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";

export const getSegments = defineOperation({
  name: "Get Segments",
  task: "get_segments",
  description: "Lists the community's segments.",
  input: z.object({}),
  run: async ({ client, call }) => ({ segments: await client.getSegments(call) }),
});

export const getSegmentStatuses = defineOperation({
  name: "Get Segment Statuses",
  task: "get_segment_statuses",
  description: "Lists the statuses of one segment.",
  input: z.object({ segmentId: SegmentId }),
  run: async ({ client, call }, { segmentId }) => ({
    statuses: await client.getSegmentStatuses(segmentId, call),
    segmentId,
  }),
});
