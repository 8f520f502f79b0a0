import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { DEFAULT_SETTINGS, pollerSettings } from "../../src/worker/settings.js";

describe("poller settings from CONDUCTOR_WORKER_* (the SDK's variables)", () => {
  it("uses long polls and ten slots by default", () => {
    expect(pollerSettings("common_room_get_tag", {})).toMatchObject(DEFAULT_SETTINGS);
  });

  it("prefers the task's own variable over ALL, and the dotted forms in the SDK's order", () => {
    const env = {
      CONDUCTOR_WORKER_ALL_CONCURRENCY: "3",
      CONDUCTOR_WORKER_COMMON_ROOM_GET_TAG_CONCURRENCY: "7",
      "conductor.worker.all.domain": "blue",
      CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "1000",
      CONDUCTOR_WORKER_ALL_WORKER_ID: "replica-1",
      CONDUCTOR_WORKER_COMMON_ROOM_LIST_TAGS_PAUSED: "yes",
    };
    expect(pollerSettings("common_room_get_tag", env)).toMatchObject({
      concurrency: 7,
      domain: "blue",
      pollTimeoutMs: 1000,
      workerId: "replica-1",
      paused: false,
    });
    expect(pollerSettings("common_room_list_tags", env)).toMatchObject({
      concurrency: 3,
      paused: true,
    });
  });

  it("rejects values Conductor or the loop cannot use, naming the variable", () => {
    expect(() => pollerSettings("t", { CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "9000" })).toThrow(
      /CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: Conductor accepts at most 5000/,
    );
    expect(() => pollerSettings("t", { CONDUCTOR_WORKER_T_CONCURRENCY: "0" })).toThrow(ConfigError);
    expect(() => pollerSettings("t", { CONDUCTOR_WORKER_T_CONCURRENCY: "0" })).toThrow(
      /CONDUCTOR_WORKER_T_CONCURRENCY/,
    );
  });
});
