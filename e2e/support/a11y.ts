/**
 * The accessibility scan of e2e/a11y.spec.ts: axe-core with the WCAG 2.0/2.1 A and AA rules, and
 * its findings written out one element per line so a failure says what to fix without a trace.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Every WCAG A/AA violation on the page as it is now, formatted; empty when there are none. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations.flatMap((v) =>
    v.nodes.map((n) => {
      const summary = (n.failureSummary ?? "").replace(/\s+/g, " ").trim();
      return `${v.id} [${v.impact ?? "?"}] ${n.target.join(" ")}: ${v.help}. ${summary} (${n.html.slice(0, 160)})`;
    }),
  );
}
