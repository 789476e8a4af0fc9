// Safe HTML from text: everything a report shows comes from files, so every string is escaped, and JSON embedded in
// a <script> cannot close it.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON for a `<script type="application/json">`: `<` escaped so no `</script>` (or `<!--`) can appear in it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A library's source inside a `<script>`: a literal `</script` in it would end the element early. */
export function inlineScript(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script');
}
