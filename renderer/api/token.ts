export const TOKEN_STORAGE_KEY = 'chainline-token';

export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * The `chainline serve` shell hands the session token in the first URL (`?token=`). It is moved
 * to sessionStorage and removed from the address bar so it does not linger in history or get
 * copied with the URL. Returns the token and the URL to show (null when unchanged).
 */
export function takeToken(
  href: string,
  storage: TokenStorage,
): { readonly token: string | null; readonly cleanUrl: string | null } {
  const url = new URL(href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null && fromUrl !== '') {
    storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    const search = url.searchParams.toString();
    return { token: fromUrl, cleanUrl: url.pathname + (search ? '?' + search : '') + url.hash };
  }
  return { token: storage.getItem(TOKEN_STORAGE_KEY), cleanUrl: null };
}
