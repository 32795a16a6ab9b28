// The README's code blocks, for the runners: `readmeBlock('Node')` is the first ```js
// block after the heading `## Node`.
export function readmeBlock(markdown, heading) {
  const at = markdown.indexOf(`\n## ${heading}\n`);
  if (at < 0) throw new Error(`README has no "## ${heading}"`);
  const m = /```js\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (!m) throw new Error(`README's "## ${heading}" has no js block`);
  return m[1];
}
