/**
 * The `payouts` command line (bin/payouts.js runs this file through tsx; `npm start` runs
 * `serve`). Exits explicitly so that no stray handle keeps a finished command alive.
 */
import { runCli } from './run-cli.js';

process.exit(await runCli(process.argv.slice(2)));
