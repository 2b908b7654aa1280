// Test helper: one statement on its own short-lived connection (a superuser's, beside the pool
// under test), for setting the stage: databases, roles, terminated sessions, locks.
import pg from 'pg';

export async function adminQuery<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
