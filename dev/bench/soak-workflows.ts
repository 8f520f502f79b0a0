/**
 * The soak's mix: one workflow per operation (Create Tag and Delete Tag share one, so that
 * every tag made is deleted again), each task's input taken from the workflow's input, and
 * for each the input of its n-th run. Inputs use the simulator's seeded ids and upsert a
 * bounded set of users and activities, so Common Room's side stays small however long the
 * soak runs (only the segments Create Segment makes accumulate: names must be new each time).
 */
import { TASK_PREFIX } from "./environment.js";

export interface SoakWorkflow {
  name: string;
  /** How many tasks one run of it is. */
  tasks: number;
  def: Record<string, unknown>;
  input(n: number): Record<string, unknown>;
}

const user = (n: number) => ({
  id: `soak-user-${n % 200}`,
  fullName: `Soak User ${n % 200}`,
  email: `soak.user.${n % 200}@example.com`,
});

const activity = (n: number) => ({
  id: `soak-activity-${n % 200}`,
  activityType: "made_post_topic",
  user: { id: `soak-user-${n % 200}` },
  content: { type: "text", value: "A soak post" },
  timestamp: "2026-11-27T10:00:00Z",
});

/** Operation (task without prefix) → the input of its n-th run. */
const ONE_TASK: Record<string, (n: number) => Record<string, unknown>> = {
  check_api_token_status: () => ({}),
  add_or_edit_user: (n) => ({ user: user(n) }),
  get_activity_types: () => ({}),
  add_or_edit_activity: (n) => ({ activity: activity(n) }),
  get_custom_fields: () => ({}),
  get_segments: () => ({}),
  get_segment_statuses: () => ({ segmentId: 201 }),
  list_tags: () => ({}),
  update_tag: (n) => ({ tagId: "tag_2", name: "Bug report", description: `Soak run ${n}` }),
  get_tag: () => ({ tagId: "tag_1" }),
  anonymize_contact: (n) => ({ email: `soak.forget.${n}@example.com` }),
  create_segment: (n) => ({ name: `Soak segment ${n}` }),
  list_contacts: () => ({ segmentId: 201, limit: 5 }),
  get_contact: () => ({ contactId: "c_1" }),
  list_activities: () => ({ contactId: "c_1", limit: 5 }),
  bulk_add_or_edit_users: (n) => ({
    users: Array.from({ length: 5 }, (_, i) => user(n * 5 + i)),
  }),
  bulk_add_or_edit_activities: (n) => ({
    activities: Array.from({ length: 3 }, (_, i) => activity(n * 3 + i)),
  }),
  find_contact: () => ({ email: "grace.torvalds.1@example.com" }),
  add_contacts_to_segment: () => ({
    segmentId: 202,
    values: ["grace.torvalds.1@example.com"],
  }),
  list_organizations: () => ({ name: "Acme", limit: 5 }),
  get_organization: () => ({ organizationId: "o_1" }),
  find_organization: () => ({ domain: "https://www.acme.example.com/pricing" }),
  get_segment: () => ({ segmentId: 201 }),
  get_activity: () => ({ activityId: "a_1" }),
  list_website_visits: () => ({ organizationId: "o_2", limit: 5 }),
};

/** `{ field: "${workflow.input.field}" }` for each field of a sample input. */
function fromWorkflowInput(sample: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(sample).map((k) => [k, `\${workflow.input.${k}}`]));
}

function definition(name: string, tasks: Record<string, unknown>[]): Record<string, unknown> {
  return {
    name,
    version: 1,
    schemaVersion: 2,
    ownerEmail: "bench@example.com",
    timeoutSeconds: 0,
    tasks,
  };
}

export function soakWorkflows(): SoakWorkflow[] {
  const single = Object.entries(ONE_TASK).map(([task, input]): SoakWorkflow => {
    const name = `soak_${task}`;
    return {
      name,
      tasks: 1,
      def: definition(name, [
        {
          name: `${TASK_PREFIX}${task}`,
          taskReferenceName: "only",
          type: "SIMPLE",
          inputParameters: fromWorkflowInput(input(0)),
        },
      ]),
      input,
    };
  });
  const tagInput = (n: number) => ({ name: `Soak tag ${n}`, entityTypes: ["member"] });
  const tagPair: SoakWorkflow = {
    name: "soak_create_and_delete_tag",
    tasks: 2,
    def: definition("soak_create_and_delete_tag", [
      {
        name: `${TASK_PREFIX}create_tag`,
        taskReferenceName: "create",
        type: "SIMPLE",
        inputParameters: fromWorkflowInput(tagInput(0)),
      },
      {
        name: `${TASK_PREFIX}delete_tag`,
        taskReferenceName: "delete",
        type: "SIMPLE",
        inputParameters: { tagId: "${create.output.id}" },
      },
    ]),
    input: tagInput,
  };
  return [...single, tagPair];
}

/** Every operation the mix covers (for a check that it covers them all). */
export const SOAK_OPERATIONS = [...Object.keys(ONE_TASK), "create_tag", "delete_tag"];
