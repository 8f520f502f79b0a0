import { z } from "zod";
import { isCommonRoomError } from "../commonroom/errors.js";
import { MAX_NAME_LENGTH, TagEntityType, TagId } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";

const TagName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`);
// Not nullable: a top-level null means "not given", so it never clears the description.
const Description = z.string().optional();

export const listTags = defineOperation({
  name: "List Tags",
  task: "list_tags",
  description: "Lists the community's tags that are not deleted.",
  input: z.object({}),
  run: async ({ client, callOptions }) => ({ labels: (await client.listTags(callOptions)).labels }),
});

export const createTag = defineOperation({
  name: "Create Tag",
  task: "create_tag",
  description: "Creates a tag, or returns the existing one of that name.",
  input: z.object({
    name: TagName,
    description: Description,
    entityTypes: z.array(TagEntityType).nonempty("must list at least one entity type"),
  }),
  run: async ({ client, callOptions }, { name, description, entityTypes }) => ({
    ...(await client.createTag(
      { name, entityTypes, ...(description !== undefined && { description }) },
      callOptions,
    )),
  }),
});

export const updateTag = defineOperation({
  name: "Update Tag",
  task: "update_tag",
  description: "Sets a tag's name and description (and undeletes it).",
  input: z.object({ tagId: TagId, name: TagName, description: Description }),
  run: async ({ client, callOptions }, { tagId, name, description }) => ({
    ...(await client.updateTag(
      tagId,
      { name, ...(description !== undefined && { description }) },
      callOptions,
    )),
  }),
});

export const deleteTag = defineOperation({
  name: "Delete Tag",
  task: "delete_tag",
  description: "Deletes a tag and removes it from everything it was assigned to.",
  input: z.object({ tagId: TagId }),
  run: async ({ client, callOptions, attempt }, { tagId }) => {
    try {
      await client.deleteTag(tagId, callOptions);
    } catch (error) {
      // A retry after a lost answer (the worker's own, or Conductor's) meets the tag
      // already gone: that is the goal reached. A 404 on a first, clean request is not.
      if (
        isCommonRoomError(error) &&
        error.kind === "not_found" &&
        (attempt > 0 || error.afterUnansweredRequest)
      ) {
        return {
          status: "deleted",
          message: "The tag was already deleted (an earlier request of this task deleted it)",
          tagId,
          alreadyDeleted: true,
        };
      }
      throw error;
    }
    return { status: "deleted", message: "Tag deleted", tagId };
  },
});

export const getTag = defineOperation({
  name: "Get Tag",
  task: "get_tag",
  description: "Reads one tag by its id.",
  input: z.object({ tagId: TagId }),
  run: async ({ client, callOptions }, { tagId }) => ({
    ...(await client.getTag(tagId, callOptions)),
  }),
});
