/** The event envelope: the queue message and the webhook body (see DESIGN.md, "Event envelope"). */
export interface EventEnvelope {
  id: string;
  type: string;
  timestamp: string;
  /** Counts this model's events 1, 2, 3… (the model's audit sequence). */
  sequence: number;
  model: string;
  version: number | null;
  actor: string;
  request_id: string;
  data: Record<string, unknown>;
}
