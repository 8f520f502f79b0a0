import { describe, expect, it } from "vitest";
import { editDistance, resemblance } from "../../src/near-miss.js";

describe("near-miss top-level keys", () => {
  const known = ["destinationSourceId", "users", "validateAgainstCatalog", "fetchAll", "name"];

  it("finds the input a misspelt key was meant for", () => {
    expect(resemblance("destinationSourceID", known)).toBe("destinationSourceId");
    expect(resemblance("fetchall", known)).toBe("fetchAll");
    expect(resemblance("validateAgainstCatalogue", known)).toBe("validateAgainstCatalog");
    expect(resemblance("destinatonSourceId", known)).toBe("destinationSourceId");
    expect(resemblance("user", known)).toBe("users");
  });

  it("leaves a workflow author's own keys alone", () => {
    for (const key of ["note", "correlation", "myFlag", "source", "validate"]) {
      expect(resemblance(key, known), key).toBeUndefined();
    }
  });

  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("fetchall", "fecthall")).toBe(1);
    expect(editDistance("abc", "abc")).toBe(0);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});
