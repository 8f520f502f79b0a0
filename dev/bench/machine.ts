/** The machine the benchmark ran on, for the report header. */
import { cpus, totalmem } from "node:os";
import { readFileSync } from "node:fs";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  let cpuModel = list[0]?.model?.trim() || "unknown";
  if (cpuModel === "unknown") {
    try {
      const line = readFileSync("/proc/cpuinfo", "utf8")
        .split("\n")
        .find((l) => l.startsWith("model name"));
      if (line) cpuModel = line.split(":")[1]?.trim() ?? cpuModel;
    } catch {
      // not Linux
    }
  }
  return {
    cpuModel,
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}
