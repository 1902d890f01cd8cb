// One unlabelled metric of a running server, read from its /metrics page (test servers
// serve it on their own port): for tests that check work was or was not done.
export async function metricValue(baseUrl: string, name: string): Promise<number> {
  const page = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = page.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no metric ${name} at ${baseUrl}/metrics`);
  return Number(line.slice(name.length + 1));
}
