import { canonicalizeUsername } from '../username';

/** Counters of names that cannot exist are keyed by the input as given, cut to the longest name. */
const MAX_COUNTER_NAME = 255;

/** A typed name in one spelling: its canonical form, or the trimmed input when it cannot be one. */
export function counterName(input: string): string {
  const canonical = canonicalizeUsername(input);
  return canonical.ok ? canonical.name : input.trim().slice(0, MAX_COUNTER_NAME);
}
