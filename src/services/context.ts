import type { Config } from '../config/config.js';
import type { Clock } from '../providers/clock/index.js';
import type { StripeGateway } from '../providers/stripe/index.js';

/** What use cases need besides the database handle: settings, time, the outside world. */
export interface ServiceContext {
  config: Config;
  clock: Clock;
  stripe: StripeGateway;
}

/** Who caused a change, as written in audit events: `user:<id>`, `api_key:<id>`, `stripe`, `system:<job>`. */
export type Actor = string;
