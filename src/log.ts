import pino, { type Logger } from 'pino';

/** Paths whose values never reach a log line, however an object carrying them is logged. */
export const REDACT = [
  'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken', 'signingSecret', '*.signingSecret',
  'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'DISCORD_TOKEN', 'KLAXON_API_TOKEN',
  // A PostgreSQL URL carries its password.
  'KLAXON_DATABASE_URL', '*.KLAXON_DATABASE_URL', 'connectionString', '*.connectionString',
  '*.SLACK_BOT_TOKEN', '*.SLACK_APP_TOKEN', '*.SLACK_SIGNING_SECRET', '*.DISCORD_TOKEN', '*.KLAXON_API_TOKEN',
  // Events v2 senders put their integration token in the body.
  'routing_key', '*.routing_key',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'req.headers.authorization',
  'headers["x-slack-signature"]', '*.headers["x-slack-signature"]',
  // Discord's API errors carry the request URL, which holds interaction and webhook tokens.
  'err.url', 'error.url', '*.err.url', 'err.requestBody', '*.err.requestBody',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, (destination ?? pino.destination(2)) as pino.DestinationStream);
}
