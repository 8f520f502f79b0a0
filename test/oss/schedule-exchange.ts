/**
 * One scripted exchange with a Conductor server's workflow scheduler (/api/scheduler), the
 * same for dev/conductor and the genuine jar: what `register --schedules` and a scheduled
 * trigger meet on the wire. Each step keeps what must agree between the two; ids and clock
 * times are reduced to the facts that matter (present, whole seconds, one second apart).
 */

export interface ScheduleStep {
  step: string;
  status: number;
  body: "json" | "none";
  facts?: unknown;
}

type Json = Record<string, unknown>;

async function call(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === "" ? ("none" as const) : ("json" as const),
    json: text === "" ? undefined : (JSON.parse(text) as unknown),
  };
}

/** A stored schedule without its clock times (checked to be there). */
function scheduleFacts(value: unknown): Json {
  const { createTime, updatedTime, ...rest } = value as Json;
  return { ...rest, hasTimes: typeof createTime === "number" && typeof updatedTime === "number" };
}

const errorFacts = (value: unknown) => {
  const { status, message, retryable } = value as Json;
  return { status, message, retryable };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runScheduleExchange(base: string, tag: string): Promise<ScheduleStep[]> {
  const steps: ScheduleStep[] = [];
  const record = (step: string, answer: Awaited<ReturnType<typeof call>>, facts?: unknown) =>
    steps.push({
      step,
      status: answer.status,
      body: answer.body,
      ...(facts !== undefined && { facts }),
    });
  const taskType = `sched_task_${tag}`;
  const workflow = `sched_wf_${tag}`;
  const name = `sched_${tag}`;

  await call(base, "POST", "/api/metadata/taskdefs", [
    { name: taskType, retryCount: 0, responseTimeoutSeconds: 30, timeoutSeconds: 300 },
  ]);
  await call(base, "POST", "/api/metadata/workflow?overwrite=true", {
    name: workflow,
    version: 1,
    schemaVersion: 2,
    ownerEmail: "schedule@example.com",
    tasks: [
      {
        name: taskType,
        taskReferenceName: "window",
        type: "SIMPLE",
        inputParameters: {
          asOf: "${workflow.input._scheduledTime}",
          lookbackSeconds: "${workflow.input.lookbackSeconds}",
        },
      },
    ],
  });

  const paused = {
    name,
    cronExpression: "0 */5 * * * *",
    paused: true,
    startWorkflowRequest: { name: workflow, version: 1, input: { lookbackSeconds: 300 } },
  };
  const saved = await call(base, "POST", "/api/scheduler/schedules", paused);
  record("save a paused schedule", saved, scheduleFacts(saved.json));
  const read = await call(base, "GET", `/api/scheduler/schedules/${name}`);
  record("read it", read, scheduleFacts(read.json));
  const listed = await call(base, "GET", `/api/scheduler/schedules?workflowName=${workflow}`);
  record(
    "list by workflow",
    listed,
    (listed.json as Json[]).map((s) => s.name),
  );
  const missing = await call(base, "GET", `/api/scheduler/schedules/none_${tag}`);
  record("read an unknown one", missing, errorFacts(missing.json));
  record(
    "pause an unknown one",
    await call(base, "PUT", `/api/scheduler/schedules/none_${tag}/pause`),
  );
  record(
    "pause a paused one",
    await call(base, "PUT", `/api/scheduler/schedules/${name}/pause?reason=quiet`),
  );
  const reasoned = await call(base, "GET", `/api/scheduler/schedules/${name}`);
  record("the reason is kept", reasoned, (reasoned.json as Json).pausedReason);
  record("resume it", await call(base, "PUT", `/api/scheduler/schedules/${name}/resume`));
  const active = await call(base, "GET", `/api/scheduler/schedules/${name}`);
  record("resumed: active, no reason", active, scheduleFacts(active.json));
  const again = await call(base, "PUT", `/api/scheduler/schedules/${name}/resume`);
  record("resume one not paused", again, errorFacts(again.json));
  record("pause it again", await call(base, "PUT", `/api/scheduler/schedules/${name}/pause`));

  const few = await call(
    base,
    "GET",
    "/api/scheduler/nextFewSchedules?cronExpression=0+*/5+*+*+*+*",
  );
  const times = few.json as number[];
  record("next few runs", few, {
    count: times.length,
    onFiveMinutes: times.every((t) => t % 300_000 === 0),
    apart: times.slice(1).map((t, i) => t - times[i]!),
    future: times.every((t) => t > Date.now() - 1000),
  });
  const bad = await call(base, "GET", "/api/scheduler/nextFewSchedules?cronExpression=*/5+*+*+*+*");
  record("five fields are no cron here", bad, errorFacts(bad.json));
  const fiveFields = await call(base, "POST", "/api/scheduler/schedules", {
    ...paused,
    name: `${name}_five`,
    cronExpression: "*/5 * * * *",
  });
  record(
    "yet a save of five fields is accepted",
    fiveFields,
    (fiveFields.json as Json).cronExpression,
  );
  await call(base, "DELETE", `/api/scheduler/schedules/${name}_five`);

  // Every second, catching up: consecutive runs, each a second after the last.
  await call(base, "POST", "/api/scheduler/schedules", {
    ...paused,
    name: `${name}_live`,
    cronExpression: "* * * * * *",
    paused: false,
    runCatchupScheduleInstances: true,
    startWorkflowRequest: { name: workflow, version: 1, input: { lookbackSeconds: 1 } },
  });
  await sleep(4500);
  await call(base, "PUT", `/api/scheduler/schedules/${name}_live/pause`);
  const polled = await call(
    base,
    "GET",
    `/api/tasks/poll/batch/${taskType}?workerid=exchange&count=20&timeout=1000`,
  );
  const inputs = (polled.json as { inputData: Json; workflowInstanceId: string }[]).map(
    (t) => t.inputData,
  );
  const scheduled = inputs.map((i) => i.asOf as number).sort((a, b) => a - b);
  const workflows = await Promise.all(
    (polled.json as { workflowInstanceId: string }[]).map(
      async (t) =>
        (await call(base, "GET", `/api/workflow/${t.workflowInstanceId}?includeTasks=false`))
          .json as Json,
    ),
  );
  const input = (workflows[0]?.input ?? {}) as Json;
  record("a per-second schedule with catch-up ran", polled, {
    atLeastTwo: scheduled.length >= 2,
    wholeSeconds: scheduled.every((t) => t % 1000 === 0),
    oneSecondApart: scheduled.slice(1).every((t, i) => t - scheduled[i]! === 1000),
    lookbackSeconds: [...new Set(inputs.map((i) => i.lookbackSeconds))],
    inputKeys: Object.keys(input).sort(),
    startedBy: input._startedByScheduler,
    cron: input._schedulerCron,
    times: typeof input._executedTime === "number" && typeof input._executionId === "string",
  });
  for (const workflowId of workflows.map((w) => w.workflowId as string))
    await call(base, "DELETE", `/api/workflow/${workflowId}?reason=done`);

  record("delete", await call(base, "DELETE", `/api/scheduler/schedules/${name}_live`));
  record("delete again", await call(base, "DELETE", `/api/scheduler/schedules/${name}_live`));
  await call(base, "DELETE", `/api/scheduler/schedules/${name}`);
  const gone = await call(base, "GET", `/api/scheduler/schedules/${name}`);
  record("gone", gone, errorFacts(gone.json));
  return steps;
}
