// Queries a built site's Pagefind bundles through Pagefind's own JavaScript API, as the search
// page does: node pagefind_query.mjs <output folder> <query>... prints {query: [result data]}.
// Files are served from the output folder by a fetch() for root-relative paths.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [output, ...queries] = process.argv.slice(2);
globalThis.fetch = async (url) => {
  const path = new URL(String(url), "http://site.invalid/").pathname;
  return new Response(await readFile(join(output, decodeURIComponent(path))));
};
const pagefind = await import(pathToFileURL(join(output, "pagefind", "pagefind.js")).href);
await pagefind.options({ basePath: "/pagefind/", baseUrl: "/" });
await pagefind.init();
const listing = JSON.parse(await readFile(join(output, "pagefind", "bundles.json"), "utf-8"));
for (const folder of listing.merge) {
  await pagefind.mergeIndex(`/pagefind/${folder}`);
}
const answers = {};
for (const query of queries) {
  const search = await pagefind.search(query);
  answers[query] = await Promise.all(search.results.map((result) => result.data()));
}
console.log(JSON.stringify(answers));
