import { useCallback, useEffect, useState } from 'react';

/**
 * The content width of an element, following resizes. Returns a callback ref: the element may
 * appear after the first render (a loading state first), which a ref object would not notice.
 */
export function useWidth(fallback = 800): [(el: HTMLElement | null) => void, number] {
  const [el, setEl] = useState<HTMLElement | null>(null);
  const [width, setWidth] = useState(fallback);
  const ref = useCallback((node: HTMLElement | null) => setEl(node), []);
  useEffect(() => {
    if (!el) return;
    // Read only when the observer reports (after the browser's layout, so the read is free),
    // the first time for the initial size: reading it here forced a layout of the whole page in
    // the middle of the first screen's render.
    const ro = new ResizeObserver(() => setWidth(el.clientWidth || fallback));
    ro.observe(el);
    return () => ro.disconnect();
  }, [el, fallback]);
  return [ref, width];
}
