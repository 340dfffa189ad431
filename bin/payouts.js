#!/usr/bin/env node
// The `payouts` CLI with no build step: tsx compiles the TypeScript sources on the fly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
