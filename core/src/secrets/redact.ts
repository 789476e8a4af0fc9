// Keeps secrets out of everything distill writes or prints. One redaction, applied at every boundary where text
// leaves the process — the terminal, run.log, the run journal (and so every tracker), summary.json, the sweep
// directory — masks the userinfo of any URI, the value of any query parameter named like a credential
// (`?api_key=…`, `&X-Amz-Signature=…`), and every secret this process knows of: those in its environment
// (passwords, tokens), those in flags (`--tracking-uri http://user:pass@…`, `--queue redis://:pass@…`), those a
// client read from its configuration (`~/.mlflow/credentials`), and those a plugin declared (its SecretSink).
//
// The set is process-wide on purpose: every writer must mask the same secrets, and a secret learnt late (a
// credentials file read when the tracker starts) must reach writers built earlier.

const USERINFO_IN_URI = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;
// `user:password@`: the user name stays readable (it says whose credentials), the password does not.
const PASSWORD_IN_URI = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):[^\s/?#@]*@/gi;
// `token@`: userinfo without a password is a token, masked whole.
const TOKEN_IN_URI = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@:]+@/gi;
// `?token=…`, `&api_key=…`, `&X-Amz-Signature=…`: a query parameter whose name is, or ends in, one naming a credential.
const SECRET_QUERY_NAME = String.raw`(?:[^\s=&#?"'\\]*[_.-])?(?:token|key|api_?key|apikey|secret|password|passwd|sig|signature)`;
// A value ends where a query parameter or the URL does (or at a bracket or comma: a URL quoted in a sentence).
const SECRET_QUERY_VALUE = String.raw`[^\s&#;"'\\()<>[\]{},]+`;
const SECRET_IN_QUERY = new RegExp(String.raw`([?&;]${SECRET_QUERY_NAME}=)${SECRET_QUERY_VALUE}`, 'gi');
// Very short "secrets" would mask ordinary words; a real password or token is longer.
const MIN_SECRET_LENGTH = 3;

const known = new Set<string>();

/** `http://alice:s3cret@host:5000/x` -> `http://host:5000/x`: the form distill stores and shows. */
export function stripUserinfo(uri: string): string {
  return uri.replace(USERINFO_IN_URI, '$1');
}

/** The values of query parameters named like credentials (`token`, `api_key`, `sig`, …) in `url`, decoded. */
export function secretQueryValues(url: string): string[] {
  const values: string[] = [];
  for (const match of url.matchAll(new RegExp(String.raw`[?&;]${SECRET_QUERY_NAME}=(${SECRET_QUERY_VALUE})`, 'gi'))) values.push(match[1], safeDecode(match[1])!);
  // Whole values as a URL parser reads them (one holding a bracket, `+` for a space), when `url` is one.
  if (URL.canParse(url)) {
    const name = new RegExp(String.raw`^${SECRET_QUERY_NAME}$`, 'i');
    for (const [key, value] of new URL(url).searchParams) if (name.test(key) && value) values.push(value);
  }
  return [...new Set(values)];
}

/** `url` as distill records it: the password of its userinfo and the values of credential-named query parameters masked. */
export function redactUrl(url: string): string {
  return url.replace(PASSWORD_IN_URI, '$1$2:***@').replace(TOKEN_IN_URI, '$1***@').replace(SECRET_IN_QUERY, '$1***');
}

/** Adds secrets to mask from now on (empty and very short values are ignored). */
export function registerSecrets(...secrets: readonly (string | undefined)[]): void {
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH) {
      known.add(secret);
      // The same secret written percent-encoded in a URI.
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) known.add(encoded);
    }
  }
}

/** The userinfo (user and password) of every URI in `text`, registered as secrets. */
export function registerUriSecrets(text: string | undefined): void {
  if (!text) return;
  for (const match of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^\s/?#@]+)@/gi)) {
    const [user, password] = match[1].split(':');
    registerSecrets(safeDecode(password), password);
    // A user name alone (a token written as userinfo) is a secret too; `user:password` pairs keep the user visible.
    if (password === undefined) registerSecrets(safeDecode(user), user);
  }
}

/** Masks the password (or token) in any URI in `text` and every occurrence of each known (or given) secret. */
export function redact(text: string, extra: readonly (string | undefined)[] = []): string {
  let clean = redactUrl(text);
  const secrets = [...known, ...extra.filter((s): s is string => Boolean(s && s.length >= MIN_SECRET_LENGTH))];
  // Longest first: a secret that contains another is masked whole.
  for (const secret of secrets.sort((a, b) => b.length - a.length)) clean = clean.split(secret).join('***');
  return clean;
}

/** `value` with every string in it redacted (objects and arrays copied), for JSON written to disk or sent out. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, redactDeep(item)])) as T;
  }
  return value;
}

/** The former name of `redact`, with the secrets to mask given explicitly. */
export function redactCredentials(text: string, secrets: readonly (string | undefined)[] = []): string {
  return redact(text, secrets);
}

function safeDecode(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
