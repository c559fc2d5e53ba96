/** The text of a captured copy (a web page's text, a plain-text document), for checking quotes; null when it has none. */
export interface SourceText {
  textOf(sha256: string): Promise<string | null>;
}

/** Whitespace runs are one space for matching: line breaks of a saved page are not the source's words. */
const squeeze = (s: string): string => s.replace(/\s+/gu, ' ').trim();

/**
 * Whether `quote` occurs verbatim in `text` (letters, digits and punctuation exactly; runs of
 * whitespace compare as one space).
 *
 * @example quoteOccurs('He said  18 officials\nhad been fired.', '18 officials had been fired') // => true
 */
export const quoteOccurs = (text: string, quote: string): boolean => squeeze(text).includes(squeeze(quote));

/** The readable text of an HTML page (tags dropped, the common entities decoded), else the text itself. */
export function readableText(raw: string): string {
  if (!/^\s*(<!doctype html|<html)/i.test(raw)) return raw;
  return raw
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
