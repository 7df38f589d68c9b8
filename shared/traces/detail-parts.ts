import type { Attribute, SpanEvent, SpanLink } from './model';

/** What a format-specific reader contributes to a SpanDetail. */
export interface DetailParts {
  attributes: Attribute[];
  events: SpanEvent[];
  links: SpanLink[];
  resource: Attribute[];
  scope: Attribute[];
  statusMessage: string;
  warnings: string[];
}
