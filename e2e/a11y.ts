// The in-page accessibility check of views.spec.ts, shared with the findings spec.

import type { Page } from '@playwright/test';

/**
 * A small in-page accessibility check (no axe here): every interactive element has a name,
 * ids are unique, tree items carry their ARIA state, images have labels.
 */
export async function a11yProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const nameOf = (el: Element): string => {
      const label = el.getAttribute('aria-label') ?? '';
      const by = el.getAttribute('aria-labelledby');
      const byText = by ? by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ') : '';
      const id = el.getAttribute('id');
      const forLabel = id ? (document.querySelector(`label[for="${CSS.escape(id)}"]`)?.textContent ?? '') : '';
      const wrapped = el.closest('label')?.textContent ?? '';
      return (label + byText + forLabel + wrapped + (el.textContent ?? '') + (el.getAttribute('title') ?? '') + ((el as HTMLInputElement).placeholder ?? '')).trim();
    };
    for (const el of document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, [role=tab], [role=treeitem], [role=tree], [role=separator], [role=img], [role=grid]')) {
      if ((el as HTMLElement).offsetParent === null && getComputedStyle(el).position !== 'fixed') continue;
      if (nameOf(el) === '') problems.push(`no accessible name: <${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}">`);
    }
    const ids = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
    for (const [id, n] of ids) if (n > 1) problems.push(`duplicate id ${id}`);
    for (const item of document.querySelectorAll('[role=treeitem]')) {
      if (!item.hasAttribute('aria-level')) problems.push('treeitem without aria-level');
      if (!item.closest('[role=tree]')) problems.push('treeitem outside a tree');
    }
    for (const tab of document.querySelectorAll('[role=tab]')) if (!tab.closest('[role=tablist]')) problems.push('tab outside a tablist');
    return problems;
  });
}
