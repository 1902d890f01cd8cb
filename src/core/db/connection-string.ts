/**
 * The same server and credentials, another database. The URL itself is rewritten because
 * pg lets a connection string's database override a separate `database` field.
 */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
