import type { Database } from '../db/database.js';
import type { ServiceContext } from '../services/context.js';

export interface JobContext extends ServiceContext {
  database: Database;
  /** Who runs it, for audit events: `system:<job>` for the scheduler, `cron` for the endpoint. */
  actor: string;
}

/** What a job reports; the cron endpoints return it with seed 000's envelope. */
export interface JobOutcome {
  message: string;
  updatedCount: number;
  [field: string]: unknown;
}

export interface JobDefinition {
  /** Also its endpoint: `POST /api/cron/<name>`, and `payouts jobs run <name>`. */
  name: string;
  description: string;
  /** Cron expression for the built-in scheduler (UTC); null: only run on demand. */
  schedule: string | null;
  run(context: JobContext): Promise<JobOutcome>;
}
