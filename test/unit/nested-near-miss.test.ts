import { describe, expect, it } from "vitest";
import { useOperationRunner } from "../support/operation-runner.js";

/** A misspelt field inside user or activity names the field it resembles, before any call. */

const { sim, run } = useOperationRunner();

describe("a near miss inside user and activity", () => {
  it("user.fulName: did you mean fullName", async () => {
    const { error } = await run("add_or_edit_user", { user: { id: "u-1", fulName: "Ada" } });
    expect(error?.code).toBe("INVALID_INPUT");
    expect(error?.details?.issues).toContainEqual({
      path: "user",
      message: "not a field of this schema: `fulName` (did you mean `fullName`?)",
    });
    expect(sim.requests).toEqual([]);
  });

  it("activity.activityTyp and activity.user.emial, each at its own level", async () => {
    const { error } = await run("add_or_edit_activity", {
      activity: {
        id: "a-1",
        activityType: "other",
        activityTyp: "other",
        user: { id: "u-1", emial: "ada@example.com" },
      },
    });
    expect(error?.code).toBe("INVALID_INPUT");
    const messages = (error?.details?.issues as { path: string; message: string }[]).map(
      (i) => `${i.path}: ${i.message}`,
    );
    expect(messages).toContain(
      "activity: not a field of this schema: `activityTyp` (did you mean `activityType`?)",
    );
    expect(messages).toContain(
      "activity.user: not a field of this schema: `emial` (did you mean `email`?)",
    );
  });

  it("a field that resembles nothing is still named", async () => {
    const { error } = await run("add_or_edit_user", {
      user: { id: "u-1", favouriteColour: "red" },
    });
    expect(error?.details?.issues).toContainEqual({
      path: "user",
      message: "not a field of this schema: `favouriteColour`",
    });
  });
});
