export { waitFor } from '../src/providers/clock/index.js';
