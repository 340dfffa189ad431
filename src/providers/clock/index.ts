export { AdjustableClock, systemClock, type Clock } from './clock.js';
