/**
 * The line protocol between a lab and its agent processes: each agent writes one JSON object per
 * line on stdout, `{"event":"ready","data":{...}}`. Anything else an agent prints is kept only for
 * error messages.
 */

export interface AgentMessage {
  event: string;
  data: Record<string, unknown>;
}

/** What an agent uses to talk to its lab. */
export interface AgentIo {
  emit(event: string, data?: Record<string, unknown>): void;
  /** Milliseconds since the agent started (monotonic). */
  nowMs(): number;
}

export function parseAgentLine(line: string): AgentMessage | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as Partial<AgentMessage>;
    if (typeof value.event !== "string") return undefined;
    return { event: value.event, data: value.data ?? {} };
  } catch {
    return undefined;
  }
}

export function formatAgentLine(event: string, data: Record<string, unknown>): string {
  return `${JSON.stringify({ event, data })}\n`;
}
