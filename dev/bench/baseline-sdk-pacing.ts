/**
 * The hand-written SDK baseline of the pacing figure: what a user would write for the three
 * kinds of task in its mix, with the SDK's TaskHandler and global fetch, concurrency 10 per
 * type like ours. A single write makes one request; a bulk task writes its users five at a
 * time; a list follows cursors to the end. Any answer other than 2xx fails the task (the
 * usual HTTP client behaviour: no pacing, no waiting out 429s); Conductor retries it.
 */
import type { ConductorWorker, Task } from "@io-orkes/conductor-javascript";
import { runTaskHandler } from "./baseline-shared.js";

const apiUrl = process.env.COMMON_ROOM_API_URL ?? "https://api.commonroom.io/community/v1";
const v2Url = apiUrl.replace(/\/v1\/?$/, "/v2");
const token = process.env.COMMON_ROOM_API_TOKEN ?? "";
const prefix = process.env.COMMON_ROOM_TASK_PREFIX || "common_room_";
const sourceId = process.env.COMMON_ROOM_DESTINATION_SOURCE_ID ?? "";
const CONCURRENCY = 10;
const BULK_CONCURRENCY = 5;

type Input = Record<string, unknown>;

class Refused extends Error {}

async function send(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined && { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Refused(`Common Room answered ${response.status}`);
  return text ? (JSON.parse(text) as unknown) : {};
}

const writeUser = (user: unknown) =>
  send(`${apiUrl}/source/${encodeURIComponent(sourceId)}/user`, "POST", user);

const handlers: Record<string, (input: Input) => Promise<Record<string, unknown>>> = {
  add_or_edit_user: async (input) => ({ result: await writeUser(input.user) }),
  bulk_add_or_edit_users: async (input) => {
    const users = Array.isArray(input.users) ? input.users : [];
    let next = 0;
    const lane = async () => {
      while (next < users.length) await writeUser(users[next++]);
    };
    await Promise.all(Array.from({ length: BULK_CONCURRENCY }, lane));
    return { accepted: users.length };
  },
  list_contacts: async (input) => {
    const contacts: unknown[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(input.limit ?? 200) });
      if (cursor) query.set("cursor", cursor);
      const page = (await send(`${v2Url}/contacts?${query}`, "GET")) as {
        data: unknown[];
        meta: { nextCursor: string | null };
      };
      contacts.push(...page.data);
      cursor = input.fetchAll === true ? page.meta.nextCursor : null;
    } while (cursor);
    return { contacts: contacts.length };
  },
};

function workerFor(taskDefName: string): ConductorWorker {
  const handle = handlers[taskDefName.slice(prefix.length)];
  return {
    taskDefName,
    concurrency: CONCURRENCY,
    execute: async (task: Task) => {
      if (!handle)
        return { status: "FAILED", outputData: {}, reasonForIncompletion: "unsupported" };
      try {
        return { status: "COMPLETED", outputData: await handle(task.inputData ?? {}) };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { status: "FAILED", outputData: {}, reasonForIncompletion: reason };
      }
    },
  };
}

await runTaskHandler(Object.keys(handlers).map((name) => workerFor(`${prefix}${name}`)));
