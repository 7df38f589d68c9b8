/**
 * `incident.symptoms`: what the incident looked like from outside, named by the bundle so a
 * reproduction can be checked against it first ("did the legacy cart answer 502 pricing failed
 * again?"). Optional and additive: a bundle without it reads as before. Each symptom names the
 * request it shows on and one or more conditions the response must meet; docs/bundle-format.md
 * and docs/verdict.md say how they are checked.
 */
import { z } from '../zod';

/** `METHOD /path`, optionally `?name=value&…` query parameters the request must carry (others may be there too). */
export const SYMPTOM_REQUEST_PATTERN = '^[A-Z]{3,10} /[^\\s#]*$';

export const symptomSchema = z.strictObject({
  /** One line a person recognises, e.g. "Carts with a discontinued SKU fail with 502". */
  name: z.string().min(1).max(300),
  request: z.string().max(2000).regex(new RegExp(SYMPTOM_REQUEST_PATTERN), { message: 'expected "METHOD /path", e.g. "GET /cgi-bin/checkout?cart=legacy"' }),
  /** The service the request goes to (the recorded URL's host); any service when absent. */
  service: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'expected a service name matching ^[a-z0-9][a-z0-9-]{0,62}$' })
    .optional(),
  /** The response status, exact (502) or a class ("5xx"). */
  status: z.union([z.int().min(100).max(599), z.string().regex(/^[1-5]xx$/, { message: 'expected a status such as 502 or a class such as "5xx"' })]).optional(),
  /** A value in the JSON response body. */
  json: z
    .strictObject({
      path: z.string().max(500).regex(/^\$/, { message: "expected a JSONPath starting with '$'" }),
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    })
    .optional(),
  /** The response took longer than this. */
  latencyMs: z.strictObject({ above: z.number().positive().max(86_400_000) }).optional(),
});

export const symptomsSchema = z.array(symptomSchema).max(50);

export type Symptom = z.infer<typeof symptomSchema>;

/** A symptom's request, parsed: method, path and the query parameters it requires. */
export interface SymptomRequest {
  method: string;
  path: string;
  query: Array<[string, string]>;
}

export function parseSymptomRequest(request: string): SymptomRequest {
  const space = request.indexOf(' ');
  const method = request.slice(0, space).toUpperCase();
  const target = request.slice(space + 1);
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? [] : [...new URLSearchParams(target.slice(q + 1)).entries()];
  return { method, path, query };
}

/** What makes a symptom: at least one condition besides its request (JSON Schema cannot say it; checked with the manifest's other cross-field rules). */
export function symptomHasCondition(s: Symptom): boolean {
  return s.status !== undefined || s.json !== undefined || s.latencyMs !== undefined;
}
