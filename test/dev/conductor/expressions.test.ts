/**
 * `${...}` paths with `[*]` and a not-null filter, as the real server resolves them (seen on
 * Conductor OSS 3.32.3 with this very input): the filter keeps elements whose field is set,
 * `[*]` keeps explicit nulls and leaves out missing fields, and an index past the end is null.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../../dev/conductor/index.js";
import { pollOne, registerSequence, startWorkflow } from "./harness.js";

let server: ConductorServer;
beforeEach(async () => {
  server = await startConductorServer({ sweepIntervalMs: 50 });
});
afterEach(async () => {
  await server.close();
});

it("resolves list paths as JsonPath does", async () => {
  await registerSequence(server, "paths", [
    {
      name: "t",
      def: {},
      workflowTask: {
        inputParameters: {
          emails: "${workflow.input.contacts[?(@.primaryEmail != null)].primaryEmail}",
          all: "${workflow.input.contacts[*].primaryEmail}",
          first: "${workflow.input.list[0].id}",
          none: "${workflow.input.empty[0].id}",
          text: "first=${workflow.input.list[0].id}",
        },
      },
    },
  ]);
  await startWorkflow(server, "paths", {
    contacts: [
      { id: "c_1", primaryEmail: "a@x.com" },
      { id: "c_2", primaryEmail: null },
      { id: "c_3" },
      { id: "c_4", primaryEmail: "d@x.com" },
    ],
    list: [{ id: "a_9" }],
    empty: [],
  });
  const task = await pollOne(server, "t");
  expect(task.inputData).toEqual({
    emails: ["a@x.com", "d@x.com"],
    all: ["a@x.com", null, "d@x.com"],
    first: "a_9",
    none: null,
    text: "first=a_9",
  });
});
