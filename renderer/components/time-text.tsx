import type { TimePrecision } from '../../shared/time.js';
import { formatInZone } from '../lib/time-zone.js';
import { useAppStore } from '../store/app-store.js';

/** A time in the investigator's display zone (UTC unless switched), with the source's precision. */
export function TimeText({ iso, precision, className }: { iso: string; precision?: TimePrecision; className?: string }) {
  const zone = useAppStore((s) => s.zone);
  return (
    <time className={'mono ' + (className ?? '')} dateTime={iso} title={iso}>
      {formatInZone(iso, zone, precision)}
    </time>
  );
}
