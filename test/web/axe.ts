// Accessibility checks for the browser tests: axe-core run inside the real page, as a
// screen reader or keyboard user meets it. axe's source comes from node_modules (no CDN);
// it is evaluated through the DevTools protocol, not added as a <script> tag, because the
// pages' Content-Security-Policy (script-src 'self', src/web/pages.ts) rightly blocks
// inline scripts and a test must not loosen it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

/** What fails a test: what axe calls serious or critical (moderate and minor are reported, not failed). */
export const FAILING_IMPACTS: readonly ImpactValue[] = ['serious', 'critical'];

const TARGETS_SHOWN = 3;

let axeSource: Promise<string> | undefined;

function loadAxeSource(): Promise<string> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** Every axe violation on the page as it is now (all impacts). */
export async function axeViolations(page: Page, options: RunOptions = {}): Promise<Result[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await loadAxeSource());
  const results = await page.evaluate(
    // axe's own types are not in the page's scope here; the run is plain JSON both ways.
    (runOptions) => (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, runOptions),
    { resultTypes: ['violations'], ...options } as RunOptions,
  );
  return results.violations;
}

/** The violations that fail a test: serious or critical. */
export async function seriousViolations(page: Page, options?: RunOptions): Promise<Result[]> {
  return (await axeViolations(page, options)).filter((violation) => violation.impact && FAILING_IMPACTS.includes(violation.impact));
}

/** One line per rule: id, impact, how many elements, the first few selectors, axe's help. */
export function describeViolations(violations: readonly Result[]): string {
  return violations
    .map((v) => {
      const targets = v.nodes.slice(0, TARGETS_SHOWN).map((node) => node.target.join(' >> '));
      const more = v.nodes.length > TARGETS_SHOWN ? `, … ${v.nodes.length - TARGETS_SHOWN} more` : '';
      return `- ${v.id} (${v.impact}) on ${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'}: ${targets.join(', ')}${more}\n  ${v.help} (${v.helpUrl})`;
    })
    .join('\n');
}

/**
 * Fails, naming each rule broken, when axe finds a serious or critical violation on the
 * page in its current state. Checked in light and in dark, as the pages follow
 * prefers-color-scheme with a palette each (web/styles/theme.css); the page is left in the
 * scheme it was in.
 */
export async function assertAccessible(page: Page, state: string, options?: RunOptions): Promise<void> {
  const wasDark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
  try {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const violations = await seriousViolations(page, options);
      assert.equal(
        violations.length,
        0,
        `${state} (${colorScheme}): ${violations.length} serious or critical accessibility violation${violations.length === 1 ? '' : 's'} (axe-core)\n${describeViolations(violations)}`,
      );
    }
  } finally {
    await page.emulateMedia({ colorScheme: wasDark ? 'dark' : 'light' });
  }
}
