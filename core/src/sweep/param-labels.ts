// Short labels for parameter keys in tables: the last path segment, or as many trailing segments as it takes to
// tell the paths apart (`temperature`, `0.weight,1.weight`).
export function shortKeys(keys: readonly string[]): Map<string, string> {
  const paths = keys.flatMap((key) => key.split(',').map((p) => p.trim().split('.')));
  const label = (path: string[]) => {
    for (let n = 1; n <= path.length; n++) {
      const tail = path.slice(-n).join('.');
      if (paths.filter((other) => other.slice(-n).join('.') === tail).length === 1) return tail;
    }
    return path.join('.');
  };
  return new Map(keys.map((key) => [key, key.split(',').map((p) => label(p.trim().split('.'))).join(',')]));
}
