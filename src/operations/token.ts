import { z } from "zod";
import { defineOperation } from "./define.js";

export const checkApiTokenStatus = defineOperation({
  name: "Check API Token Status",
  task: "check_api_token_status",
  description: "Reports the token's id and the community it belongs to.",
  input: z.object({}),
  run: async ({ client, callOptions }) => {
    const { jti, communityName, communityId } = await client.getApiTokenStatus(callOptions);
    return { jti, communityName, communityId };
  },
});
