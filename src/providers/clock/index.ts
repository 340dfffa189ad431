export { AdjustableClock, systemClock, type Clock } from './clock.js';
export { waitFor } from './wait-for.js';
