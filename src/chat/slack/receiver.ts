// Slack's requests arrive at POST /slack/events on Klaxon's own HTTP listener. Bolt's HTTPReceiver
// does the work (raw body, signature, 5-minute replay window, url_verification, ack → 200, retry
// headers) through its request listener; it is never started, so it opens no port of its own.
import { HTTPReceiver, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import type { HttpServer } from '../../http/server.js';

export const EVENTS_PATH = '/slack/events';
const WINDOW_S = 5 * 60;

export function createHttpReceiver(signingSecret: string, logger: BoltLogger): HTTPReceiver {
  return new HTTPReceiver({ signingSecret, endpoints: EVENTS_PATH, logger, processBeforeResponse: false });
}

/**
 * Bolt rejects timestamps more than five minutes old but not ones from the future; a request
 * stamped far ahead could otherwise be replayed for as long as it stays "fresh", so both
 * directions are refused here before Bolt sees the request.
 */
export function outsideWindow(header: string | string[] | undefined, nowMs = Date.now()): boolean {
  const ts = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(ts) && Math.abs(nowMs / 1000 - ts) > WINDOW_S;
}

export function mountEvents(http: HttpServer, receiver: HTTPReceiver, log: Logger): void {
  http.route('POST', EVENTS_PATH, (req, res) => {
    if (outsideWindow(req.headers['x-slack-request-timestamp'])) {
      // Bolt logs its own refusals ("Failed to verify authenticity…"); this one says why too.
      log.warn('Failed to verify authenticity: x-slack-request-timestamp is more than 5 minutes from this clock');
      res.writeHead(401).end();
      return;
    }
    receiver.requestListener(req, res);
  });
}
