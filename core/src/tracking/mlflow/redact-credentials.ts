// Keeps credentials out of everything distill writes or prints: URIs lose their userinfo, and known secrets
// (password, token) are masked wherever they appear in text.

const USERINFO_IN_URI = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** `http://alice:s3cret@host:5000/x` -> `http://host:5000/x`: the form distill stores and shows. */
export function stripUserinfo(uri: string): string {
  return uri.replace(USERINFO_IN_URI, '$1');
}

/** Masks userinfo in any URI inside `text` and every occurrence of each secret. */
export function redactCredentials(text: string, secrets: readonly (string | undefined)[] = []): string {
  let clean = text.replace(USERINFO_IN_URI, '$1***@');
  for (const secret of secrets) {
    // Very short "secrets" would mask ordinary words; a real password or token is longer.
    if (secret && secret.length >= 3) clean = clean.split(secret).join('***');
  }
  return clean;
}
