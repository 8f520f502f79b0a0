import type { Operation } from "./define.js";
import { addOrEditActivity, getActivity, getActivityTypes, listActivities } from "./activities.js";
import { addContactsToSegment } from "./add-contacts-to-segment.js";
import { anonymizeContact } from "./anonymize.js";
import { bulkAddOrEditActivities, bulkAddOrEditUsers } from "./bulk.js";
import { getContact, listContacts } from "./contacts.js";
import { getCustomFields } from "./custom-fields.js";
import { findContact } from "./find-contact.js";
import { findOrganization, getOrganization, listOrganizations } from "./organizations.js";
import { createSegment, getSegment, getSegmentStatuses, getSegments } from "./segments.js";
import { createTag, deleteTag, getTag, listTags, updateTag } from "./tags.js";
import { checkApiTokenStatus } from "./token.js";
import { addOrEditUser } from "./users.js";
import { listWebsiteVisits } from "./website-visits.js";

/** Every operation the worker serves: the single source of the task types. */
export const operations: readonly Operation[] = [
  checkApiTokenStatus,
  addOrEditUser,
  getActivityTypes,
  addOrEditActivity,
  getCustomFields,
  getSegments,
  getSegmentStatuses,
  listTags,
  createTag,
  updateTag,
  deleteTag,
  getTag,
  // Beyond the Orkes connected app:
  anonymizeContact,
  createSegment,
  listContacts,
  getContact,
  listActivities,
  bulkAddOrEditUsers,
  bulkAddOrEditActivities,
  findContact,
  addContactsToSegment,
  listOrganizations,
  getOrganization,
  findOrganization,
  getSegment,
  getActivity,
  listWebsiteVisits,
] as Operation[];

export function taskTypeOf(operation: Operation, prefix: string): string {
  return `${prefix}${operation.task}`;
}

/** Finds an operation by its task (`get_tag`), its task type or its name ("Get Tag"). */
export function findOperation(key: string, prefix = ""): Operation | undefined {
  const normal = key.trim().toLowerCase();
  return operations.find(
    (op) =>
      op.task === normal ||
      taskTypeOf(op, prefix).toLowerCase() === normal ||
      op.name.toLowerCase() === normal,
  );
}
