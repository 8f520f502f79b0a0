/**
 * One scripted HTTP exchange with a Conductor server, the same for `dev/conductor` and the
 * genuine jar: what the worker and the SDK meet on the wire (status codes, content types,
 * empty bodies, poll waiting, update-v2 answers, IN_PROGRESS hand-backs, late results,
 * payload limits). Each step keeps only what must agree between the two: ids and times are
 * left out, as are waits measured in milliseconds (only their order of magnitude counts).
 */

export interface Step {
  step: string;
  status: number;
  /** "json", "text", or "none" for an empty body. */
  body: "json" | "text" | "none";
  /** The fields of the answer that the two servers must agree on. */
  facts?: Record<string, unknown>;
}

interface Answer {
  status: number;
  kind: Step["body"];
  json?: unknown;
  text?: string;
  ms: number;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const began = Date.now();
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const ms = Date.now() - began;
  const type = response.headers.get("content-type") ?? "";
  if (text === "") return { status: response.status, kind: "none", ms };
  if (type.includes("json")) {
    return { status: response.status, kind: "json", json: JSON.parse(text) as unknown, ms };
  }
  return { status: response.status, kind: "text", text, ms };
}

type Json = Record<string, unknown>;
const asObject = (value: unknown) => (value ?? {}) as Json;

function step(name: string, answer: Answer, facts?: Record<string, unknown>): Step {
  return { step: name, status: answer.status, body: answer.kind, ...(facts && { facts }) };
}

/** Roughly how long a call waited: "at once" (< 400 ms) or "waited" (a long poll held it). */
const waited = (answer: Answer) => (answer.ms < 400 ? "at once" : "waited");

function taskFacts(task: Json): Json {
  return {
    status: task.status,
    pollCount: task.pollCount,
    retryCount: task.retryCount,
    callbackAfterSeconds: task.callbackAfterSeconds,
    inputData: task.inputData,
    outputData: task.outputData,
  };
}

/**
 * Runs the exchange against `base` (no /api) with names of its own (`tag` keeps runs on one
 * server apart) and returns its steps.
 */
export async function runExchange(
  base: string,
  tag: string,
  options: { taskLogs: boolean },
): Promise<Step[]> {
  const api = `${base}/api`;
  const taskType = `parity_task_${tag}`;
  const workflow = `parity_wf_${tag}`;
  const steps: Step[] = [];
  const health = await call(base, "GET", "/health");
  steps.push(step("health", health, { healthy: asObject(health.json).healthy }));

  const defs = await call(api, "POST", "/metadata/taskdefs", [
    {
      name: taskType,
      retryCount: 1,
      retryDelaySeconds: 0,
      timeoutSeconds: 0,
      responseTimeoutSeconds: 30,
    },
  ]);
  steps.push(step("register task def", defs));
  const unknownDef = await call(api, "GET", `/metadata/taskdefs/no_such_${tag}`);
  steps.push(step("unknown task def", unknownDef, { status: asObject(unknownDef.json).status }));
  const putUnknown = await call(api, "PUT", "/metadata/taskdefs", {
    name: `no_such_${tag}`,
    timeoutSeconds: 0,
  });
  steps.push(step("update an unknown task def", putUnknown));

  const definition = {
    name: workflow,
    version: 1,
    schemaVersion: 2,
    timeoutSeconds: 0,
    tasks: [
      {
        name: taskType,
        taskReferenceName: "only",
        type: "SIMPLE",
        inputParameters: { given: "${workflow.input.given}", missing: "${workflow.input.missing}" },
      },
    ],
  };
  steps.push(step("register workflow", await call(api, "POST", "/metadata/workflow", definition)));
  steps.push(
    step(
      "register it again without overwrite",
      await call(api, "POST", "/metadata/workflow", definition),
    ),
  );
  const unknownStart = await call(api, "POST", `/workflow/no_such_${tag}`, {});
  steps.push(step("start an unknown workflow", unknownStart));

  const emptyPoll = await call(api, "GET", `/tasks/poll/batch/${taskType}?count=1&timeout=1000`);
  steps.push(
    step("batch poll, empty queue", emptyPoll, { json: emptyPoll.json, wait: waited(emptyPoll) }),
  );
  const started2 = await call(api, "POST", `/workflow/${workflow}`, { given: "batch" });
  const fewer = await call(api, "GET", `/tasks/poll/batch/${taskType}?count=5&timeout=1500`);
  steps.push(
    step("batch poll for 5 with 1 ready", fewer, {
      count: (fewer.json as unknown[]).length,
      wait: waited(fewer),
    }),
  );
  await call(api, "DELETE", `/workflow/${started2.text ?? ""}?reason=parity`);
  const tooLong = await call(api, "GET", `/tasks/poll/batch/${taskType}?count=1&timeout=6000`);
  steps.push(step("batch poll, timeout over 5 s", tooLong));
  const singleEmpty = await call(api, "GET", `/tasks/poll/${taskType}`);
  steps.push(step("single poll, empty queue", singleEmpty));

  const started = await call(api, "POST", `/workflow/${workflow}`, { given: "yes" });
  steps.push(step("start workflow", started));
  const workflowId = started.text ?? "";
  const polled = await call(
    api,
    "GET",
    `/tasks/poll/batch/${taskType}?count=1&timeout=1000&workerid=w1`,
  );
  const task = asObject((polled.json as Json[] | undefined)?.[0]);
  steps.push(
    step("batch poll, one task", polled, {
      count: (polled.json as unknown[]).length,
      task: taskFacts(task),
    }),
  );
  const taskId = String(task.taskId);

  // A hand-back: IN_PROGRESS with a callback is stored as SCHEDULED and queued again later.
  const handBack = await call(api, "POST", "/tasks", {
    workflowInstanceId: workflowId,
    taskId,
    status: "IN_PROGRESS",
    callbackAfterSeconds: 1,
    outputData: { partial: true },
  });
  steps.push(
    step("IN_PROGRESS with callbackAfterSeconds", handBack, {
      echoesTaskId: handBack.text === taskId,
    }),
  );
  const during = await call(api, "GET", `/workflow/${workflowId}?includeTasks=true`);
  const duringTask = asObject(
    asObject(during.json).tasks && (asObject(during.json).tasks as Json[])[0],
  );
  steps.push(step("the task while handed back", during, { task: taskFacts(duringTask) }));
  const early = await call(api, "GET", `/tasks/poll/batch/${taskType}?count=1&timeout=0`);
  steps.push(step("poll before the callback is due", early, { json: early.json }));
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  const again = await call(api, "GET", `/tasks/poll/batch/${taskType}?count=1&timeout=2000`);
  const againTask = asObject((again.json as Json[] | undefined)?.[0]);
  steps.push(
    step("poll after the callback", again, {
      sameTask: againTask.taskId === taskId,
      task: taskFacts(againTask),
    }),
  );

  const done = await call(api, "POST", "/tasks/update-v2", {
    workflowInstanceId: workflowId,
    taskId,
    status: "COMPLETED",
    outputData: { answer: 42 },
  });
  steps.push(step("update-v2 COMPLETED, nothing else queued", done));
  const late = await call(api, "POST", "/tasks", {
    workflowInstanceId: workflowId,
    taskId,
    status: "FAILED",
    reasonForIncompletion: "late",
    outputData: { late: true },
  });
  steps.push(
    step("a late result for a finished task", late, { echoesTaskId: late.text === taskId }),
  );
  const lateV2 = await call(api, "POST", "/tasks/update-v2", {
    workflowInstanceId: workflowId,
    taskId,
    status: "COMPLETED",
  });
  steps.push(step("a late update-v2 for a finished task", lateV2));
  const unknownTask = await call(api, "POST", "/tasks", {
    workflowInstanceId: workflowId,
    taskId: `00000000-0000-0000-0000-${tag.padStart(12, "0").slice(-12)}`,
    status: "COMPLETED",
  });
  steps.push(
    step("a result for an unknown task", unknownTask, {
      status: asObject(unknownTask.json).status,
    }),
  );
  const finished = await call(api, "GET", `/workflow/${workflowId}?includeTasks=true`);
  const finishedJson = asObject(finished.json);
  steps.push(
    step("the workflow afterwards", finished, {
      status: finishedJson.status,
      output: finishedJson.output,
      tasks: (finishedJson.tasks as Json[]).map(taskFacts),
    }),
  );
  const unknownWorkflow = await call(api, "GET", `/workflow/00000000-0000-0000-0000-000000000000`);
  steps.push(
    step("an unknown workflow", unknownWorkflow, { status: asObject(unknownWorkflow.json).status }),
  );
  if (options.taskLogs) steps.push(...(await taskLogSteps(api, workflow, taskType)));
  steps.push(...(await payloadSteps(api, workflow, taskType)));
  return steps;
}

