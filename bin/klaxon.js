#!/usr/bin/env node
// Runs the TypeScript CLI in this very process (tsx's loader, no build step, no child process), so
// a signal sent to `klaxon` or `npm start` reaches Klaxon itself and nothing is left orphaned.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
