// One host, however the evidence spells it: Security logs say `WS01.corp.local`, Sysmon and
// collectors often `ws01`. Correlation, the host's process tree and its findings all match hosts
// by this key.

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** True for an IPv4 or IPv6 address (a computer name that is an address stays whole). */
export function isAddress(text: string): boolean {
  return IPV4.test(text) || (text.includes(':') && /^[0-9a-f:.%]+$/i.test(text));
}

/** Lower-case short name; an address stays whole. `WORKSTATION6.theshire.local` → `workstation6`. */
export function hostKeyOf(computer: string): string {
  const text = computer.trim().toLowerCase();
  if (text === '' || isAddress(text)) return text;
  const dot = text.indexOf('.');
  return dot === -1 ? text : text.slice(0, dot);
}
