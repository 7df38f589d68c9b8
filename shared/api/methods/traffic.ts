import { z } from '../../zod';
import { method } from '../define';
import type { HarRedactionSummary } from '../../har/redact';

/** What an import did (the same as `repro traffic add --json`). */
export interface TrafficAddResult {
  /** Where it went, e.g. `traffic/checkout-devtools.har`. */
  path: string;
  sha256: string;
  size: number;
  /** Exchanges replay will send (or the fixtures stub will serve). */
  entries: number;
  /** Entries that failed when recorded; kept in the file, skipped by replay. */
  skipped: number;
  /** Bodies taken in from files beside the HAR (Playwright's attach mode). */
  attachmentsInlined: number;
  /** What was redacted, by place and name (never the values). */
  redactions: HarRedactionSummary[];
  /** bundle.json changed under an existing signature, which no longer matches. */
  signatureInvalidated: boolean;
}

export const trafficMethods = {
  /**
   * Import a HAR (DevTools export, Playwright, mitmproxy, Polly...) into the open bundle folder:
   * normalised, credentials redacted as capture does, written to traffic/ (or fixtures/) and
   * listed in bundle.json. `attachments` are the body files Playwright's attach mode keeps beside
   * the HAR (name → base64).
   */
  'traffic.add': method(
    z
      .object({
        handle: z.string().min(1),
        fileName: z.string().min(1).max(255),
        text: z.string().min(1).max(64 * 1024 * 1024),
        attachments: z.record(z.string().max(255), z.string().max(64 * 1024 * 1024)).optional(),
        as: z.string().min(1).max(128).optional(),
        fixture: z.boolean().optional(),
      })
      .strict(),
  ).returns<TrafficAddResult>(),
};
