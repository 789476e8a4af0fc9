// commander collector for options given several times (`--set a=1 --set b=2`).
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}
