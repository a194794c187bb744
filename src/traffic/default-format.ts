/**
 * The trace format a file probably is, from its extension, when the scenario names none. Its own
 * module so planning (and `validate`) need not load the trace parsers and log importers.
 */
export function defaultFormatFor(file: string): string {
  return file.endsWith('.csv') ? 'azure' : 'routebench';
}