/** Starts the workflow and takes its task: [workflowId, taskId]. */
async function takeOne(api: string, workflow: string, taskType: string): Promise<[string, string]> {
  const started = await call(api, "POST", `/workflow/${workflow}`, {});
  const polled = await call(api, "GET", `/tasks/poll/batch/${taskType}?count=1&timeout=2000`);
  return [started.text ?? "", String(asObject((polled.json as Json[])[0]).taskId)];
}

/** TaskResult.logs are kept apart from the task and read back; 204 when there are none. */
async function taskLogSteps(api: string, workflow: string, taskType: string): Promise<Step[]> {
  const [workflowId, taskId] = await takeOne(api, workflow, taskType);
  const none = await call(api, "GET", `/tasks/${taskId}/log`);
  const logs = Array.from({ length: 12 }, (_, i) => ({ log: `line ${i + 1}`, createdTime: i }));
  await call(api, "POST", "/tasks", {
    workflowInstanceId: workflowId,
    taskId,
    status: "COMPLETED",
    logs,
  });
  const kept = await call(api, "GET", `/tasks/${taskId}/log`);
  return [
    step("task logs before any", none),
    step("task logs of a result with 12 lines", kept, {
      lines: (kept.json as Json[]).map((entry) => entry.log),
    }),
  ];
}

/** Outputs over 3072 KB go to external storage ({} and a path); over 10240 KB the task fails. */
async function payloadSteps(api: string, workflow: string, taskType: string): Promise<Step[]> {
  const steps: Step[] = [];
  for (const [label, size] of [
    ["an output of 3.5 MB", 3_500_000],
    ["an output of 11 MB", 11_000_000],
  ] as const) {
    const [workflowId, taskId] = await takeOne(api, workflow, taskType);
    const update = await call(api, "POST", "/tasks", {
      workflowInstanceId: workflowId,
      taskId,
      status: "COMPLETED",
      outputData: { blob: "x".repeat(size) },
    });
    const after = await call(api, "GET", `/workflow/${workflowId}?includeTasks=true`);
    const task = asObject((asObject(after.json).tasks as Json[])[0]);
    steps.push(
      step(label, update, {
        workflow: asObject(after.json).status,
        task: task.status,
        output: task.outputData,
        externalPath: typeof task.externalOutputPayloadStoragePath === "string",
        reason: String(task.reasonForIncompletion ?? "").replace(/[0-9a-f-]{36}/g, "<id>"),
      }),
    );
  }
  return steps;
}
