// The resolved manifest as flat dotted keys (`losses.0.params.temperature`), the shape run params take in MLflow.

export function flattenManifest(value: unknown, prefix = '', into: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0 && prefix) into[prefix] = '[]';
    value.forEach((item, i) => flattenManifest(item, prefix ? `${prefix}.${i}` : String(i), into));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) into[prefix] = '{}';
    for (const [key, child] of entries) {
      if (key === '$schema') continue;
      flattenManifest(child, prefix ? `${prefix}.${key}` : key, into);
    }
  } else if (prefix) {
    into[prefix] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return into;
}
