// Character classes for the micromark tokenizers in this folder, on micromark's codes: a
// character code, or null at the end, or a negative code for tabs and line endings.
import type { Code } from "micromark-util-types";

export const DOLLAR = 36;
export const BACKSLASH = 92;
export const LEFT_PAREN = 40;
export const RIGHT_PAREN = 41;
export const LEFT_BRACKET = 91;
export const RIGHT_BRACKET = 93;
export const LESS_THAN = 60;
export const GREATER_THAN = 62;
export const ASTERISK = 42;

/** A line ending inside text (micromark's CR, LF and CRLF codes). */
export function isLineEnding(code: Code): boolean {
  return code !== null && code < -2;
}

/** A space, tab or line ending, or the end of the text. */
export function isSpaceOrEnd(code: Code): boolean {
  if (code === null || code < 0) return true;
  return /\s/u.test(String.fromCodePoint(code));
}

export function isDigit(code: Code): boolean {
  return code !== null && code >= 48 && code <= 57;
}

/** Punctuation or a symbol (Unicode P or S), as CommonMark counts punctuation. */
export function isPunctuation(code: Code): boolean {
  if (code === null || code < 0) return false;
  return /[\p{P}\p{S}]/u.test(String.fromCodePoint(code));
}
