// Live reload for `briefings serve`, injected into HTML responses at serve time only.
// It long-polls the server, which answers with what changed since the version this page shows.
// The page reloads when it changed itself, or when a file it loaded did (a script, an image, the
// search index); stylesheets are swapped in place; anything else leaves it alone, so one save
// is one reload. It also shows or clears the build-error overlay.
(() => {
  "use strict";
  const script = document.currentScript;
  const page = script.dataset.page;
  const instance = script.dataset.instance;
  let version = Number(script.dataset.version);

  // The preview's paths (as the server names them, without the leading "/") this page fetched,
  // and the folders of the scripts it ran from a folder of their own: such a script may read
  // files beside it where the page cannot see (Pagefind reads its index in a worker).
  const fetched = new Set();
  const bundles = new Set();
  function pathOf(address) {
    let url;
    try {
      url = new URL(address, location.href);
    } catch {
      return null;  // an address no browser would fetch
    }
    if (url.origin !== location.origin || url.pathname.startsWith("/__briefings__/")) return null;
    try {
      return decodeURIComponent(url.pathname.slice(1));
    } catch {
      return url.pathname.slice(1);  // not percent-encoded UTF-8: the server could not name it either
    }
  }
  function note(entries) {
    for (const entry of entries) {
      const path = pathOf(entry.name);
      if (path === null) continue;
      fetched.add(path);
      const folder = path.slice(0, path.lastIndexOf("/") + 1);
      if (folder && /\.m?js$/.test(path)) bundles.add(folder);
    }
  }
  if (typeof PerformanceObserver === "function") {
    // `buffered` hands over what the page fetched before this script ran, too.
    new PerformanceObserver((list) => note(list.getEntries())).observe({ type: "resource", buffered: true });
  }

  // Whether the page uses one of `paths`: changed files, or folders (ending in "/") where many
  // files changed.
  function usesAny(paths) {
    if (!paths.length) return false;
    // What the page names but may not have fetched yet: lazy images, its icon.
    const named = [...document.querySelectorAll('[src], link[rel~="icon"][href]')];
    const used = new Set(fetched);
    for (const element of named) {
      const path = pathOf(element.getAttribute("src") ?? element.getAttribute("href"));
      if (path !== null) used.add(path);
    }
    const under = (path, folder) => folder.endsWith("/") && path.startsWith(folder);
    return paths.some(
      (changed) =>
        [...used].some((file) => file === changed || under(file, changed)) ||
        [...bundles].some((folder) => under(changed, folder) || under(folder, changed)),
    );
  }

  function overlayFor(problems) {
    const overlay = document.createElement("div");
    overlay.id = "briefings-overlay";
    overlay.setAttribute("role", "alert");
    const title = document.createElement("p");
    title.className = "briefings-overlay-title";
    const noun = problems.length === 1 ? "problem" : "problems";
    title.textContent = `The site does not build (${problems.length} ${noun}); showing the last good build.`;
    const list = document.createElement("pre");
    list.textContent = problems.join("\n");  // text, never markup: messages quote the user's files
    overlay.append(title, list);
    return overlay;
  }

  function showProblems(problems) {
    const old = document.getElementById("briefings-overlay");
    if (old) old.remove();
    if (problems.length) document.body.append(overlayFor(problems));
  }

  function swapStyles(paths) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || !paths.includes(url.pathname.slice(1))) continue;
      url.searchParams.set("v", String(version));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      // The old sheet goes only once the new one has loaded, so the page never shows unstyled.
      fresh.addEventListener("load", () => link.remove(), { once: true });
      link.after(fresh);
    }
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function follow() {
    for (;;) {
      const query = new URLSearchParams({ since: String(version), page, instance });
      let state;
      try {
        const response = await fetch(`/__briefings__/poll?${query}`, { cache: "no-store" });
        if (!response.ok) throw new Error(`poll answered ${response.status}`);
        state = await response.json();
      } catch {
        await pause(1000);  // the server is restarting or gone: try again, quietly
        continue;
      }
      if (state.reload || usesAny(state.files)) {
        location.reload();
        return;
      }
      version = state.version;
      if (state.styles.length) swapStyles(state.styles);
      showProblems(state.problems);
    }
  }

  follow();
})();
