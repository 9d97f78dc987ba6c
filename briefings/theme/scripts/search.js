// The search page: asks Pagefind's JavaScript API and lists results as title, source and date.
// Everything a briefing supplied is inserted as text (textContent), never parsed as HTML; the
// only markup taken from an excerpt is Pagefind's own <mark> around the matched words.

const bundle = new URL("pagefind/", import.meta.url);
const form = document.querySelector("#search-form");
const input = document.querySelector("#search-query");
const status = document.querySelector("#search-status");
const list = document.querySelector("#search-results");

let pagefind = null;

async function load() {
  if (pagefind) return pagefind;
  pagefind = await import(new URL("pagefind.js", bundle).href);
  await pagefind.init();
  // Chinese and Japanese briefings live in bundles of their own (see briefings/search.py).
  const listing = await fetch(new URL("bundles.json", bundle)).then((answer) => answer.json());
  for (const folder of listing.merge) {
    await pagefind.mergeIndex(new URL(folder, bundle).href);
  }
  return pagefind;
}

function excerptInto(parent, excerpt) {
  // Pagefind escapes < and > in the text and wraps matches in <mark>; split on those tags only.
  const parts = excerpt.split(/<mark>|<\/mark>/);
  parts.forEach((part, index) => {
    const text = part.replaceAll("&lt;", "<").replaceAll("&gt;", ">");
    if (index % 2 === 1) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      parent.append(mark);
    } else {
      parent.append(document.createTextNode(text));
    }
  });
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "item search-result"; // a result looks like the site's other lists
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = new URL(data.url, location.href).href;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "meta";
  const time = document.createElement("time");
  time.dateTime = data.meta.published || "";
  time.textContent = data.meta.date || "";
  const source = document.createElement("span");
  source.className = "source-name";
  source.textContent = data.meta.source || "";
  meta.append(time, " · ", source);
  const excerpt = document.createElement("p");
  excerpt.className = "summary";
  excerptInto(excerpt, data.excerpt || "");
  item.append(heading, meta, excerpt);
  return item;
}

async function run(query) {
  const api = await load();
  const search = await api.debouncedSearch(query, {}, 200);
  if (search === null) return; // a newer query superseded this one
  const shown = await Promise.all(search.results.slice(0, 30).map((result) => result.data()));
  list.replaceChildren(...shown.map(resultItem));
  const count = search.results.length;
  status.textContent = query.trim() === "" ? "" : `${count} ${count === 1 ? "briefing" : "briefings"} found`;
}

function remember(query) {
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
}

form.addEventListener("submit", (event) => event.preventDefault());
input.addEventListener("input", () => {
  remember(input.value);
  run(input.value).catch((error) => (status.textContent = `Search failed: ${error}`));
});
input.value = new URLSearchParams(location.search).get("q") || "";
if (input.value) run(input.value).catch((error) => (status.textContent = `Search failed: ${error}`));
